"""Business calendars as data: state public holidays from the `holidays` library.

Holidays are copied into the calendar's own table so an Admin can add the MSP's own
closures and remove a day (a removed day stays as a row marked removed, so loading
the year again does not bring it back). `stratadesk sla_holidays --years 2027` loads
new years for every calendar that names a state.
"""

import logging
from collections.abc import Iterable
from datetime import timedelta

import holidays
from django.db import transaction

from stratadesk.core import clock
from stratadesk.sla.models import Calendar, CalendarHoliday, HolidaySource

logger = logging.getLogger(__name__)


def state_holidays(state: str, years: Iterable[int]) -> dict:
    """{date: name} of a state's public holidays, observed days included."""
    return dict(holidays.Australia(subdiv=state, years=list(years)).items())


@transaction.atomic
def load_holidays(calendar: Calendar, years: Iterable[int]) -> int:
    """Add the state's holidays for `years`; returns how many were new."""
    if not calendar.state or calendar.open_all_hours:
        return 0
    known = set(calendar.holidays.values_list("date", flat=True))
    new = [
        CalendarHoliday(
            calendar=calendar, date=day, name=name[:100], source=HolidaySource.STATE
        )
        for day, name in sorted(state_holidays(calendar.state, years).items())
        if day not in known
    ]
    CalendarHoliday.objects.bulk_create(new)
    if new:
        touch(calendar)
    logger.info(
        "holidays loaded", extra={"calendar_id": calendar.pk, "added": len(new)}
    )
    return len(new)


def touch(calendar: Calendar) -> None:
    """Mark the calendar changed, so clocks built from it are built again.

    The mark always moves forward, even when two edits share one instant (a frozen
    clock in the demo loader or a test): the built-calendar cache is keyed by it.
    """
    calendar.updated_at = max(
        clock.now(), calendar.updated_at + timedelta(microseconds=1)
    )
    Calendar.objects.filter(pk=calendar.pk).update(updated_at=calendar.updated_at)


def business_hours(name, timezone, state="", days=range(5), hours=("09:00", "17:00")):
    """A calendar open the same hours on each of `days`, with its state's holidays."""
    calendar, made = Calendar.objects.get_or_create(
        name=name, defaults={"timezone": timezone, "state": state}
    )
    if made:
        for weekday in days:
            calendar.segments.create(weekday=weekday, starts=hours[0], ends=hours[1])
        year = clock.now().year
        load_holidays(calendar, range(year - 1, year + 2))
    return calendar


def always_open(name="24x7", timezone="Australia/Sydney") -> Calendar:
    calendar, _ = Calendar.objects.get_or_create(
        name=name, defaults={"timezone": timezone, "open_all_hours": True}
    )
    return calendar
