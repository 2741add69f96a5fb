"""The business clock: adding and measuring business time on a calendar.

Pure Python, no database. Instants are aware datetimes; all arithmetic happens on UTC
instants, because subtracting two local times in one zone gives wall-clock time, which
is wrong across a daylight-saving change. Working segments and holidays are local
wall-clock per date, so a 09:00-17:00 day is eight hours on every date, the days the
clocks change included.

Pauses are half-open intervals [start, end) of aware instants that do not count.

Results are in the calendar's zone. One Python wart to know: an instant in the repeated
hour when daylight saving ends never compares equal to a datetime in another zone, so
compare such results after `.astimezone(UTC)`.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

Interval = tuple[datetime, datetime]

# How far ahead add() looks for enough open time before it gives up. A calendar that is
# open at all reaches any realistic SLA target long before this.
SEARCH_LIMIT_DAYS = 3 * 366


def _parse_hhmm(text: str) -> time | None:
    """'09:30' -> time(9, 30); '24:00' -> None, meaning the end of the day."""
    hours, minutes = (int(part) for part in text.split(":"))
    if (hours, minutes) == (24, 0):
        return None
    return time(hours, minutes)


def _require_aware(instant: datetime, name: str) -> None:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sort and join overlapping or touching intervals, dropping empty ones."""
    merged: list[Interval] = []
    for start, end in sorted(
        (s.astimezone(UTC), e.astimezone(UTC)) for s, e in intervals
    ):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _subtract(interval: Interval, pauses: list[Interval]) -> Iterator[Interval]:
    """The parts of `interval` outside the merged, sorted `pauses`."""
    start, end = interval
    for pause_start, pause_end in pauses:
        if pause_end <= start:
            continue
        if pause_start >= end:
            break
        if pause_start > start:
            yield (start, pause_start)
        start = max(start, pause_end)
        if start >= end:
            return
    if start < end:
        yield (start, end)


def _join_overlaps(day):
    """A day's periods in order, overlapping or touching ones joined into one.

    So a period given twice, or two that overlap, never count the same time twice.
    """
    joined = []
    for start, end in sorted(day, key=lambda period: period[0]):
        if joined and (joined[-1][1] is None or start <= joined[-1][1]):
            last_start, last_end = joined[-1]
            longer = None if end is None or last_end is None else max(last_end, end)
            joined[-1] = (last_start, longer)
        else:
            joined.append((start, end))
    return joined


@dataclass(frozen=True)
class BusinessCalendar:
    """Working hours in one timezone, with holidays.

    `segments` maps weekday (0 = Monday) to a list of ("HH:MM", "HH:MM") local periods;
    a missing weekday is closed. "24:00" ends a period at midnight.
    """

    timezone: str = "UTC"
    segments: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    holidays: frozenset[date] | set[date] = field(default_factory=frozenset)
    open_all_hours: bool = False

    def __post_init__(self):
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "_zone", ZoneInfo(self.timezone))
        parsed = {}
        for weekday, periods in self.segments.items():
            if weekday not in range(7):
                raise ValueError(f"weekday {weekday} is not 0 (Monday) to 6 (Sunday)")
            day = []
            for start_text, end_text in periods:
                start, end = _parse_hhmm(start_text), _parse_hhmm(end_text)
                if start is None or (end is not None and end <= start):
                    raise ValueError(f"segment {start_text}-{end_text} is empty")
                day.append((start, end))
            parsed[weekday] = _join_overlaps(day)
        object.__setattr__(self, "_parsed", parsed)

    @classmethod
    def always_open(cls, timezone: str = "UTC") -> "BusinessCalendar":
        """A 24x7 calendar: every elapsed second counts, holidays included."""
        return cls(timezone=timezone, open_all_hours=True)

    # Open time -------------------------------------------------------------------

    def _local(self, day: date, moment: time | None) -> datetime:
        if moment is None:
            midnight = datetime.combine(day + timedelta(days=1), time(0))
            return midnight.replace(tzinfo=self._zone).astimezone(UTC)
        return datetime.combine(day, moment, tzinfo=self._zone).astimezone(UTC)

    def _open_intervals(self, start: datetime) -> Iterator[Interval]:
        """Open periods (UTC) from `start` onward, in order, clipped to start."""
        if self.open_all_hours:
            yield (start, start + timedelta(days=SEARCH_LIMIT_DAYS))
            return

        first_day = start.astimezone(self._zone).date() - timedelta(days=1)
        for offset in range(SEARCH_LIMIT_DAYS + 2):
            day = first_day + timedelta(days=offset)
            if day in self.holidays:
                continue
            for open_at, close_at in self._parsed.get(day.weekday(), ()):
                period_start = self._local(day, open_at)
                period_end = self._local(day, close_at)
                # A period that lies inside the hour skipped when daylight saving
                # starts has no real time in it.
                if period_end <= start or period_end <= period_start:
                    continue
                yield (max(period_start, start), period_end)

    def _counted(self, start: datetime, pauses) -> Iterator[Interval]:
        merged = _merge(pauses or ())
        for interval in self._open_intervals(start):
            yield from _subtract(interval, merged)

    # The interface -----------------------------------------------------------------

    def add(self, start: datetime, amount: timedelta, pauses=()) -> datetime:
        """The instant when `amount` of business time after `start` has been used.

        A budget that runs out exactly at a period's end falls due at that end, not at
        the next opening. A zero amount from outside hours is due at the next opening.
        """
        _require_aware(start, "start")
        if amount < timedelta(0):
            raise ValueError("amount must not be negative")

        remaining = amount
        begin = start.astimezone(UTC)
        for period_start, period_end in self._counted(begin, pauses):
            length = period_end - period_start
            if remaining <= length:
                return (period_start + remaining).astimezone(self._zone)
            remaining -= length
        raise ValueError(
            f"the calendar has less than {amount} of open time in "
            f"{SEARCH_LIMIT_DAYS} days"
        )

    def elapsed(self, start: datetime, end: datetime, pauses=()) -> timedelta:
        """Business time between two instants, less the pauses. Zero if end <= start."""
        _require_aware(start, "start")
        _require_aware(end, "end")
        begin, finish = start.astimezone(UTC), end.astimezone(UTC)

        total = timedelta(0)
        if finish <= begin:
            return total
        for period_start, period_end in self._counted(begin, pauses):
            if period_start >= finish:
                break
            total += min(period_end, finish) - period_start
        return total

    def open_periods(self, start: datetime, count: int) -> list[Interval]:
        """The first `count` open periods from `start`, in the calendar's zone.

        For checking a calendar by eye. A 24x7 calendar has one period, the search
        horizon long.
        """
        _require_aware(start, "start")
        periods = []
        for period_start, period_end in self._open_intervals(start.astimezone(UTC)):
            if len(periods) == count:
                break
            periods.append(
                (period_start.astimezone(self._zone), period_end.astimezone(self._zone))
            )
        return periods

    # Business days --------------------------------------------------------------------

    def is_business_day(self, day: date) -> bool:
        """True when `day` has open hours: a working weekday that is no holiday."""
        if self.open_all_hours:
            return True
        return day not in self.holidays and bool(self._parsed.get(day.weekday()))

    def add_business_days(self, start: datetime, days: int) -> datetime:
        """The business moment `days` business days after `start`.

        Counting begins at the moment `start` stands for: itself when the calendar is
        open then, else the next opening (so an SVR issued on a Saturday counts from
        Monday morning). The result keeps that moment's local time of day on the
        later business day; if that day is not open at that time, the next opening.
        Friday 15:00 plus two business days is Tuesday 15:00, a holiday Monday
        making it Wednesday.
        """
        _require_aware(start, "start")
        if days < 0:
            raise ValueError("days must not be negative")

        counted_from = self.add(start, timedelta(0)).astimezone(self._zone)
        day = counted_from.date()
        remaining = days
        for _ in range(SEARCH_LIMIT_DAYS):
            if remaining == 0:
                break
            day += timedelta(days=1)
            if self.is_business_day(day):
                remaining -= 1
        else:
            raise ValueError(f"the calendar has no {days} business days ahead")

        same_time = datetime.combine(day, counted_from.time(), tzinfo=self._zone)
        return self.add(same_time.astimezone(UTC), timedelta(0))
