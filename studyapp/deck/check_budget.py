"""How much engine work `studyapp check` may spend on one deck (a light module: the
command line reads its defaults without importing the engine)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CheckBudget:
    """The engine work `check_paths` may spend on one deck: distinct runs and seconds.
    A long experiment still running when the seconds are spent is cancelled."""

    max_runs: int = 300
    max_seconds: float = 30.0
