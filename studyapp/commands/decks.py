"""`studyapp decks`: list the bundled and the learner's decks, and why any fail to load."""

from __future__ import annotations

import argparse
from pathlib import Path

from studyapp.paths import bundled_decks_dir, data_dir, user_decks_dir
from studyapp.text import echo


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("decks", help="list the decks (id, title, cards) and any that fail")
    parser.set_defaults(handler=run)


def _listing(title: str, folder: Path) -> list[str]:
    from studyapp.deck.loader import load_decks

    result = load_decks([folder])
    lines = [f"{title} in {folder}:"]
    for deck in result.decks:
        lines.append(
            f"  {deck.id:<24} {len(deck.cards):>4} cards  {deck.title}  ({deck.path.name})"
        )
    for failure in result.failures:
        more = len(failure.issues) - 1
        extra = f" (+{more} more; run `studyapp check {failure.path}`)" if more > 0 else ""
        lines.append(f"  FAILED {failure.path.name}: {failure}{extra}")
    if not result.decks and not result.failures:
        lines.append("  (none)")
    return lines


def run(args: argparse.Namespace) -> int:
    lines = _listing("bundled decks", bundled_decks_dir())
    user = user_decks_dir(data_dir(getattr(args, "data_dir", None)))
    if user.is_dir():
        lines += _listing("your decks", user)
    echo("\n".join(lines))
    return 0
