"""`studyapp export anki PATH... -o FILE.apkg`: decks as an Anki package."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("export", help="export decks to another app (Anki)")
    targets = parser.add_subparsers(dest="target", metavar="TARGET", required=True)
    anki = targets.add_parser(
        "anki",
        help="write an Anki package (.apkg), the engine's numbers under each answer",
        description="One Anki note per card. Re-exporting updates the notes already "
        "imported (stable note ids) instead of duplicating them.",
    )
    anki.add_argument("paths", nargs="+", metavar="PATH", help="deck file or directory")
    anki.add_argument("-o", "--output", required=True, metavar="FILE.apkg", type=Path)
    anki.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from studyapp.deck.loader import load_decks
    from studyapp.interop.anki_export import write_package

    loaded = load_decks(args.paths)
    for failure in loaded.failures:
        print(f"studyapp export: {failure}", file=sys.stderr)
    if loaded.failures or not loaded.decks:
        print("studyapp export: nothing written; fix the decks above", file=sys.stderr)
        return 1
    try:
        count = write_package(loaded.decks, args.output)
    except OSError as exc:
        print(f"studyapp export: cannot write {args.output}: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"wrote {args.output}: {len(loaded.decks)} decks, {count} notes")
    return 0
