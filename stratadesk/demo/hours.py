"""Office hours in a client's own timezone, so demo events land when people work."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

OPEN = time(8, 0)
CLOSE = time(17, 30)
EVENING = time(18, 30)
DAY_MINUTES = 570  # 8:00 to 17:30
MINUTE = timedelta(minutes=1)


class OfficeHours:
    """Weekdays from 8:00 to 17:30 local time, less the state's public holidays.

    Arithmetic is on the local wall clock. That is safe here because Australian
    daylight saving changes at 2 or 3 a.m. on a Sunday, never inside office hours.
    """

    def __init__(self, timezone: str, state: str, years):
        self.zone = ZoneInfo(timezone)
        self._holidays = holidays.country_holidays("AU", subdiv=state, years=years)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self._holidays

    def next_working_day(self, day: date) -> date:
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def previous_working_day(self, day: date) -> date:
        day -= timedelta(days=1)
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def on(self, day: date, clock_time: time) -> datetime:
        return datetime.combine(day, clock_time, tzinfo=self.zone)

    def local_date(self, instant: datetime) -> date:
        return instant.astimezone(self.zone).date()

    def open_from(self, instant: datetime) -> datetime:
        """`instant` itself if the office is open then, else the next opening."""
        local = instant.astimezone(self.zone)
        day = local.date()
        if self.is_working_day(day):
            if local.time() < OPEN:
                return self.on(day, OPEN)
            if local.time() < CLOSE:
                return local
        return self.on(self.next_working_day(day), OPEN)

    def add(self, instant: datetime, minutes: int) -> datetime:
        """The instant `minutes` of office time after `instant`."""
        current = self.open_from(instant)
        while True:
            left_today = (self.on(current.date(), CLOSE) - current) // MINUTE
            if minutes < left_today:
                return current + minutes * MINUTE
            minutes -= left_today
            current = self.on(self.next_working_day(current.date()), OPEN)

    def evening_after(self, instant: datetime, minutes_after: int) -> datetime:
        """An after-hours instant on the evening of `instant`'s working day, or the
        next working day's evening when that one has passed."""
        local = instant.astimezone(self.zone)
        day = local.date()
        if not self.is_working_day(day):
            day = self.next_working_day(day)
        candidate = self.on(day, EVENING) + minutes_after * MINUTE
        if candidate <= local:
            candidate = self.on(self.next_working_day(day), EVENING)
            candidate += minutes_after * MINUTE
        return candidate
