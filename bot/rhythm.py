"""The meeting rhythm: when each check-in of a program is due, and the instant a pair gets it.

Pure functions on plain values (dates, times, time zones). A program's check-ins fall every cadence period after
its start (weekly: 7 days, every 2 weeks: 14, monthly: 28), on its check-in weekday: check-in *k* is on the first
check-in weekday on or after ``start + k × period``, for as long as that date is before the program's end.

A pair gets check-in *k* at the program's check-in time in one of the two people's own time zones, whichever comes
first and falls inside both people's sending hours (``quiet_start``–``quiet_end``, local) on a weekday for both;
failing that, at the start of the hours the two share that day; failing that (their hours never overlap that
day), the next day, and so on for a week; a pair whose hours never overlap gets no check-in (skipped, never sent at
a bad hour).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PERIOD_DAYS = {"weekly": 7, "biweekly": 14, "monthly": 28}
ROLL_FORWARD_DAYS = 7


def period_days(cadence: str) -> int:
    return PERIOD_DAYS.get(cadence, 14)


def zone(name: str | None, offset_seconds: int | None) -> tzinfo:
    """A person's time zone: their Slack IANA zone when known (daylight saving included), else their offset."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return timezone(timedelta(seconds=offset_seconds or 0))


def checkin_dates(start: date, end: date, cadence: str, weekday: int) -> list[date]:
    """Check-in *k* (k = 1, 2, …) is ``result[k - 1]``."""
    step = period_days(cadence)
    found: list[date] = []
    k = 1
    while True:
        due = start + timedelta(days=k * step)
        due += timedelta(days=(weekday - due.weekday()) % 7)
        if due >= end:
            return found
        found.append(due)
        k += 1


def _clock(text: str) -> time:
    hh, _, mm = text.partition(":")
    return time(int(hh), int(mm or 0))


def _local(day: date, at: time, tz: tzinfo) -> datetime:
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def _fits(instant: datetime, zones: tuple[tzinfo, ...], quiet_start: time, quiet_end: time) -> bool:
    """Inside everyone's sending hours, on a weekday where each of them is."""
    for tz in zones:
        local = instant.astimezone(tz)
        if local.weekday() >= 5 or not quiet_start <= local.time() < quiet_end:
            return False
    return True


def send_at(day: date, *, at: str, quiet_start: str, quiet_end: str, zones: tuple[tzinfo, ...]) -> datetime | None:
    """The UTC instant a pair (``zones``: both people's time zones) gets a message due on ``day``; None if their
    sending hours never meet within a week. Never before ``day`` has begun for either of them."""
    at_t, qs, qe = _clock(at), _clock(quiet_start), _clock(quiet_end)
    for extra in range(ROLL_FORWARD_DAYS):
        d = day + timedelta(days=extra)
        preferred = sorted(_local(d, at_t, tz) for tz in zones)  # the check-in time, where either of them is
        shared = sorted(_local(dd, qs, tz) for tz in zones for dd in (d, d + timedelta(days=1)))  # hours opening
        for instant in (*preferred, *shared):
            started = all(instant.astimezone(tz).date() >= d for tz in zones)
            if started and _fits(instant, zones, qs, qe):
                return instant
    return None


def shared_hours(
    after: datetime, *, quiet_start: str, quiet_end: str, zones: tuple[tzinfo, ...], count: int = 3
) -> list[tuple[datetime, datetime]]:
    """The next ``count`` stretches (UTC start, end) when everyone is inside their sending hours on a weekday, from
    the day after ``after``: meeting times that suit the pair, whatever their time zones."""
    qs, qe = _clock(quiet_start), _clock(quiet_end)
    found: list[tuple[datetime, datetime]] = []
    day = after.date() + timedelta(days=1)
    for _ in range(21):
        starts = sorted({_local(d, qs, tz) for tz in zones for d in (day, day + timedelta(days=1))})
        for start in starts:
            if not _fits(start, zones, qs, qe) or any(start <= s < e for s, e in found):
                continue
            end = min(_local(start.astimezone(tz).date(), qe, tz) for tz in zones)
            if end > start and start.date() >= day - timedelta(days=1):
                found.append((start, end))
                if len(found) == count:
                    return found
        day += timedelta(days=1)
    return found


def within_hours(instant: datetime, *, quiet_start: str, quiet_end: str, zones: tuple[tzinfo, ...]) -> bool:
    """Whether ``instant`` is inside everyone's sending hours, on a weekday where each of them is."""
    return _fits(instant, zones, _clock(quiet_start), _clock(quiet_end))
