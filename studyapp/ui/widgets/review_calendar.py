"""A review calendar heat-map: one cell per day, weeks as columns, Monday to Sunday as rows.

The intensity is a character as well as a colour, so it reads without colour: `·` no
review, then `░ ▒ ▓ █` for up to a quarter, half, three quarters and all of the busiest
day's count. Days after today are blank.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, timedelta

from textual.content import Content
from textual.widgets import Static

LEVELS = "·░▒▓█"
WEEKDAYS = ("Mon", "", "Wed", "", "Fri", "", "Sun")


def level(count: int, busiest: int) -> int:
    """0 for no review, else ceil(4 · count / busiest) in 1..4."""
    if count <= 0 or busiest <= 0:
        return 0
    return min(4, math.ceil(4 * count / busiest))


def calendar_grid(per_day: Mapping[date, int], today: date, weeks: int) -> list[list[str]]:
    """7 rows (Monday first) of `weeks` cells each, the last column being today's week;
    each cell the level character of that day's count (blank after today)."""
    first_monday = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    days = [first_monday + timedelta(days=i) for i in range(7 * weeks)]
    busiest = max((per_day.get(d, 0) for d in days if d <= today), default=0)
    return [
        [
            " " if day > today else LEVELS[level(per_day.get(day, 0), busiest)]
            for day in days[weekday::7]
        ]
        for weekday in range(7)
    ]


def month_row(today: date, weeks: int, cell: int) -> str:
    """Month abbreviations above the first week column of each month (when there is room)."""
    first_monday = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    row = [" "] * (weeks * cell + 3)
    last_end = -1
    for week in range(weeks):
        monday = first_monday + timedelta(weeks=week)
        if week == 0 or monday.day <= 7:
            name = monday.strftime("%b")
            start = week * cell
            if start > last_end:
                row[start : start + len(name)] = list(name)
                last_end = start + len(name)
    return "".join(row).rstrip()


def calendar_text(per_day: Mapping[date, int], today: date, weeks: int = 26) -> str:
    """The heat-map with weekday labels, month labels and a legend giving each level's
    range of reviews per day."""
    cell = 2
    grid = calendar_grid(per_day, today, weeks)
    lines = ["    " + month_row(today, weeks, cell)]
    for weekday, cells in enumerate(grid):
        lines.append(f"{WEEKDAYS[weekday]:<4}" + "".join(c + " " for c in cells).rstrip())
    first_monday = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    window = [per_day.get(first_monday + timedelta(days=i), 0) for i in range(7 * weeks)]
    busiest = max(window, default=0)
    if busiest:
        ranges = []
        for index in range(1, 5):
            low = math.floor(busiest * (index - 1) / 4) + 1
            high = math.floor(busiest * index / 4)
            if low <= high:
                ranges.append(f"{LEVELS[index]} {low}" + (f"–{high}" if high > low else ""))
        legend = "· none   " + "   ".join(ranges) + "  reviews a day"
    else:
        legend = f"· no review in the last {weeks} weeks"
    lines.append("    " + legend)
    return "\n".join(lines)


class ReviewCalendar(Static):
    """The heat-map of reviews per day over the last `weeks` weeks (plain text)."""

    def __init__(
        self, per_day: Mapping[date, int], today: date, *, weeks: int = 26, id: str | None = None
    ) -> None:
        super().__init__(Content(calendar_text(per_day, today, weeks)), id=id)
