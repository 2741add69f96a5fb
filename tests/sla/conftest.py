"""SLA fixtures: calendars and policies as an Admin would set them up."""

import pytest

from stratadesk.sla import calendars
from stratadesk.sla.models import SlaPolicy, SlaTarget

HOURS = 60


@pytest.fixture
def policy_for():
    """policy_for(client, calendar, P3=(response_minutes, resolution_minutes), ...)."""

    def make(client, calendar, warnings=(0.5, 0.75, 0.9), **targets):
        policy = SlaPolicy.objects.create(
            client=client, name=f"{client.name} SLA", warning_fractions=list(warnings)
        )
        for priority in ("P1", "P2", "P3", "P4"):
            response, resolution = targets.get(priority, (4 * HOURS, 16 * HOURS))
            SlaTarget.objects.create(
                policy=policy,
                priority=priority,
                response_minutes=response,
                resolution_minutes=resolution,
                calendar=calendar,
            )
        return policy

    return make


@pytest.fixture
def weekdays():
    """weekdays(name, zone, state, *periods) -> a Mon-Fri calendar with holidays."""

    def make(name, zone, state, *periods):
        calendar = calendars.business_hours(name, zone, state, hours=periods[0])
        for extra in periods[1:]:
            for weekday in range(5):
                calendar.segments.create(
                    weekday=weekday, starts=extra[0], ends=extra[1]
                )
        calendars.load_holidays(calendar, [2026, 2027])
        calendars.touch(calendar)
        return calendar

    return make
