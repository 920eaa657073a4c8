"""BLAS threads: how many threads numpy's matrix products use, chosen once at start-up.

`configure()` sets the process-wide BLAS thread count to the user's OPENBLAS/OMP/
MKL_NUM_THREADS if set, else to the cores that are idle now. Measured with
`python -m engine bench` (2-core machine): when both cores are free, two threads make
full BPTT 1.25–1.75× faster from (32,100,64,128,64) up; with the other core busy, a second
thread made it 1.4× slower (it waits for a core that is not free). An earlier policy
that also forced the step-by-step time loops onto one thread was 0.64–0.98× as fast as
plain two threads on a quiet machine and gained little under load, so it was dropped.

float64 results are bit-identical with 1 and 2 threads (tests/engine/test_engine_threads.py);
float32 products may differ in the last bits (OpenBLAS takes another sgemm path).
"""

from __future__ import annotations

import os
from functools import cache
from typing import Protocol

from threadpoolctl import ThreadpoolController

USER_VARIABLES: tuple[str, ...] = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


class BlasLibrary(Protocol):
    """What is used of a threadpoolctl library controller (untyped upstream)."""

    def get_num_threads(self) -> int | None: ...

    def set_num_threads(self, num_threads: int) -> None: ...


@cache
def _blas_libraries() -> tuple[BlasLibrary, ...]:
    """threadpoolctl's controllers of the BLAS libraries loaded (numpy's), found once."""
    import numpy  # noqa: F401  (BLAS must be loaded before it can be found)

    return tuple(ThreadpoolController().select(user_api="blas").lib_controllers)


def blas_threads() -> int:
    """The process-wide BLAS thread count (the largest over the BLAS libraries; 1 if none)."""
    return max((lib.get_num_threads() or 1 for lib in _blas_libraries()), default=1)


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity where the OS tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def idle_cores() -> int:
    """Usable cores minus those already busy (the 1-minute load average, rounded), at least 1.

    With one of two cores busy elsewhere, a second BLAS thread made even the big products
    slower (0.74× in our measurements): it waits for a core that is not free.
    """
    cores = usable_cores()
    try:
        busy = os.getloadavg()[0]
    except (AttributeError, OSError):  # no load average on this platform
        return cores
    return max(1, min(cores, round(cores - busy)))


def _user_choice() -> int | None:
    """The thread count the user set through OPENBLAS/OMP/MKL_NUM_THREADS, if any."""
    for variable in USER_VARIABLES:
        value = os.environ.get(variable, "").strip()
        if value.isdigit() and int(value) >= 1:
            return int(value)
    return None


def configure(threads: int | None = None) -> int:
    """Start-up helper: set the BLAS thread count; returns it.

    threads=None uses the user's OPENBLAS/OMP/MKL_NUM_THREADS if set, else the idle cores
    (`idle_cores()`, read now: call it again to follow the machine's load).
    """
    count = threads if threads is not None else (_user_choice() or idle_cores())
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"threads must be an integer >= 1, got {threads!r}")
    _set_threads(count)
    return count


def _set_threads(count: int) -> None:
    """Set every BLAS library's thread count to `count` (where it differs).

    threadpoolctl lets one Python thread at a time change OpenBLAS's process-wide count
    (the first to try; the others are silently ignored), so control is handed back
    after every change: the engine may run in any thread, e.g. the app's workers.
    """
    for lib in _blas_libraries():
        if lib.get_num_threads() != count:
            lib.set_num_threads(count)
            release = getattr(lib, "clear_controlling_thread", None)
            if release is not None:
                release()
