"""Open the Textual app (the default when no sub-command is given): the bundled decks
plus the learner's own deck folder, progress in the data directory."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from studyapp.paths import bundled_decks_dir, data_dir, user_decks_dir

DEFAULT_THEME = "textual-dark"  # the same as studyapp.ui.app.DEFAULT_THEME


def theme_name(name: str) -> str:
    """argparse type of --theme: one of Textual's themes, else a message listing them."""
    from textual.theme import BUILTIN_THEMES

    if name not in BUILTIN_THEMES:
        raise argparse.ArgumentTypeError(
            f"unknown theme {name!r}; choose one of: {', '.join(sorted(BUILTIN_THEMES))}"
        )
    return name


def add_theme_option(parser: argparse.ArgumentParser, default: str | None = None) -> None:
    """`--theme NAME` on `parser` (validated against the available themes); None (the
    default) leaves the theme to the settings file; a sub-command passes
    `argparse.SUPPRESS` so that `studyapp --theme X open ...` keeps X."""
    parser.add_argument(
        "--theme",
        type=theme_name,
        default=default,
        metavar="NAME",
        help=f"colour theme of the app for this run (default: the settings' theme, else"
        f" {DEFAULT_THEME}; e.g. nord, gruvbox)",
    )


def run_app(args: argparse.Namespace, deck_paths: Sequence[Path]) -> int:
    """Run the app over `deck_paths` with the global options in `args` (data dir, theme,
    --rename-unreadable, the settings file) until the learner quits."""
    from studyapp.ui.app import create_app

    create_app(
        data_dir=data_dir(args.data_dir),
        deck_paths=deck_paths,
        theme=getattr(args, "theme", None),
        configure_threads=True,
        rename_unreadable=args.rename_unreadable,
        settings_path=getattr(args, "settings_path", None),
    ).run()
    return 0


def open_app(args: argparse.Namespace) -> int:
    data = data_dir(args.data_dir)
    return run_app(args, [bundled_decks_dir(), user_decks_dir(data)])
