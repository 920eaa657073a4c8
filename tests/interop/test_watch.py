"""`studyapp watch`: the live preview follows edits of the deck file on disk."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import Static

from studyapp.interop.watch_app import WatchApp
from studyapp.ui.widgets.engine_panel import EnginePanel

PATIENCE_S = 60.0  # a guard against a hang only; each wait ends as soon as it is met


async def until(pilot: Pilot, condition: Callable[[], bool]) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + PATIENCE_S
    while not condition():
        assert loop.time() < deadline, "the preview never reached the expected state"
        await pilot.pause(0.05)


def text(app: WatchApp, selector: str) -> str:
    return str(app.query_one(selector, Static).content)


async def test_preview_follows_saves_and_survives_a_bad_one(sample_deck):
    app = WatchApp(sample_deck)
    async with app.run_test(size=(120, 50)) as pilot:
        await until(pilot, lambda: app.checks >= 1)
        assert text(app, "#watch-preview").startswith("basic-html (flashcard")
        assert "What does <b>clip</b> & *rescale* do?" in text(app, "#watch-preview")
        panel = app.query_one("#watch-engine", EnginePanel)
        await until(pilot, lambda: panel.report is not None)
        assert panel.report.scalar("total_norm") == 13.0

        # a placeholder in an explanation is filled from the card's Report
        coefficient = 2.0 / (13 + 1e-6)  # max_norm 2 over the norm 13 of [3, 4, 12]
        sample_deck.write_text(
            sample_deck.read_text().replace(
                'explanation = "Pascanu et al. 2013', 'explanation = "c = {{= coefficient:.9g}}, '
            )
        )
        await until(pilot, lambda: f"c = {coefficient:.9g}," in text(app, "#watch-preview"))

        # edit another card: the preview moves to it
        source = sample_deck.read_text()
        sample_deck.write_text(source.replace("One global L2 norm.", "[b]One[/b] L2 norm."))
        await until(pilot, lambda: text(app, "#watch-preview").startswith("pick-one"))
        assert "[b]One[/b] L2 norm." in text(app, "#watch-preview")  # plain text, no markup
        assert "answer: L2 over all tensors" in text(app, "#watch-preview")

        # a broken save: the error at file:line appears, the preview stays
        checks = app.checks
        broken = source.replace('prompt = "Which norm', 'promt = "Which norm')
        sample_deck.write_text(broken)
        await until(pilot, lambda: app.checks > checks and "error" in text(app, "#watch-issues"))
        line = broken.splitlines().index(next(r for r in broken.splitlines() if "promt" in r)) + 1
        assert f"{sample_deck}:{line}:" in text(app, "#watch-issues")
        assert "last good preview kept" in text(app, "#watch-status")
        assert text(app, "#watch-preview").startswith("pick-one")

        # fixed again, saved the way many editors do (a new file renamed over the old one):
        # the error clears
        fresh = sample_deck.with_name(".sample.toml.new")
        fresh.write_text(source)
        fresh.replace(sample_deck)
        await until(pilot, lambda: "error:" not in text(app, "#watch-issues"))
        assert "0 errors" in text(app, "#watch-status")
