// Checks a Ledger log with the Go reference packages golang.org/x/mod/sumdb/note and
// sumdb/tlog, which nobody at Ledger wrote: the checkpoint's signature and cosignatures,
// then inclusion and consistency proofs computed from the log's tiles.
//
// Usage: interop URL LOG-VKEY WITNESS-VKEYS(comma) INDEX DIGEST-HEX OLD-SIZE OLD-ROOT-B64
package main

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// cosigner verifies cosignature/v1 (c2sp.org/tlog-cosignature), which x/mod does not know:
// note.Open still does the parsing, name and key-id matching.
type cosigner struct {
	name string
	hash uint32
	key  ed25519.PublicKey
}

func (c cosigner) Name() string    { return c.name }
func (c cosigner) KeyHash() uint32 { return c.hash }
func (c cosigner) Verify(msg, sig []byte) bool {
	if len(sig) != 72 {
		return false
	}
	t := binary.BigEndian.Uint64(sig[:8])
	signed := append([]byte(fmt.Sprintf("cosignature/v1\ntime %d\n", t)), msg...)
	return ed25519.Verify(c.key, signed, sig[8:])
}

func parseCosigner(vkey string) cosigner {
	parts := strings.SplitN(vkey, "+", 3)
	hash, err := strconv.ParseUint(parts[1], 16, 32)
	fail(err)
	raw, err := base64.StdEncoding.DecodeString(parts[2])
	fail(err)
	if len(raw) != 33 || raw[0] != 4 {
		fail(fmt.Errorf("not a cosignature/v1 key: %s", vkey))
	}
	return cosigner{parts[0], uint32(hash), ed25519.PublicKey(raw[1:])}
}

type tiles struct{ url string }

func (t tiles) Height() int { return 8 }
func (t tiles) SaveTiles([]tlog.Tile, [][]byte) {}
func (t tiles) ReadTiles(list []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(list))
	for i, tile := range list {
		// x/mod names tiles tile/H/L/N; C2SP tlog-tiles drops the height H (always 8).
		path := strings.Replace(tile.Path(), "tile/8/", "tile/", 1)
		data, err := get(t.url + "/" + path)
		if err != nil {
			return nil, err
		}
		out[i] = data
	}
	return out, nil
}

func get(url string) ([]byte, error) {
	response, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer response.Body.Close()
	if response.StatusCode != 200 {
		return nil, fmt.Errorf("GET %s: %s", url, response.Status)
	}
	return io.ReadAll(response.Body)
}

func fail(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAILED:", err)
		os.Exit(1)
	}
}

func main() {
	url, logKey, witnessKeys := os.Args[1], os.Args[2], strings.Split(os.Args[3], ",")
	index, err := strconv.ParseInt(os.Args[4], 10, 64)
	fail(err)
	digest, err := hex.DecodeString(os.Args[5])
	fail(err)
	oldSize, err := strconv.ParseInt(os.Args[6], 10, 64)
	fail(err)
	oldRoot, err := tlog.ParseHash(os.Args[7])
	fail(err)

	logVerifier, err := note.NewVerifier(logKey)
	fail(err)
	verifiers := []note.Verifier{logVerifier}
	for _, key := range witnessKeys {
		verifiers = append(verifiers, parseCosigner(key))
	}
	text, err := get(url + "/checkpoint")
	fail(err)
	opened, err := note.Open(text, note.VerifierList(verifiers...))
	fail(err)
	if len(opened.Sigs) != len(verifiers) {
		fail(fmt.Errorf("%d of %d signatures verified", len(opened.Sigs), len(verifiers)))
	}
	fmt.Printf("OK note signed by %d keys\n", len(opened.Sigs))

	lines := strings.Split(opened.Text, "\n")
	size, err := strconv.ParseInt(lines[1], 10, 64)
	fail(err)
	root, err := tlog.ParseHash(lines[2])
	fail(err)
	tree := tlog.Tree{N: size, Hash: root}
	reader := tlog.TileHashReader(tree, tiles{url})

	inclusion, err := tlog.ProveRecord(tree.N, index, reader)
	fail(err)
	fail(tlog.CheckRecord(inclusion, tree.N, tree.Hash, index, tlog.RecordHash(digest)))
	fmt.Printf("OK leaf %d included in tree %d\n", index, tree.N)

	consistency, err := tlog.ProveTree(tree.N, oldSize, reader)
	fail(err)
	fail(tlog.CheckTree(consistency, tree.N, tree.Hash, oldSize, oldRoot))
	fmt.Printf("OK tree %d extends tree %d\n", tree.N, oldSize)
}
