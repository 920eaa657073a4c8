"""The `studyapp` command line: opens the app, or runs one of the sub-commands.

Each sub-command lives in its own module under `studyapp.commands` and exposes
`register(subparsers)`; adding a command is one module and one line in COMMANDS.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from studyapp import __version__
from studyapp.commands.open_app import add_theme_option
from studyapp.paths import data_dir, settings_file, user_decks_dir
from studyapp.progress.store import RENAME_OPTION
from studyapp.settings import load_settings

# Fixed, code-owned list of sub-command modules (never derived from user input).
COMMANDS: tuple[str, ...] = (
    "studyapp.commands.decks",
    "studyapp.commands.check",
    "studyapp.commands.open",
    "studyapp.commands.stats",
    "studyapp.commands.export",
    "studyapp.commands.import_",
    "studyapp.commands.watch",
    "studyapp.commands.serve",
)


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every registered sub-command."""
    parser = argparse.ArgumentParser(
        prog="studyapp",
        description="Quizzes and flashcards on BPTT, clipping and vanishing gradients, "
        "every answer backed by a live computation.",
        epilog="Without a COMMAND, studyapp opens the app on the bundled decks and your own "
        f"deck files in DATA_DIR/decks (now {user_decks_dir(data_dir())}).",
    )
    parser.add_argument("--version", action="version", version=f"studyapp {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="where progress is stored (default: $STUDYAPP_DATA_DIR or the user data dir)",
    )
    parser.add_argument(
        RENAME_OPTION,
        action="store_true",
        help="if the progress file is not a studyapp store, rename it aside "
        "(progress.sqlite3.unreadable-TIME) and start a new one; without this it is left "
        "untouched and nothing is saved",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help=f"the settings file to read and write (default: {settings_file()})",
    )
    add_theme_option(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMANDS:
        importlib.import_module(module_name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse `argv` and run the chosen command; with no command, open the app."""
    parser = build_parser()
    args = parser.parse_args(argv)
    args.settings_path = settings_file(args.config)
    loaded = load_settings(args.settings_path)
    for problem in loaded.problems:
        print(f"studyapp: settings: {problem}", file=sys.stderr)
    args.settings = loaded.settings
    if args.command is None:
        from studyapp.commands.open_app import open_app

        return open_app(args)
    return int(args.handler(args) or 0)
