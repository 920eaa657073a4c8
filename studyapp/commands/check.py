"""`studyapp check PATH...`: validate decks and recompute their answers with the engine."""

from __future__ import annotations

import argparse
import json
import os
import sys

from studyapp.deck.check_budget import CheckBudget
from studyapp.text import echo


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "check",
        help="validate deck files and recompute every answer with the engine",
        description="Check deck files (or directories of *.toml): schema, ids, engine links "
        "and parameter bounds; then run every engine link and compare each numeric answer "
        "with the engine. Exit status 1 when any error is found.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="deck file or directory")
    parser.add_argument("--no-engine", action="store_true", help="skip running the engine links")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--draws",
        type=int,
        default=3,
        metavar="N",
        help="seeded draws checked per randomised card (default 3)",
    )
    budget = CheckBudget()
    parser.add_argument(
        "--max-engine-runs",
        type=int,
        default=budget.max_runs,
        metavar="N",
        help=f"distinct engine runs one deck may ask for (default {budget.max_runs})",
    )
    parser.add_argument(
        "--max-engine-seconds",
        type=float,
        default=budget.max_seconds,
        metavar="S",
        help=f"engine time one deck may take (default {budget.max_seconds:g} s)",
    )
    parser.add_argument("--quiet", action="store_true", help="show no progress while checking")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from studyapp.commands.check_progress import check_progress
    from studyapp.deck.checker import check_paths

    budget = CheckBudget(max(1, args.max_engine_runs), max(0.0, args.max_engine_seconds))
    options = {"run_engine": not args.no_engine, "draws": max(1, args.draws), "budget": budget}
    if args.quiet:
        result = check_paths(args.paths, **options)
    else:
        with check_progress() as progress:
            result = check_paths(args.paths, progress=progress, **options)
    try:
        if args.json:
            echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        else:
            for issue in result.issues:
                echo(str(issue))
            echo(result.summary())
        sys.stdout.flush()
    except BrokenPipeError:  # `studyapp check ... | head`: the reader has gone; stop quietly
        _silence_stdout()
    return 1 if result.errors else 0


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
