"""Stats: the progress layer's figures; reviews, quiz answers and the due forecast as bars;
a review calendar heat-map; each "—" explained where it stands."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Header, Label, Static

from studyapp.progress.stats import Ratio, Stats, compute_stats
from studyapp.progress.timeutil import local_day
from studyapp.ui.plain import plain, plain_rich
from studyapp.ui.widgets.count_bars import CountBars
from studyapp.ui.widgets.review_calendar import ReviewCalendar

if TYPE_CHECKING:
    from studyapp.ui.context import StudyContext

CALENDAR_WEEKS = 26
RETENTION_UNKNOWN = (
    "no review of a learned card yet: true retention is the share of reviews of cards in"
    " the Review state not rated Again (as in Anki); cards in their learning steps and"
    " quiz answers do not count"
)


def percent(ratio: Ratio) -> str:
    """`87% (13/15)`, or `—` when nothing was counted."""
    rate = ratio.rate
    return "—" if rate is None else f"{rate:.0%} ({ratio.hits}/{ratio.total})"


def summary_lines(stats: Stats) -> list[str]:
    days = len(stats.activity)
    lines = [
        f"Reviews: {stats.total_reviews}   Quiz answers: {stats.total_answers}"
        f"   Streak: {stats.streak_days} day(s)",
        f"True retention: {percent(stats.true_retention)} all time,"
        f" {percent(stats.true_retention_recent)} last {days} days",
    ]
    if stats.edited_cards:
        lines.append(f"Cards edited since you studied them: {stats.edited_cards}")
    if stats.orphaned_decks:
        lines.append("History kept for decks not loaded: " + ", ".join(stats.orphaned_decks))
    return lines


def retention_note(stats: Stats) -> str:
    """Why true retention reads "—", or "" when it has a value."""
    if stats.true_retention.rate is None:
        return f"— : {RETENTION_UNKNOWN}."
    if stats.true_retention_recent.rate is None:
        return f"— : no review of a learned card in the last {len(stats.activity)} days."
    return ""


def bars_or_note(
    values: list[int], labels: tuple[str, str], note: str, id: str, width: int = 1
) -> Widget:
    """Bars of `values`, or `note` when every value is 0 (empty bars are noise)."""
    if any(values):
        return CountBars(values, labels=labels, width=width, id=id)
    return Static(note, markup=False, classes="stats-empty", id=id)


def figures(values: list[int], unit: str, busiest_label: str) -> str:
    """One line of exact numbers under a bar chart: the total and the largest value."""
    top = max(values, default=0)
    return f"total {sum(values)} {unit}; {busiest_label} {top}"


class StatsScreen(Screen):
    """Figures, accuracy per deck and topic, bar charts and the review calendar."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.pop_screen", "Back")]

    def __init__(self, context: StudyContext) -> None:
        super().__init__()
        self.context = context

    def compose(self) -> ComposeResult:
        store = self.context.store
        assert store is not None, "the app opens stats only with a progress store"
        now = self.context.now()
        stats = compute_stats(store, self.context.decks, now)
        days = len(stats.activity)
        reviews = [d.reviews for d in stats.activity]
        answers = [d.answers for d in stats.activity]
        due = [n for _, n in stats.forecast]
        past = (f"-{days - 1}d", "today")
        yield Header()
        with VerticalScroll(id="stats"):
            yield Static(plain("\n".join(summary_lines(stats))), markup=False, id="stats-summary")
            note = retention_note(stats)
            if note:
                yield Static(plain(note), markup=False, id="stats-retention-note")
            yield Label("Quiz accuracy", classes="heading")
            yield self.accuracy_table(stats)
            yield Label(f"Reviews per day, last {days} days", classes="heading")
            yield bars_or_note(
                reviews, past, f"No flashcard review in the last {days} days.", "stats-reviews"
            )
            if any(reviews):
                yield Static(figures(reviews, "reviews", "busiest day"), classes="stats-figures")
            yield Label(f"Quiz answers per day, last {days} days", classes="heading")
            yield bars_or_note(
                answers, past, f"No quiz answer in the last {days} days.", "stats-answers"
            )
            if any(answers):
                yield Static(figures(answers, "answers", "busiest day"), classes="stats-figures")
            yield Label(f"Due forecast, next {len(due)} days", classes="heading")
            yield bars_or_note(
                due,
                ("today", f"+{len(due) - 1}d"),
                "No reviewed card falls due in this window (new cards are not counted).",
                "stats-forecast",
                width=2,
            )
            if any(due):
                yield Static(
                    figures(
                        due,
                        "cards due (today includes overdue; new cards not counted)",
                        "most in a day",
                    ),
                    classes="stats-figures",
                )
            yield Label(f"Review calendar, last {CALENDAR_WEEKS} weeks", classes="heading")
            yield ReviewCalendar(
                store.reviews_per_day(),
                local_day(now, None),
                weeks=CALENDAR_WEEKS,
                id="stats-calendar",
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
