"""The settings screen: edit, save, and find the values kept in a new app (a restart);
a malformed settings file shown with file:line and the defaults in the form; invalid
input refused; the screen reachable from Home and from the command palette."""

from __future__ import annotations

from app_support import screen_text
from textual.widgets import Checkbox, Input, Select, Static

from studyapp.settings import load_settings
from studyapp.ui.screens.settings import SettingsScreen


async def open_settings(app, pilot) -> SettingsScreen:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("o")
    await pilot.pause()
    assert isinstance(app.screen, SettingsScreen)
    return app.screen


async def replace_text(pilot, screen, input_id: str, text: str) -> None:
    field = screen.query_one(f"#{input_id}", Input)
    field.focus()
    await pilot.pause()
    field.value = ""
    await pilot.press(*text)
    await pilot.pause()


async def test_changed_settings_survive_a_restart(make_app, tmp_path):
    path = tmp_path / "config" / "settings.toml"
    app = make_app(settings_path=path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(app, pilot)
        await replace_text(pilot, screen, "set-new-per-day", "7")
        await replace_text(pilot, screen, "set-retention", "0.85")
        await replace_text(pilot, screen, "set-steps", "2, 15, 30")
        screen.query_one("#set-shuffle-cards", Checkbox).focus()
        await pilot.press("space")  # shuffle cards: on -> off
        await pilot.pause()
        assert str(screen.query_one("#set-shuffle-cards", Checkbox).label).endswith(": off")
        screen.query_one("#set-theme", Select).value = "nord"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.theme == "nord"
        assert "Saved to" in str(screen.query_one("#settings-status", Static).render())
    saved = load_settings(path)
    assert saved.problems == []
    assert saved.settings.new_cards_per_day == 7
    assert saved.settings.desired_retention == 0.85
    assert saved.settings.learning_steps_minutes == (2.0, 15.0, 30.0)
    assert saved.settings.shuffle_cards is False and saved.settings.theme == "nord"

    restarted = make_app(settings_path=path)
    async with restarted.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(restarted, pilot)
        assert restarted.settings.new_cards_per_day == 7
        assert screen.query_one("#set-new-per-day", Input).value == "7"
        assert screen.query_one("#set-steps", Input).value == "2, 15, 30"
        assert screen.query_one("#set-shuffle-cards", Checkbox).value is False
        assert restarted.scheduler_options()["new_per_day"] == 7


async def test_a_malformed_file_is_reported_with_file_and_line_and_defaults_are_used(
    make_app, tmp_path
):
    path = tmp_path / "settings.toml"
    path.write_text('theme = "nord"\nnew_cards_per_day = "many"\n', encoding="utf-8")
    app = make_app(settings_path=path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_settings(app, pilot)
        problems = str(screen.query_one("#settings-problems", Static).render())
        assert f"{path}:2: new_cards_per_day must be a whole number" in problems
        assert "the default (20) is used" in problems
        assert screen.query_one("#set-new-per-day", Input).value == "20"
        assert app.settings.new_cards_per_day == 20


async def test_invalid_input_is_explained_and_not_saved(make_app, tmp_path):
    path = tmp_path / "settings.toml"
    app = make_app(settings_path=path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(app, pilot)
        await replace_text(pilot, screen, "set-retention", "1.5")
        problem = str(screen.query_one("#set-retention-problem", Static).render())
        assert problem == "must be between 0.70 and 0.99"
        await replace_text(pilot, screen, "set-steps", "one, ten")
        await pilot.press("ctrl+s")
        await pilot.pause()
        status = str(screen.query_one("#settings-status", Static).render())
        assert status.startswith("Not saved: desired_retention: must be between")
        assert "learning_steps_minutes" in status
        assert not path.exists()
        assert app.settings.desired_retention == 0.9


async def test_settings_from_the_command_palette(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Settings")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        status = str(app.screen.query_one("#settings-status", Static).render())
        assert status.startswith("No settings file")
        assert "Theme" in screen_text(app)
