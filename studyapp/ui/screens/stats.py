"""Stats: the progress layer's figures, with plots of activity per day and the due forecast."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Header, Label, Static

from engine.report import Series
from studyapp.progress.stats import Ratio, Stats, compute_stats
from studyapp.ui.plain import plain, plain_rich
from studyapp.ui.widgets.norm_plot import NormPlot

if TYPE_CHECKING:
    from studyapp.ui.context import StudyContext


def percent(ratio: Ratio) -> str:
    """`87% (13/15)`, or `—` when nothing was counted."""
    rate = ratio.rate
    return "—" if rate is None else f"{rate:.0%} ({ratio.hits}/{ratio.total})"


def summary_lines(stats: Stats) -> list[str]:
    lines = [
        f"Reviews: {stats.total_reviews}   Quiz answers: {stats.total_answers}"
        f"   Streak: {stats.streak_days} day(s)",
        f"True retention: {percent(stats.true_retention)} all time,"
        f" {percent(stats.true_retention_recent)} last {len(stats.activity)} days",
    ]
    if stats.edited_cards:
        lines.append(f"Cards edited since you studied them: {stats.edited_cards}")
    if stats.orphaned_decks:
        lines.append("History kept for decks not loaded: " + ", ".join(stats.orphaned_decks))
    return lines


def activity_series(stats: Stats) -> list[Series]:
    """Reviews and quiz answers per day, x = days before today (0 = today)."""
    count = len(stats.activity)
    x = [float(i - count + 1) for i in range(count)]
    return [
        Series(
            "reviews",
            x,
            [float(d.reviews) for d in stats.activity],
            plot="activity",
            x_label="day (0 = today)",
            y_label="per day",
        ),
        Series(
            "quiz answers",
            x,
            [float(d.answers) for d in stats.activity],
            plot="activity",
            x_label="day (0 = today)",
            y_label="per day",
        ),
    ]


def forecast_series(stats: Stats) -> list[Series]:
    """Cards due on each of the coming days, x = days from today."""
    return [
        Series(
            "due",
            [float(i) for i in range(len(stats.forecast))],
            [float(n) for _, n in stats.forecast],
            plot="forecast",
            x_label="days from today",
            y_label="cards due",
        ),
    ]


def plot_or_note(series: list[Series], note: str, id: str) -> Widget:
    """A plot of `series`, or `note` when every value is 0 (an empty plot is noise)."""
    if any(y for s in series for y in s.y):
        return NormPlot(series, id=id)
    return Static(note, markup=False, classes="stats-empty", id=id)


class StatsScreen(Screen):
    """Figures, accuracy per deck and topic, and two plots."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.pop_screen", "Back")]

    def __init__(self, context: StudyContext) -> None:
        super().__init__()
        self.context = context

    def compose(self) -> ComposeResult:
        store = self.context.store
        assert store is not None, "the app opens stats only with a progress store"
        stats = compute_stats(store, self.context.decks, self.context.now())
        yield Header()
        with VerticalScroll(id="stats"):
            yield Static(plain("\n".join(summary_lines(stats))), markup=False, id="stats-summary")
            yield Label("Quiz accuracy", classes="heading")
            yield self.accuracy_table(stats)
            days = len(stats.activity)
            yield Label(f"Activity, last {days} days", classes="heading")
            yield plot_or_note(
                activity_series(stats),
                f"No reviews or quiz answers in the last {days} days.",
                id="stats-activity",
            )
            yield Label(f"Due forecast, next {len(stats.forecast)} days", classes="heading")
            yield plot_or_note(
                forecast_series(stats),
                "No reviewed card falls due in this window (new cards are not counted).",
                id="stats-forecast",
            )
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "stats"

    def accuracy_table(self, stats: Stats) -> Widget:
        """Accuracy per deck and per topic, or a note when no quiz was answered yet."""
        if not stats.accuracy_by_deck:
            return Static(
                "No quiz answers yet: the accuracy per deck and topic shows here.",
                markup=False,
                classes="stats-empty",
                id="stats-accuracy",
            )
        table: DataTable = DataTable(cursor_type="none", id="stats-accuracy")
        table.add_columns("by", "name", "accuracy")
        titles = {deck.id: deck.title for deck in self.context.decks}
        for deck_id, ratio in sorted(stats.accuracy_by_deck.items()):
            table.add_row("deck", plain_rich(titles.get(deck_id, deck_id)), percent(ratio))
        for topic, ratio in sorted(stats.accuracy_by_topic.items()):
            table.add_row("topic", plain_rich(topic), percent(ratio))
        return table
