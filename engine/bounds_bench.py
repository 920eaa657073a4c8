"""`python -m engine bench --bounds`: every experiment at the corners of its bounds.

A deck may name any experiment with any in-bounds parameters, so the bounds are the
limits of the work a deck can ask for. Each experiment runs with every parameter at its
minimum, every parameter at its maximum, and each parameter alone at its maximum (the
others at their defaults); the wall time of one run and the tracemalloc peak of a second
run are reported with the worst case. Limits: TIME_LIMIT_S and MEMORY_LIMIT_MIB.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from engine import registry

TIME_LIMIT_S = 2.0
MEMORY_LIMIT_MIB = 500.0


def _end(p: registry.Param, end: str) -> Any:
    """The parameter's smallest or largest allowed value (first or last choice)."""
    if p.choices is not None:
        return p.choices[0 if end == "min" else -1]
    if p.kind is bool:
        return end == "max"
    if p.kind in (int, float):
        bound = p.minimum if end == "min" else p.maximum
        return p.default if bound is None else p.kind(bound)
    return p.default


def corners(exp: registry.Experiment) -> Iterator[tuple[str, dict[str, Any]]]:
    """(label, params): all at minimum, all at maximum, then each alone at its maximum."""
    yield "all min", {p.name: _end(p, "min") for p in exp.params}
    yield "all max", {p.name: _end(p, "max") for p in exp.params}
    if len(exp.params) > 1:
        for p in exp.params:
            if _end(p, "max") != p.default:
                yield f"{p.name} max", {p.name: _end(p, "max")}


@dataclass(frozen=True)
class Measurement:
    experiment: str
    corner: str
    params: dict[str, Any]
    seconds: float
    cpu_seconds: float
    peak_mib: float

    def over(self) -> bool:
        return self.seconds > TIME_LIMIT_S or self.peak_mib > MEMORY_LIMIT_MIB


def measure(name: str, params: dict[str, Any], corner: str) -> Measurement:
    """Wall and CPU time of one run, then the tracemalloc peak of a second run. On a
    shared machine the wall time includes waiting for other programs; the CPU time is
    this process's own work (all its threads)."""
    start, cpu = time.perf_counter(), time.process_time()
    registry.run(name, params)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    tracemalloc.start()
    try:
        registry.run(name, params)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return Measurement(name, corner, params, seconds, cpu, peak / 2**20)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m engine bench --bounds",
        description="Run every experiment at the corners of its bounds: time and peak memory.",
    )
    parser.add_argument("--only", metavar="PREFIX", default="", help="experiments to run")
    args = parser.parse_args(argv)
    rows: list[Measurement] = []
    for exp in registry.all_experiments():
        if not exp.name.startswith(args.only):
            continue
        for corner, params in corners(exp):
            row = measure(exp.name, params, corner)
            rows.append(row)
            flag = "  OVER" if row.over() else ""
            tag = " [long]" if exp.long else ""
            print(
                f"{row.experiment + tag:<40} {corner:<16} {row.seconds:8.3f} s "
                f"{row.cpu_seconds:8.3f} s cpu {row.peak_mib:9.1f} MiB{flag}",
                flush=True,
            )
    if not rows:
        print(f"no experiment starts with {args.only!r}")
        return 1
    slowest = max(rows, key=lambda r: r.seconds)
    busiest = max(rows, key=lambda r: r.cpu_seconds)
    largest = max(rows, key=lambda r: r.peak_mib)
    print(
        f"\nworst time:   {slowest.seconds:.3f} s  {slowest.experiment} ({slowest.corner}) "
        f"{slowest.params}\nworst CPU:    {busiest.cpu_seconds:.3f} s  {busiest.experiment} "
        f"({busiest.corner}) {busiest.params}\nworst memory: {largest.peak_mib:.1f} MiB  "
        f"{largest.experiment} ({largest.corner}) {largest.params}\nlimits: {TIME_LIMIT_S:g} s, "
        f"{MEMORY_LIMIT_MIB:g} MiB; {sum(r.over() for r in rows)} of {len(rows)} runs over"
    )
    return 0
