"""Stats: bars of reviews and of the due forecast after real reviews, the review calendar
heat-map, and the text forms of both (readable without colour)."""

from __future__ import annotations

from datetime import date, timedelta

from app_support import screen_text
from textual.widgets import Static

from studyapp.ui.widgets.count_bars import CountBars, bar_chart, bar_rows
from studyapp.ui.widgets.review_calendar import ReviewCalendar, calendar_grid, calendar_text, level


def test_bar_rows_scale_to_the_largest_value_in_eighths():
    rows = bar_rows([0, 1, 2, 4], height=2)
    # 4 -> 16 eighths (two full rows), 2 -> 8 (one row), 1 -> 4 eighths of the bottom row
    assert rows == ["   █", " ▄██"]
    assert bar_rows([0, 0], 3) == ["  ", "  ", "  "]
    # a tiny non-zero value still shows
    assert bar_rows([1, 1000], 1)[0][0] == "▁"


def test_bar_chart_gives_the_scale_and_the_end_labels():
    lines = bar_chart([3, 0, 1], ("-2d", "today"), height=3).splitlines()
    assert lines[0].startswith("3 ┤")
    assert lines[3].startswith("0 └")
    assert lines[4].strip().startswith("-2d") and lines[4].endswith("today")


def test_calendar_levels_and_grid():
    assert [level(c, 8) for c in (0, 1, 2, 3, 4, 5, 8)] == [0, 1, 1, 2, 2, 3, 4]
    today = date(2026, 3, 2)  # a Monday
    grid = calendar_grid({today: 4, today - timedelta(days=1): 1}, today, weeks=2)
    assert len(grid) == 7 and all(len(row) == 2 for row in grid)
    assert grid[0][1] == "█"  # today, Monday of the last week, the busiest day
    assert grid[6][0] == "░"  # yesterday, Sunday of the week before
    assert grid[1][1] == " "  # tomorrow is blank
    text = calendar_text({today: 4}, today, weeks=2)
    assert "█ 4" in text and "reviews a day" in text


async def test_stats_after_reviews_show_bars_and_the_calendar(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.open_flashcards("appflash")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("space")
        await pilot.pause()
        await pilot.press("3", "escape")
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        screen = app.screen
        reviews = screen.query_one("#stats-reviews", CountBars)
        assert reviews.values[-1] == 1 and sum(reviews.values) == 1
        forecast = screen.query_one("#stats-forecast", CountBars)
        assert forecast.values[0] == 1  # the learning card is due again today
        calendar = str(screen.query_one("#stats-calendar", ReviewCalendar).render())
        assert "█ 1" in calendar
        figures = [str(w.render()) for w in screen.query(".stats-figures").results(Static)]
        assert figures[0] == "total 1 reviews; busiest day 1"
        assert "today" in screen_text(app)
