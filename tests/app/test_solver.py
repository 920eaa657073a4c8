"""Solver: form from the registry, validation before running, debounced re-runs,
progress and cancel for long experiments."""

from __future__ import annotations

import asyncio

from app_support import DECAY, SLOW, calls, scalar_cells, slow_started
from textual.widgets import Input, Static

from studyapp.ui.screens.solver import RERUN_DELAY, SolverScreen
from studyapp.ui.widgets.engine_panel import EnginePanel


async def open_solver(app, pilot, experiment=None, params=None) -> SolverScreen:
    await pilot.pause()
    app.open_solver(experiment, params)
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(app.screen, SolverScreen)
    return app.screen


async def test_solver_runs_given_params_and_shows_the_numbers(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_solver(app, pilot, DECAY, {"rho": 0.25, "steps": 3})
        panel = screen.query_one(EnginePanel)
        assert panel.params == {"rho": 0.25, "steps": 3, "mode": "plain", "log_scale": True}
        assert scalar_cells(panel)["final"] == "0.015625"  # 0.25^3
        assert screen.query_one("#param-rho", Input).value == "0.25"


async def test_out_of_bounds_param_is_marked_and_runs_nothing(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_solver(app, pilot, DECAY)
        runs_before = calls[DECAY]
        report_before = screen.query_one(EnginePanel).report
        field = screen.query_one("#param-rho", Input)
        field.focus()
        field.value = "7.5"  # maximum is 2
        await pilot.pause()
        await asyncio.sleep(RERUN_DELAY * 2)
        await pilot.press("ctrl+r")  # an explicit run is refused too
        await app.workers.wait_for_complete()
        await pilot.pause()
        error = screen.query_one("#error-rho", Static)
        assert "rho: must be float in [0, 2]" in str(error.render())
        assert error.has_class("-shown")
        assert field.has_class("-invalid")
        assert "not run" in str(screen.query_one("#solver-status", Static).render())
        assert calls[DECAY] == runs_before
        assert screen.query_one(EnginePanel).report is report_before


async def test_valid_edit_reruns_after_the_debounce(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_solver(app, pilot, DECAY)
        runs_before = calls[DECAY]
        field = screen.query_one("#param-steps", Input)
        for text in ("1", "10"):  # two quick edits -> one run
            field.value = text
            await pilot.pause()
        await asyncio.sleep(RERUN_DELAY * 2)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert calls[DECAY] == runs_before + 1
        assert (
            scalar_cells(screen.query_one(EnginePanel))["final"] == "9.765625e-04"
        )  # 0.5^10 as every view shows it


async def test_long_experiment_shows_progress_and_stops_on_cancel(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_solver(app, pilot, DECAY)
        await screen.choose(SLOW, {"ticks": 4000})  # 80 s if never cancelled
        await pilot.pause()
        assert await asyncio.to_thread(slow_started.wait, 5)
        panel = screen.query_one(EnginePanel)
        for _ in range(50):
            await pilot.pause(0.02)
            if "tick" in str(panel.query_one("#engine-status").render()):
                break
        assert "tick" in str(panel.query_one("#engine-status").render())
        assert panel.query_one("#engine-progress").display
        await pilot.press("ctrl+t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert calls[f"{SLOW}:cancelled"] == 1
        assert not panel.running
        assert "stopped" in str(panel.query_one("#engine-status").render())


async def test_leaving_the_solver_cancels_a_long_run(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.open_solver(SLOW, {"ticks": 4000})  # 80 s if never cancelled
        await pilot.pause()
        screen = app.screen
        assert await asyncio.to_thread(slow_started.wait, 5)
        await pilot.press("escape")
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert calls[f"{SLOW}:cancelled"] == 1
        assert screen is not app.screen


async def test_tab_goes_from_the_list_to_the_first_parameter_and_keys_still_scroll(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_solver(app, pilot, DECAY)
        assert app.focused is screen.query_one("#solver-list")
        await pilot.press("tab")
        assert app.focused is screen.query_one("#param-rho", Input)
        main = screen.query_one("#solver-main")
        assert main.max_scroll_y > 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert main.scroll_y > 0
