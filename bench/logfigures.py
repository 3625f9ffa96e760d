"""P4 and P6 on one backend: rebuild, verify and export of a large and a small log, each in
a fresh child process beside an idle child, so speed and memory growth come from one run."""

from __future__ import annotations

from bench import child, progress
from bench.logcache import Log
from bench.measure import Figure, rate

RSS_LIMIT_MB = 300.0
# Peak memory may differ this much between the two log sizes and still count as flat.
FLAT_SLACK_MB = 20.0


def measure_logs(label: str, logs: dict[str, Log]) -> dict[str, dict[str, dict[str, float]]]:
    """{size: {mode: child result}} for the ``large`` and ``small`` logs."""
    results: dict[str, dict[str, dict[str, float]]] = {}
    for size, log in logs.items():
        results[size] = {}
        for mode in child.MODES:
            events = log.generation.events
            with progress.phase(f"{label}: {mode} of the {events:,}-event log (child process)"):
                results[size][mode] = child.run(mode, log.url, log.key_path)
    return results


def figures(prefix: str, label: str, logs: dict[str, Log],
            results: dict[str, dict[str, dict[str, float]]], b3: Figure) -> list[Figure]:
    out = [_generation(f"{prefix}G.{size}", label, log) for size, log in logs.items()]
    out.append(_speed(f"{prefix}P4", f"full projection rebuild ({label})",
                      results["large"]["rebuild"], b3, 0.10))
    out += _memory(f"{prefix}P4.rss", f"rebuild peak RSS ({label})", results, "rebuild")
    out.append(_speed(f"{prefix}P6", f"audit verify ({label})", results["large"]["verify"],
                      b3, 0.30))
    out += _memory(f"{prefix}P6.rss", f"verify peak RSS ({label})", results, "verify")
    out += _memory(f"{prefix}P6.export.rss", f"export (JSONL) peak RSS ({label})", results,
                   "export")
    return out


def _generation(figure_id: str, label: str, log: Log) -> Figure:
    made = log.generation
    how = "reused from the log cache" if log.reused else "written in this run"
    return Figure(figure_id, f"writing the {made.events:,}-event log ({label}; {how})",
                  rate(made.events, made.seconds), "events/s", target="(informational)",
                  detail={"seconds": made.seconds, "setup_seconds": made.setup_seconds,
                          "save_seconds": made.save_seconds, "events": float(made.events)})


def _speed(figure_id: str, what: str, result: dict[str, float], b3: Figure,
           share: float) -> Figure:
    events_per_s = rate(int(result["events"]), result["seconds"])
    return Figure(figure_id, f"{what}, {int(result['events']):,} events", events_per_s,
                  "events/s", b3.id, b3.value, events_per_s / b3.value,
                  f">= {share:.2f} x {b3.id}", events_per_s >= share * b3.value,
                  {"seconds": result["seconds"], "events": result["events"]})


def _memory(figure_id: str, what: str, results: dict[str, dict[str, dict[str, float]]],
            mode: str) -> list[Figure]:
    """Peak RSS at both sizes against the idle child; the large one also checks flatness."""
    peak = {size: results[size][mode]["peak_rss_mb"] for size in results}
    out = []
    for size in results:
        idle = results[size]["baseline"]["peak_rss_mb"]
        events = int(results[size][mode]["events"])
        flat = peak["large"] - peak["small"] <= FLAT_SLACK_MB
        met = peak[size] <= RSS_LIMIT_MB and (flat or size == "small")
        target = f"<= {RSS_LIMIT_MB:.0f} MB" + (", flat from small to large" if size == "large"
                                                else "")
        out.append(Figure(f"{figure_id}.{size}", f"{what}, {events:,} events", peak[size], "MB",
                          "idle child", idle, peak[size] / idle, target, met,
                          {"growth_mb": peak[size] - idle,
                           "events_per_s": rate(events, results[size][mode]["seconds"])}))
    return out
