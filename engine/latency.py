"""`python -m engine bench --latency`: how fast the live solver can re-run experiments.

Measures, on this machine: the in-process time of every experiment at its defaults
(median of `--repeats` runs after one warm-up run; long ones only with `--long`), and
the wall time of `python -m engine list` as a fresh process. Targets:
< 100 ms per non-long experiment, < 0.5 s for `list`. Nothing here is asserted in tests.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence

from engine import registry

EXPERIMENT_TARGET_MS = 100.0
LIST_TARGET_S = 0.5


def time_experiment(name: str, repeats: int) -> tuple[float, float]:
    """(first run, median of `repeats` further runs) in ms, at the default parameters."""
    start = time.perf_counter()
    registry.run(name)
    first = (time.perf_counter() - start) * 1e3
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        registry.run(name)
        times.append((time.perf_counter() - start) * 1e3)
    return first, statistics.median(times)


def time_list_process(repeats: int) -> float:
    """Median wall time in s of `python -m engine list` in a fresh interpreter."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "engine", "list"], check=True, capture_output=True, text=True
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m engine bench --latency",
        description="Time every experiment at its defaults and the `list` command.",
    )
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per experiment")
    parser.add_argument("--long", action="store_true", help="also time long experiments")
    parser.add_argument("--only", metavar="PREFIX", default="", help="experiments to time")
    args = parser.parse_args(list(argv or []))
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")

    print(f"{'experiment':<28} {'first ms':>10} {'median ms':>10}  target < 100 ms")
    slow = []
    for exp in registry.all_experiments():
        if not exp.name.startswith(args.only):
            continue
        if exp.long and not args.long:
            print(f"{exp.name:<28} {'(long: skipped, use --long)':>33}")
            continue
        first, median = time_experiment(exp.name, args.repeats)
        over = median > EXPERIMENT_TARGET_MS and not exp.long
        slow += [exp.name] if over else []
        flag = "  SLOW" if over else ("  (long)" if exp.long else "")
        print(f"{exp.name:<28} {first:>10.1f} {median:>10.1f}{flag}")
    listing = time_list_process(min(args.repeats, 5))
    mark = "" if listing < LIST_TARGET_S else "  SLOW"
    print(f"\n`python -m engine list` as a process: {listing:.3f} s (target < 0.5 s){mark}")
    if slow:
        print(f"over 100 ms at defaults: {', '.join(slow)}")
    return 0
