"""Settings: defaults, a round trip through settings.toml, atomic writes, malformed files
reported with file:line (defaults used), the --config flag and the scheduler using them."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import fsrs
import pytest

from studyapp import cli
from studyapp.paths import settings_file
from studyapp.progress.scheduler import ReviewScheduler
from studyapp.progress.store import Store
from studyapp.settings import Settings, load_settings, save_settings
from tests.progress.conftest import T0, make_deck

PARAMS = tuple(float(w) * 1.01 for w in fsrs.Scheduler().parameters)


def test_defaults_shuffle_on_and_missing_file_is_defaults(tmp_path):
    loaded = load_settings(tmp_path / "absent.toml")
    assert loaded.settings == Settings() and loaded.problems == []
    assert loaded.settings.shuffle_cards and loaded.settings.shuffle_choices


def test_round_trip_and_atomic_write(tmp_path):
    path = tmp_path / "conf" / "settings.toml"
    chosen = replace(
        Settings(),
        theme="nord",
        shuffle_choices=False,
        desired_retention=0.85,
        new_cards_per_day=7,
        learning_steps_minutes=(2.0, 15.0, 60.0),
        fsrs_parameters=PARAMS,
    )
    save_settings(chosen, path)
    assert load_settings(path) == load_settings(path)
    assert load_settings(path).settings == chosen
    save_settings(replace(chosen, theme='we"ird\\name'), path)  # quoting survives
    assert load_settings(path).settings.theme == 'we"ird\\name'
    assert [p.name for p in path.parent.iterdir()] == ["settings.toml"]  # no temp left


def test_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "settings.toml"
    save_settings(replace(Settings(), new_cards_per_day=3), path)
    before = path.read_bytes()

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("studyapp.settings.os.fsync", broken_fsync)
    with pytest.raises(OSError):
        save_settings(replace(Settings(), new_cards_per_day=9), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["settings.toml"]


def test_bad_toml_is_reported_with_its_line_and_defaults_used(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('theme = "nord"\nnew_cards_per_day = = 3\n')
    loaded = load_settings(path)
    assert loaded.settings == Settings()
    assert len(loaded.problems) == 1 and loaded.problems[0].startswith(f"{path}:2: ")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('new_cards_per_day = "20"', "new_cards_per_day must be a whole number"),
        ("new_cards_per_day = -1", "between 0 and 9999"),
        ("desired_retention = 1.5", "between 0.70 and 0.99"),
        ("desired_retention = true", "must be a number"),
        ("learning_steps_minutes = [1, 2000]", "0-1440 minutes"),
        ('learning_steps_minutes = "1m"', "list of minutes"),
        ("fsrs_parameters = [1, 2, 3]", "not valid FSRS parameters"),
        ("theme = 3", "theme must be a theme name"),
        ("colour = 3", "unknown setting 'colour'"),
    ],
)
def test_a_bad_value_names_file_line_and_keeps_the_rest(tmp_path, line, message):
    path = tmp_path / "settings.toml"
    path.write_text(f'# mine\ntheme = "nord"\n\n{line}\n[quiz]\nshuffle_cards = false\n')
    if line.startswith("theme"):
        path.write_text(f"# mine\n\n\n{line}\n[quiz]\nshuffle_cards = false\n")
    loaded = load_settings(path)
    assert len(loaded.problems) == 1
    assert loaded.problems[0].startswith(f"{path}:4: ") and message in loaded.problems[0]
    assert loaded.settings.shuffle_cards is False  # the good values are kept
    assert loaded.settings.new_cards_per_day == 20 or "new_cards" not in line


def test_quiz_table_type_error(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('[quiz]\nshuffle_cards = "yes"\n')
    loaded = load_settings(path)
    assert loaded.settings.shuffle_cards is True
    assert loaded.problems == [
        f"{path}:2: quiz.shuffle_cards must be true or false; the default (True) is used"
    ]


def test_config_flag_and_default_location(tmp_path, capsys):
    path = tmp_path / "mine.toml"
    path.write_text("new_cards_per_day = 4\ndesired_retention = 2\n")
    args = cli.build_parser().parse_args(["--config", str(path)])
    assert settings_file(args.config) == path
    assert settings_file().name == "settings.toml"
    assert cli.main(["--config", str(path), "decks"]) == 0
    err = capsys.readouterr().err
    assert f"{path}:2: desired_retention must be between 0.70 and 0.99" in err


def test_scheduler_uses_the_settings(tmp_path):
    settings = replace(
        Settings(),
        desired_retention=0.8,
        new_cards_per_day=2,
        learning_steps_minutes=(3.0,),
        fsrs_parameters=PARAMS,
    )
    with Store.open(tmp_path) as store:
        sched = ReviewScheduler(store, make_deck(), **settings.scheduler_options())
        assert sched.new_per_day == 2
        assert sched.fsrs.desired_retention == 0.8
        assert sched.fsrs.learning_steps == (timedelta(minutes=3),)
        assert tuple(sched.fsrs.parameters) == pytest.approx(PARAMS)
        assert len(sched.due_cards(T0)) == 2


def test_check_setting_applies_the_file_checks_to_one_value():
    from studyapp.settings import check_setting

    assert check_setting("desired_retention", 0.85) is None
    assert check_setting("desired_retention", 1.2) == "must be between 0.70 and 0.99"
    assert check_setting("new_cards_per_day", 7) is None
    assert check_setting("new_cards_per_day", 2.5) == "must be a whole number"
    assert check_setting("learning_steps_minutes", [1, 10]) is None
    assert check_setting("learning_steps_minutes", [0]) == "each step must be 0-1440 minutes"
    with pytest.raises(KeyError):
        check_setting("no_such_setting", 1)
