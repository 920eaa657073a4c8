"""Counts per day as vertical bars of text (eighth blocks), readable without colour.

    CountBars([0, 3, 1], labels=("-2d", "today"), height=5)

Each value is one column; its bar is `value / max · height` rows tall, drawn in eighths of
a row (`▁▂▃▄▅▆▇█`), and a non-zero value always shows at least `▁`. The left gutter gives
the largest value at the top and 0 at the baseline; the first and last labels sit under the
first and last bars.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.widgets import Static

EIGHTHS = " ▁▂▃▄▅▆▇█"


def bar_rows(values: Sequence[int], height: int) -> list[str]:
    """The bars as `height` strings (top row first), one character per value: a value v
    fills round(v / max(values) · height · 8) eighths of its column (at least one if v > 0)."""
    top = max(values, default=0)
    if top <= 0:
        return [" " * len(values) for _ in range(height)]
    eighths = [max(1, round(v / top * height * 8)) if v > 0 else 0 for v in values]
    rows = []
    for level in range(height - 1, -1, -1):
        rows.append("".join(EIGHTHS[min(8, max(0, e - level * 8))] for e in eighths))
    return rows


def bar_chart(
    values: Sequence[int], labels: tuple[str, str], height: int = 5, width: int = 1
) -> str:
    """The chart as text: bars `width` columns wide with a one-column gap, the largest value
    and 0 in a left gutter, a baseline, and `labels` under the first and last bars."""
    top = max(values, default=0)
    gutter = len(str(top))
    rows = bar_rows(values, height)
    lines = []
    for index, row in enumerate(rows):
        mark = str(top) if index == 0 else ""
        lines.append(f"{mark:>{gutter}} ┤" + "".join(c * width + " " for c in row).rstrip())
    span = len(values) * (width + 1)
    lines.append(f"{'0':>{gutter}} └" + "─" * span)
    first, last = labels
    room = max(1, span - 1 - len(first) - len(last))
    lines.append(" " * (gutter + 2) + first + " " * room + last)
    return "\n".join(lines)


class CountBars(Static):
    """A bar chart of counts (plain text, no markup)."""

    def __init__(
        self,
        values: Sequence[int],
        *,
        labels: tuple[str, str],
        height: int = 5,
        width: int = 1,
        id: str | None = None,
    ) -> None:
        self.values = list(values)
        super().__init__(Content(bar_chart(self.values, labels, height, width)), id=id)
