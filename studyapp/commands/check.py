"""`studyapp check PATH...`: validate decks and recompute their answers with the engine."""

from __future__ import annotations

import argparse
import json

from studyapp.text import echo


def register(sub: argparse._SubParsersAction) -> None:
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
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from studyapp.deck.checker import check_paths

    result = check_paths(args.paths, run_engine=not args.no_engine, draws=max(1, args.draws))
    if args.json:
        echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        for issue in result.issues:
            echo(str(issue))
        echo(result.summary())
    return 1 if result.errors else 0
