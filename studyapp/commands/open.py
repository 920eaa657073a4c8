"""`studyapp open PATH...`: open the app on the given deck files or folders only."""

from __future__ import annotations

import argparse
from pathlib import Path

from studyapp.commands.open_app import add_theme_option, run_app


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("open", help="open the app on the given deck files or folders")
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="deck file or folder")
    add_theme_option(parser, default=argparse.SUPPRESS)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        raise SystemExit(f"studyapp open: no such file or folder: {', '.join(missing)}")
    return run_app(args, args.paths)
