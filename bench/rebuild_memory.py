"""Peak RSS and speed of a full read-model rebuild on SQLite, at several log sizes.

`python -m bench.rebuild_memory [--events 10000 100000] [--fresh]`

A standalone view of what `python -m bench` reports as P7.P4: for each size, a cached log
(bench.logcache) is copied, then bench.child rebuilds every read model in a fresh process
beside an idle child (same imports and engines, no work) measured in the same run.
"""

from __future__ import annotations

import argparse

from bench import child
from bench.logcache import log_copy
from bench.measure import rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--fresh", action="store_true", help="write the logs again")
    arguments = parser.parse_args()
    print("| events | write s | rebuild s | events/s | peak RSS MB | baseline MB | growth MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size in arguments.events:
        with log_copy("sqlite", size, arguments.fresh) as log:
            baseline = child.run("baseline", log.url, log.key_path)
            rebuilt = child.run("rebuild", log.url, log.key_path)
        print(f"| {int(rebuilt['events']):,} | {log.generation.seconds:.0f} | "
              f"{rebuilt['seconds']:.1f} | {rate(int(rebuilt['events']), rebuilt['seconds']):,.0f}"
              f" | {rebuilt['peak_rss_mb']:.1f} | {baseline['peak_rss_mb']:.1f} | "
              f"{rebuilt['peak_rss_mb'] - baseline['peak_rss_mb']:.1f} |", flush=True)


if __name__ == "__main__":
    main()
