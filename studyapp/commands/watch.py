"""`studyapp watch PATH`: re-check and live-preview a deck on every save."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "watch",
        help="re-check and live-preview a deck file on every save",
        description="Opens a preview of the deck file: on every save it re-runs the checks, "
        "lists the issues at file:line and previews the card being edited with its engine "
        "panel. A save with errors keeps the last good preview.",
    )
    parser.add_argument("path", metavar="PATH", type=Path, help="the deck file (.toml)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if not args.path.is_file():
        print(f"studyapp watch: {args.path} is not a deck file", file=sys.stderr)
        return 1
    from studyapp.interop.watch_app import WatchApp

    WatchApp(args.path).run()
    return 0
