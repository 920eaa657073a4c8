"""`studyapp import FILE -o DECK.toml`: an Anki or Quizlet text export as a deck."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "import",
        help="turn an Anki or Quizlet text export into a deck file",
        description='Reads Anki\'s "Notes in Plain Text" export (#separator:, #html:, '
        "#columns:, #tags column: headers) or a Quizlet export (term, separator, "
        "definition on each line) and writes a deck that `studyapp check` accepts. "
        "Imported cards have no engine link; `studyapp check` says how to add one.",
    )
    parser.add_argument("file", metavar="FILE", type=Path, help="the exported text file")
    parser.add_argument("-o", "--output", required=True, metavar="DECK.toml", type=Path)
    parser.add_argument(
        "--format",
        choices=("auto", "anki", "quizlet"),
        default="auto",
        help="auto (default): Anki when the file starts with Anki's #headers",
    )
    parser.add_argument(
        "--separator",
        metavar="SEP",
        help="Quizlet: the character between term and definition (default: tab)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from studyapp.interop.deck_writer import DeckWriteError, deck_toml, write_deck
    from studyapp.interop.plaintext_import import ImportFormatError, read_notes

    try:
        raw = args.file.read_bytes()
    except OSError as exc:
        print(f"studyapp import: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 1
    separator = {"tab": "\t", "\\t": "\t"}.get(args.separator, args.separator)
    try:
        notes = read_notes(raw, args.format, separator)
        text = deck_toml(notes, args.file.name, args.output.stem)
        warnings = write_deck(text, args.output)
    except OSError as exc:
        print(f"studyapp import: cannot write {args.output}: {exc.strerror}", file=sys.stderr)
        return 1
    except ImportFormatError as exc:
        print(f"studyapp import: {args.file}:{exc}; nothing written", file=sys.stderr)
        return 1
    except DeckWriteError as exc:
        print(
            f"studyapp import: the deck would not pass the checks; nothing written:\n{exc}",
            file=sys.stderr,
        )
        return 1
    print(
        f"wrote {args.output}: {len(notes)} cards; `studyapp check {args.output}` lists "
        f"{warnings} warnings (e.g. cards without an engine link)"
    )
    return 0
