"""Where things live: the bundled decks, the user's decks and the progress data."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import platformdirs

APP_NAME = "studyapp"
DATA_DIR_ENV = "STUDYAPP_DATA_DIR"


def bundled_decks_dir() -> Path:
    """The directory of decks shipped with studyapp.

    A wheel install carries them as `studyapp/_content`; a source checkout or an
    editable install reads the repository's `content/` beside the package.
    """
    packaged = Path(str(resources.files("studyapp"))) / "_content"
    if packaged.is_dir():
        return packaged
    source = Path(__file__).resolve().parent.parent / "content"
    if source.is_dir():
        return source
    raise FileNotFoundError(
        f"bundled decks not found: looked in {packaged} and {source}; reinstall studyapp"
    )


def bundled_deck_files() -> list[Path]:
    """Every bundled deck file, sorted by name."""
    return sorted(bundled_decks_dir().glob("*.toml"))


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The progress data directory: `override`, else $STUDYAPP_DATA_DIR, else the
    platform's user data directory (created on first use by the store, not here)."""
    if override is not None:
        return Path(override).expanduser()
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    return platformdirs.user_data_path(APP_NAME)


def user_decks_dir(data: Path) -> Path:
    """The learner's own deck folder inside the data directory."""
    return data / "decks"


SETTINGS_FILE_NAME = "settings.toml"


def settings_file(override: str | os.PathLike[str] | None = None) -> Path:
    """The settings file: `override` (the --config option), else `settings.toml` in the
    platform's user config directory."""
    if override is not None:
        return Path(override).expanduser()
    return platformdirs.user_config_path(APP_NAME) / SETTINGS_FILE_NAME
