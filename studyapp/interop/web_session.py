"""One browser visitor's app process (started by `studyapp serve` for each visitor):
the bundled decks and the shared user decks, progress in a new directory of its own
under DATA_DIR/web-visitors/, so visitors never share or overwrite progress.

Run as `python -m studyapp.interop.web_session --data-dir DIR [--theme NAME]`.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Sequence
from pathlib import Path

from studyapp.paths import bundled_decks_dir, user_decks_dir

VISITORS_DIR = "web-visitors"


def visitor_dir(data: Path) -> Path:
    """A new, empty progress directory for one visitor under `data`/web-visitors."""
    parent = data / VISITORS_DIR
    parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="visitor-", dir=parent))


def main(argv: Sequence[str] | None = None) -> int:
    from studyapp.settings import load_settings
    from studyapp.ui.app import create_app

    parser = argparse.ArgumentParser(prog="studyapp-web-session")
    parser.add_argument("--data-dir", required=True, type=Path)
    parser.add_argument("--theme", default="textual-dark")
    parser.add_argument("--config", type=Path, help="settings file to read (never written)")
    args = parser.parse_args(argv)
    settings = None if args.config is None else load_settings(args.config).settings
    create_app(
        data_dir=visitor_dir(args.data_dir),
        deck_paths=[bundled_decks_dir(), user_decks_dir(args.data_dir)],
        theme=args.theme,
        configure_threads=True,
        settings=settings,
    ).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
