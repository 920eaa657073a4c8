"""Benchmark of the app (run it; it is not a test): `python -m studyapp.ui.bench`.

1. launch: a fresh interpreter imports the app and shows Home (headless), timed from the
   child's first line to Home mounted and taking keys, and to its deck table filled (the
   decks load in a worker after the first paint). Run twice: as the interpreter is set up
   here, and with a warm bytecode cache in a temporary folder (`PYTHONPYCACHEPREFIX`), which
   is what an installed app gets (`PYTHONDONTWRITEBYTECODE=1` recompiles every module).
2. answer -> engine panel: on the bundled decks, answer choice/true-false cards whose
   experiment is not `long`, timed from submitting the answer to the panel's Report laid
   out and painted (`EnginePanel.Shown`, posted after the refresh that shows it); plots are
   drawn after that first paint, and their time is printed too (`EnginePanel.Plotted`).

Prints the median and the range of each over several runs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

LAUNCH_CHILD = """
import time
start = time.perf_counter()
import asyncio, sys, tempfile
from pathlib import Path
from studyapp.paths import bundled_decks_dir
from studyapp.ui.app import create_app
from studyapp.ui.screens.home import HomeScreen

async def main():
    app = create_app(data_dir=Path(tempfile.mkdtemp()), deck_paths=[bundled_decks_dir()])
    async with app.run_test(size=(80, 24)) as pilot:
        while not (isinstance(app.screen, HomeScreen) and app.screen.is_mounted):
            await pilot.pause(0.002)
        home = time.perf_counter() - start
        await app.workers.wait_for_complete()  # no polling: it would steal the worker's GIL
        await pilot.pause()
        assert app.screen.query_one("#decks").row_count
        print(home, time.perf_counter() - start)

asyncio.run(main())
"""


def launch_times(runs: int, env: dict[str, str]) -> tuple[list[float], list[float]]:
    """Seconds from a fresh interpreter's first line to Home interactive and to its decks
    listed, per run, in environment `env`."""
    home, decks = [], []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", LAUNCH_CHILD],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
        first, second = out.stdout.strip().splitlines()[-1].split()
        home.append(float(first))
        decks.append(float(second))
    return home, decks


def launch_environments() -> Iterator[tuple[str, dict[str, str]]]:
    """(label, environment): as set here, then with a warm bytecode cache in a temp dir."""
    yield "as run here", dict(os.environ)
    with tempfile.TemporaryDirectory() as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        subprocess.run([sys.executable, "-c", LAUNCH_CHILD], capture_output=True, env=env)
        yield "bytecode cached", env


async def answer_times(cards: int) -> list[tuple[str, float, float | None]]:
    """(experiment, seconds from answer to engine panel painted, seconds to its plots
    drawn or None without plots) for up to `cards` cards."""
    from engine import registry
    from studyapp.paths import bundled_decks_dir
    from studyapp.ui.app import create_app
    from studyapp.ui.screens.quiz import QuizScreen
    from studyapp.ui.widgets.answer_input import Answered, ChoiceAnswer
    from studyapp.ui.widgets.engine_panel import EnginePanel
    from studyapp.ui.widgets.report_view import ReportView

    shown: list[float] = []
    plotted: list[float] = []

    def hook(message: object) -> None:
        if isinstance(message, EnginePanel.Shown):
            shown.append(time.perf_counter())
        elif isinstance(message, ReportView.Plotted):
            plotted.append(time.perf_counter())

    app = create_app(data_dir=Path(tempfile.mkdtemp()), deck_paths=[bundled_decks_dir()])
    results: list[tuple[str, float, float | None]] = []
    async with app.run_test(size=(80, 24), message_hook=hook) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        for deck in app.decks:
            app.open_quiz(deck.id)
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, QuizScreen) and screen.session is not None
            while not screen.session.finished and len(results) < cards:
                card = screen.session.current.card
                await app.workers.wait_for_complete()
                await pilot.pause()
                link = card.engine
                quick = link is not None and not registry.get(link.experiment).long
                if quick and card.type in ("choice", "truefalse") and screen.showing:
                    shown.clear()
                    plotted.clear()
                    start = time.perf_counter()
                    first = screen.query_one("#answer", ChoiceAnswer).values[0]
                    screen.post_message(Answered(first))  # what the key 1 answers
                    while not shown:
                        await pilot.pause(0.001)
                    view = screen.query_one(ReportView)
                    while view.plots and not plotted:
                        await pilot.pause(0.001)
                    plots = plotted[0] - start if plotted else None
                    results.append((link.experiment, shown[0] - start, plots))
                    await screen.action_next()
                else:
                    screen.session.advance()
                    screen.load_card()
            app.pop_screen()
            await pilot.pause()
            if len(results) >= cards:
                break
    return results


def describe(name: str, times: list[float]) -> str:
    ms = [t * 1000 for t in times]
    return (
        f"{name}: median {statistics.median(ms):.0f} ms "
        f"(min {min(ms):.0f}, max {max(ms):.0f}, n={len(ms)})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m studyapp.ui.bench", description=__doc__)
    parser.add_argument("--launches", type=int, default=5, help="launch runs (default 5)")
    parser.add_argument("--cards", type=int, default=12, help="answered cards (default 12)")
    args = parser.parse_args(argv)
    for label, env in launch_environments():
        home, decks = launch_times(args.launches, env)
        print(describe(f"launch -> Home interactive ({label})", home))
        print(describe(f"launch -> decks listed ({label})", decks))
    answered = asyncio.run(answer_times(args.cards))
    if not answered:
        print("answer -> engine panel: no quick choice/true-false card with an experiment")
        return 1
    print(describe("answer -> engine panel painted", [t for _, t, _ in answered]))
    with_plots = [p for _, _, p in answered if p is not None]
    if with_plots:
        print(describe("answer -> its plots drawn", with_plots))
    for experiment, seconds, plots in answered:
        drawn = f"  plots {plots * 1000:7.1f} ms" if plots is not None else ""
        print(f"  {experiment:40s} {seconds * 1000:7.1f} ms{drawn}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
