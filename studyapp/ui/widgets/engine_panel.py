"""The engine panel: runs one experiment in a thread worker and shows its Report.

The UI thread never computes: `run()` starts a thread worker (exclusive in its group, so
a new run cancels the previous one); the worker posts its Report back as a message. Long
experiments get `progress` (shown in a bar) and `cancel` (true once the worker is
cancelled: a new run, `cancel()`, or the panel leaving the screen).

`run()` and `show()` take `precise`, {scalar name: significant digits}: a card's answer
scalar is shown with the digits its precision needs (`Showing.answer_digits()`).

`prefetch()` computes a quick experiment ahead (e.g. while the learner reads the question),
in a thread worker too, and mounts its ReportView hidden; a later `run()` with the same
experiment and parameters only reveals it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, ProgressBar
from textual.worker import Worker, WorkerState, get_current_worker

from engine import registry
from engine.report import Report
from studyapp.ui.widgets.report_view import ReportView

ENGINE_GROUP = "engine"
PREFETCH_GROUP = "engine-prefetch"


def run_key(experiment: str, params: Mapping[str, Any]) -> tuple[str, str]:
    """Identity of one run: the experiment and its parameters (order-independent)."""
    return experiment, repr(sorted(params.items()))


class EnginePanel(Vertical):
    """Status line, progress bar and the Report of the latest run."""

    @dataclass
    class Progress(Message):
        """A long experiment's progress (coalesced: only the latest matters)."""

        run_id: int
        fraction: float
        text: str

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, EnginePanel.Progress) and message.run_id == self.run_id

    @dataclass
    class Computed(Message):
        """A worker finished run `run_id` (posted from the worker thread)."""

        run_id: int
        report: Report

    @dataclass
    class Prefetched(Message):
        """A prefetch worker computed the Report of run `key`."""

        key: tuple[str, str]
        report: Report

    @dataclass
    class Shown(Message):
        """The panel displays `report` for `experiment` with `params` (posted after the
        refresh that painted it)."""

        panel: EnginePanel
        experiment: str
        params: dict[str, Any]
        report: Report

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.experiment: str | None = None
        self.params: dict[str, Any] = {}
        self.precise: dict[str, int] = {}
        self.report: Report | None = None
        self._run_id = 0
        self._worker: Worker | None = None
        self._prefetched: tuple[tuple[str, str], Report] | None = None
        self._hidden_view: ReportView | None = None

    def compose(self) -> ComposeResult:
        yield Label("", id="engine-status", markup=False)
        yield ProgressBar(total=1.0, show_eta=False, id="engine-progress")
        yield Vertical(id="engine-body")

    @property
    def running(self) -> bool:
        """Whether the latest run is still computing."""
        return self._worker is not None and self._worker.state in (
            WorkerState.PENDING,
            WorkerState.RUNNING,
        )

    def prefetch(self, experiment: str, params: Mapping[str, Any]) -> None:
        """Compute a quick (not `long`) experiment ahead of `run()`; shows nothing."""
        if not registry.get(experiment).long:
            self._prefetched = None
            self._compute_ahead(run_key(experiment, params), experiment, dict(params))

    def run(
        self,
        experiment: str,
        params: Mapping[str, Any],
        *,
        precise: Mapping[str, int] | None = None,
    ) -> None:
        """Show `experiment` with `params`: the prefetched Report if it is that run, else
        start computing it (cancelling any earlier run)."""
        self._run_id += 1
        self.experiment, self.params = experiment, dict(params)
        self.precise = dict(precise or {})
        if self._prefetched is not None and self._prefetched[0] == run_key(experiment, params):
            report = self._prefetched[1]
            hidden = self._hidden_view
            if hidden is not None and hidden.report is report and hidden.precise == self.precise:
                self.call_later(self._reveal, hidden)
            else:
                self.post_message(self.Computed(self._run_id, report))
            return
        self._set_status(f"running {experiment} …{self._stale_note()}")
        progress = self.query_one("#engine-progress", ProgressBar)
        progress.update(progress=0.0)
        progress.display = registry.get(experiment).long
        self.set_class(True, "-running")
        self._worker = self._compute(self._run_id, experiment, dict(params))

    async def show(
        self,
        experiment: str,
        params: Mapping[str, Any],
        report: Report,
        *,
        precise: Mapping[str, int] | None = None,
    ) -> None:
        """Display a Report computed elsewhere (e.g. while preparing the card)."""
        self.cancel(quiet=True)
        self._run_id += 1
        self.experiment, self.params = experiment, dict(params)
        self.precise = dict(precise or {})
        await self._display(report)

    def cancel(self, *, quiet: bool = False) -> None:
        """Stop the running experiment, if any; its late result is ignored."""
        was_running = self.running
        self.workers.cancel_group(self, ENGINE_GROUP)
        self._run_id += 1
        self.set_class(False, "-running")
        self.query_one("#engine-progress", ProgressBar).display = False
        if was_running and not quiet:
            self._set_status(f"{self.experiment}: stopped")

    async def clear(self) -> None:
        """Cancel and forget the current Report."""
        self.cancel(quiet=True)
        self.experiment, self.params, self.report = None, {}, None
        self._prefetched, self._hidden_view = None, None
        self._set_status("")
        await self.query_one("#engine-body").remove_children()

    @work(thread=True, exclusive=True, exit_on_error=False, group=ENGINE_GROUP)
    def _compute(self, run_id: int, experiment: str, params: dict[str, Any]) -> Report:
        """Worker thread: registry.run, with progress and cancel wired to this worker."""
        worker = get_current_worker()

        def progress(fraction: float, text: str) -> None:
            self.post_message(self.Progress(run_id, fraction, text))

        report = registry.run(
            experiment, params, progress=progress, cancel=lambda: worker.is_cancelled
        )
        if not worker.is_cancelled:
            self.post_message(self.Computed(run_id, report))
        return report

    @work(thread=True, exclusive=True, exit_on_error=False, group=PREFETCH_GROUP)
    def _compute_ahead(self, key: tuple[str, str], experiment: str, params: dict) -> None:
        """Worker thread: registry.run for a later `run()` (errors surface in that run)."""
        report = registry.run(experiment, params)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Prefetched(key, report))

    @on(Prefetched)
    async def _on_prefetched(self, message: Prefetched) -> None:
        message.stop()
        self._prefetched = (message.key, message.report)
        if self.report is None and not self.running:
            view = ReportView(message.report)
            view.display = False
            body = self.query_one("#engine-body")
            await body.remove_children()
            await body.mount(view)
            self._hidden_view = view

    @on(Progress)
    def _on_progress(self, message: Progress) -> None:
        message.stop()
        if message.run_id == self._run_id:
            self.query_one("#engine-progress", ProgressBar).update(progress=message.fraction)
            self._set_status(f"{self.experiment}: {message.text}{self._stale_note()}")

    @on(Computed)
    async def _on_computed(self, message: Computed) -> None:
        message.stop()
        if message.run_id == self._run_id:
            await self._display(message.report)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == PREFETCH_GROUP:
            event.stop()  # a failed prefetch leaves nothing: run() computes and reports
            return
        if event.worker.group != ENGINE_GROUP or event.state != WorkerState.ERROR:
            return
        event.stop()
        if event.worker is self._worker:
            self.set_class(False, "-running")
            self.query_one("#engine-progress", ProgressBar).display = False
            self._set_status(f"{self.experiment} failed: {event.worker.error}")
            self.add_class("-failed")

    async def _display(self, report: Report) -> None:
        view = ReportView(report, precise=self.precise)
        body = self.query_one("#engine-body")
        await body.remove_children()
        self._hidden_view = None
        await body.mount(view)
        self._reveal(view)

    def _reveal(self, view: ReportView) -> None:
        """Show `view` (just mounted, or mounted hidden by a prefetch) as the result."""
        self.report = view.report
        self._hidden_view = None
        self.set_class(False, "-running", "-failed")
        self.query_one("#engine-progress", ProgressBar).display = False
        self._set_status(f"engine: {self.experiment}")
        view.display = True
        assert self.experiment is not None
        shown = self.Shown(self, self.experiment, dict(self.params), view.report)
        shown.set_sender(self)  # _reveal may run in the screen's handler: still bubble to the app
        self.call_after_refresh(self.post_message, shown)

    def _stale_note(self) -> str:
        """Said while a new run computes over a shown Report (greyed by the stylesheet)."""
        return " (below, greyed: the previous run)" if self.report is not None else ""

    def _set_status(self, text: str) -> None:
        self.query_one("#engine-status", Label).update(text)
