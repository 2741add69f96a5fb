"""SLA configuration services called directly: who may, what an edit leaves behind."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from stratadesk.core.errors import PermissionDenied
from stratadesk.core.models import AuditEvent
from stratadesk.sla import services
from stratadesk.sla.models import Calendar, SlaPolicy
from tests.fixtures import actor

SYDNEY = ZoneInfo("Australia/Sydney")
MONDAY_9AM = datetime(2026, 3, 2, 9, 0, tzinfo=SYDNEY)
WEEKDAYS_9_TO_5 = {day: [(time(9), time(17))] for day in range(5)}


def _save(by, calendar=None, **overrides):
    fields = {
        "name": "Sydney office",
        "timezone": "Australia/Sydney",
        "open_all_hours": False,
        "state": "NSW",
        "segments": WEEKDAYS_9_TO_5,
    }
    fields.update(overrides)
    return services.save_calendar(actor(by), calendar, **fields)


@pytest.mark.parametrize("persona", ["olivia", "sam", "alex", "harry"])
def test_only_those_the_matrix_lets_configure_may_change_sla_setup(world, persona):
    calendar, _ = _save(world.ada)
    someone = getattr(world, persona)
    events = AuditEvent.objects.count()

    with pytest.raises(PermissionDenied):
        _save(someone, calendar, name="Renamed")
    with pytest.raises(PermissionDenied):
        services.save_policy(
            actor(someone),
            world.harbour,
            name="Mine",
            pause_on_pending_client=True,
            pause_on_pending_third_party=True,
            warning_percents=[],
            targets={p: (60, 240, calendar) for p in ("P1", "P2", "P3", "P4")},
        )

    assert Calendar.objects.get().name == "Sydney office"
    assert not SlaPolicy.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_new_state_swaps_the_public_holidays_and_keeps_the_msps_closures(world):
    with time_machine.travel(MONDAY_9AM, tick=False):
        calendar, _ = _save(world.ada)
        services.add_closure(
            actor(world.ada), calendar, day=date(2026, 3, 20), name="Office move"
        )
        _save(world.ada, calendar, state="VIC", timezone="Australia/Melbourne")

    days = set(calendar.holidays.values_list("date", flat=True))
    assert date(2026, 3, 9) in days  # VIC Labour Day
    assert date(2026, 8, 3) not in days  # NSW Bank Holiday
    assert date(2026, 3, 20) in days
    assert calendar.holidays.get(date=date(2026, 3, 20)).source == "msp"


def test_two_edits_in_one_instant_both_reach_the_business_clock(world):
    with time_machine.travel(MONDAY_9AM, tick=False):
        calendar, _ = _save(world.ada)
        first = services.business_calendar(Calendar.objects.get())
        _save(world.ada, calendar, segments={0: [(time(10), time(12))]})
        second = services.business_calendar(Calendar.objects.get())

    assert first.is_business_day(date(2026, 3, 3))  # a Tuesday
    assert not second.is_business_day(date(2026, 3, 3))


def test_saving_a_calendar_unchanged_writes_no_audit_event(world):
    calendar, _ = _save(world.ada)
    events = AuditEvent.objects.count()

    _, recomputed = _save(world.ada, calendar)

    assert (recomputed, AuditEvent.objects.count()) == (0, events)
