"""UTC datetimes: the only kind the progress layer accepts, stores and returns.

Calendar days ("today", reviews per day, the daily new-card limit, the streak) are the
learner's: days in a time zone `zone`, where None means this machine's local time with its
daylight-saving rules (`datetime.astimezone()`).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone, tzinfo


def utc(moment: datetime) -> datetime:
    """`moment` as a `timezone.utc` datetime; a naive datetime is refused (ValueError)."""
    if moment.tzinfo is None or moment.tzinfo.utcoffset(moment) is None:
        raise ValueError(f"naive datetime {moment!r}: pass a timezone-aware UTC datetime")
    return moment.astimezone(timezone.utc)


def now_utc() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(timezone.utc)


def to_text(moment: datetime) -> str:
    """Fixed-width ISO 8601 text in UTC, so text order equals time order in SQL."""
    return utc(moment).isoformat(timespec="microseconds")


def from_text(text: str) -> datetime:
    """Inverse of `to_text`."""
    return utc(datetime.fromisoformat(text))


def local_day(moment: datetime, zone: tzinfo | None = None) -> date:
    """The calendar day of `moment` in `zone` (None: this machine's local time)."""
    return utc(moment).astimezone(zone).date()


def day_start(day: date, zone: tzinfo | None = None) -> datetime:
    """Midnight at the start of `day` in `zone` (None: local time), as a UTC datetime."""
    midnight = datetime.combine(day, time(0), tzinfo=zone)
    return utc(midnight if zone is not None else midnight.astimezone())


def day_bounds(moment: datetime, zone: tzinfo | None = None) -> tuple[datetime, datetime]:
    """[start, end) of the day in `zone` containing `moment`, as UTC datetimes (a day is
    23 or 25 hours long where the clocks change)."""
    day = local_day(moment, zone)
    return day_start(day, zone), day_start(day + timedelta(days=1), zone)
