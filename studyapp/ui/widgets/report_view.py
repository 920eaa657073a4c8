"""A Report in the app: its text drawn as cached blocks of lines, its plots after the paint.

`ReportView` holds few widgets: a `ReportText` with the title, warnings, scalars and tables;
one fixed-height slot per plot (heading now, the `NormPlot` mounted into it after the text
has been painted, so the first paint never waits for a plot); a `ReportText` with the
formulas and worked steps. A ReportText renders its Rich parts once per width and style
(Textual's line API), so layout passes never re-render a Rich table.

All Report text is shown as plain text (it may contain `[` and `]`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich import box
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.style import Style
from rich.table import Table as RichTable
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from engine.report import Report, Scalar, Series


def format_value(value: object, digits: int = 6) -> str:
    """A number in `digits` significant digits (ints and non-numbers as they are)."""
    if isinstance(value, bool) or not isinstance(value, float):
        return str(value)
    return f"{value:.{digits}g}"


def scalar_row(scalar: Scalar, digits: int = 6) -> list[str]:
    return [scalar.name, format_value(scalar.value, max(digits, 6)), scalar.unit, scalar.note]


def plot_groups(series: list[Series]) -> Iterator[tuple[str, list[Series]]]:
    """Series grouped by their `plot` key (a series with no key gets its own plot)."""
    groups: dict[str, list[Series]] = {}
    for index, item in enumerate(series):
        groups.setdefault(item.plot or f"#{index}", []).append(item)
    for key, members in groups.items():
        yield (members[0].label if key.startswith("#") else key), members


@dataclass(frozen=True)
class ShownTable:
    """A table as the learner sees it: title ("" for the scalars), columns, cell texts."""

    title: str
    columns: list[str]
    rows: list[list[str]]


# One part of a ReportText: (kind, text) with kind in title, warning, heading, formula,
# steps; or ("table", ShownTable).
Part = tuple[str, "str | ShownTable"]


def text_parts(
    report: Report, precise: Mapping[str, int] | None = None
) -> tuple[list[Part], list[Part]]:
    """(parts above the plots: title, warnings, scalars, tables; parts below: formulas,
    worked steps). A scalar named in `precise` shows at least that many digits."""
    precise = precise or {}
    top: list[Part] = [("title", report.title)]
    top.extend(("warning", f"⚠ {warning}") for warning in report.warnings)
    if report.scalars:
        columns = ["name", "value", "unit", "note"]
        rows = [scalar_row(s, precise.get(s.name, 6)) for s in report.scalars]
        top.append(("table", ShownTable("", columns, rows)))
    for table in report.tables:
        rows = [[format_value(cell) for cell in row] for row in table.rows]
        top.append(("heading", table.title))
        top.append(("table", ShownTable(table.title, list(table.columns), rows)))
    bottom: list[Part] = []
    for formula in report.formulas:
        bottom.extend((("heading", formula.name), ("formula", formula.text)))
    if report.steps:
        numbered = "\n".join(f"{i}. {step}" for i, step in enumerate(report.steps, 1))
        bottom.extend((("heading", "Worked steps"), ("steps", numbered)))
    return top, bottom


NAME_WIDTH_LIMIT = 32  # a first-column name longer than this may still fold


def rich_table(table: ShownTable) -> RichTable:
    """The table drawn by Rich: a header rule, no edges, long cells folded; the first
    column (scalar names, row labels) keeps its longest name whole (up to
    NAME_WIDTH_LIMIT), so `max_abs_difference` never breaks mid-word: the other
    columns give way."""
    drawn = RichTable(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    names = [row[0] for row in table.rows if row] + table.columns[:1]
    name_width = min(max((len(name) for name in names), default=0), NAME_WIDTH_LIMIT)
    for index, column in enumerate(table.columns):
        width = name_width if index == 0 else None
        drawn.add_column(Text(column), overflow="fold", min_width=width)
    for row in table.rows:
        drawn.add_row(*(Text(cell) for cell in row))
    return drawn


class ReportText(Widget):
    """Report text parts as one block of lines, rendered once per (width, styles)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "report-text--title",
        "report-text--heading",
        "report-text--warning",
        "report-text--formula",
    }

    def __init__(self, parts: Sequence[Part], *, classes: str | None = None) -> None:
        super().__init__(classes=classes)
        self.parts = list(parts)
        self._key: tuple[object, ...] | None = None
        self._strips: list[Strip] = []

    def _styles(self) -> dict[str, Style]:
        return {
            kind: self.get_component_rich_style(f"report-text--{kind}")
            for kind in ("title", "heading", "warning", "formula")
        }

    def _renderables(self, styles: dict[str, Style]) -> Iterator[RenderableType]:
        for index, (kind, payload) in enumerate(self.parts):
            if isinstance(payload, ShownTable):
                yield rich_table(payload)
            elif kind == "heading":
                yield Text(("\n" if index else "") + payload, style=styles["heading"])
            elif kind == "formula":
                yield Padding(Text(payload, style=styles["formula"]), (0, 2))
            elif kind == "steps":
                yield Padding(Text(payload), (0, 1))
            else:
                yield Text(payload, style=styles[kind])

    def lines(self, width: int) -> list[Strip]:
        """The rendered lines at `width` (cached until the width or a style changes)."""
        styles = self._styles()
        key = (width, self.rich_style, *styles.values())
        if key != self._key:
            console = self.app.console
            options = console.options.update(width=width, height=None)
            group = Group(*self._renderables(styles))
            rendered = console.render_lines(group, options, style=self.rich_style)
            self._strips = [Strip(line, width) for line in rendered]
            self._key = key
        return self._strips

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width))

    def render_line(self, y: int) -> Strip:
        lines = self.lines(self.size.width)
        return lines[y] if y < len(lines) else Strip.blank(self.size.width, self.rich_style)


class ReportView(Vertical):
    """Every part of one Report, top to bottom; `tables` are the tables shown; the
    scalars named in `precise` show at least that many significant digits (a card's
    answer, so the number shown is accepted)."""

    @dataclass
    class Plotted(Message):
        """The report's plots are mounted and drawn (after the text's first paint)."""

        view: ReportView

    def __init__(
        self, report: Report, *, id: str | None = None, precise: Mapping[str, int] | None = None
    ) -> None:
        super().__init__(id=id)
        self.report = report
        self.precise = dict(precise or {})
        self.top, self.bottom = text_parts(report, self.precise)
        self.tables = [part for _, part in self.top if isinstance(part, ShownTable)]
        self.plots = list(plot_groups(report.series))
        self.plotting = False

    def compose(self) -> ComposeResult:
        yield ReportText(self.top, classes="report-top")
        for title, _ in self.plots:
            with Vertical(classes="plot-slot"):
                yield ReportText([("heading", title)], classes="plot-heading")
        if self.bottom:
            yield ReportText(self.bottom, classes="report-bottom")

    def on_show(self) -> None:
        """First displayed (a view may be mounted hidden, ahead of its answer): the plots
        follow after this paint."""
        if self.plots and not self.plotting:
            self.plotting = True
            self.call_after_refresh(self.draw_plots)

    async def draw_plots(self) -> None:
        """Mount one NormPlot per plot group into its slot (textual-plot loads here)."""
        from studyapp.ui.widgets.norm_plot import NormPlot

        for slot, (title, members) in zip(self.query(".plot-slot"), self.plots, strict=True):
            await slot.mount(NormPlot(members, title=title))
        self.call_after_refresh(self.post_message, self.Plotted(self).set_sender(self))
