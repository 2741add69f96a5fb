"""SLA clocks on real tickets: the worked cases of SLA.md through the services.

Time is controlled with time-machine: each step of a ticket's history happens at the
instant the case gives, so the clocks read the same history a person would.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine

from stratadesk.sla.models import TicketClock
from stratadesk.tickets import services
from tests.fixtures import actor
from tests.sla.conftest import HOURS


def _at(zone, *parts):
    return datetime(*parts, tzinfo=ZoneInfo(zone))


def _clock(ticket, kind):
    return TicketClock.objects.get(ticket=ticket, kind=kind)


def _raise(world, client, when, requester=None):
    with time_machine.travel(when, tick=False):
        return services.create_ticket(
            actor(world.olivia),
            client=client,
            title="Case",
            description="A worked case.",
            requester=requester or world.harry_contact,
            priority="P3",
        )


def _move(world, ticket, name, who, when, **data):
    with time_machine.travel(when, tick=False):
        return services.transition(actor(who), ticket, name, data)


def test_s1_melbourne_response_due_skips_labour_day(world, weekdays, policy_for):
    zone = "Australia/Melbourne"
    world.harbour.timezone = zone
    world.harbour.save()
    calendar = weekdays("VIC hours", zone, "VIC", ("08:00", "18:00"))
    policy_for(world.harbour, calendar, P3=(4 * HOURS, 40 * HOURS))

    ticket = _raise(world, world.harbour, _at(zone, 2026, 3, 6, 16))

    due = _clock(ticket, "response").due_at
    assert due == _at(zone, 2026, 3, 10, 10)


def test_s2_perth_resolution_pauses_while_pending_client(world, weekdays, policy_for):
    zone = "Australia/Perth"
    calendar = weekdays("WA hours", zone, "WA", ("08:30", "17:00"))
    policy_for(world.outback, calendar, P3=(4 * HOURS, 16 * HOURS))
    created = _at(zone, 2026, 5, 28, 15)
    ticket = _raise(world, world.outback, created, requester=world.oscar_contact)
    ticket = _move(world, ticket, "triage", world.olivia, created)
    ticket = _move(
        world,
        ticket,
        "assign",
        world.olivia,
        created,
        priority="P3",
        category=world.category.pk,
        assignee=world.sam.pk,
    )
    ticket = _move(world, ticket, "start", world.sam, created)

    ticket = _move(
        world,
        ticket,
        "await_client",
        world.sam,
        _at(zone, 2026, 5, 29, 10),
        message="Which office?",
    )
    paused = _clock(ticket, "resolution")
    with time_machine.travel(_at(zone, 2026, 6, 2, 9), tick=False):
        services.add_comment(actor(world.oscar), ticket, "The Kalgoorlie one.")

    clock = _clock(ticket, "resolution")
    assert paused.state == "paused"
    assert clock.state == "running"
    assert clock.used == timedelta(hours=3, minutes=30)
    assert clock.due_at == _at(zone, 2026, 6, 3, 13)


def test_s3_adelaide_response_crosses_daylight_saving_and_labour_day(
    world, weekdays, policy_for
):
    zone = "Australia/Adelaide"
    calendar = weekdays("SA hours", zone, "SA", ("09:00", "17:00"))
    policy_for(world.harbour, calendar, P3=(2 * HOURS, 16 * HOURS))

    ticket = _raise(world, world.harbour, _at(zone, 2026, 10, 2, 16))

    due = _clock(ticket, "response").due_at
    assert due == datetime(2026, 10, 5, 23, 30, tzinfo=UTC)
    assert due.astimezone(ZoneInfo(zone)).utcoffset() == timedelta(hours=10.5)


def test_s4_24x7_resolution_counts_the_hour_daylight_saving_repeats(world, policy_for):
    from stratadesk.sla import calendars

    calendar = calendars.always_open("24x7 Sydney", "Australia/Sydney")
    policy_for(world.harbour, calendar, P3=(HOURS, 4 * HOURS))

    ticket = _raise(world, world.harbour, _at("Australia/Sydney", 2026, 4, 4, 23))

    assert _clock(ticket, "resolution").due_at == datetime(2026, 4, 4, 16, tzinfo=UTC)


def test_s5_brisbane_split_day_response_and_resolution(world, weekdays, policy_for):
    zone = "Australia/Brisbane"
    calendar = weekdays(
        "QLD split", zone, "QLD", ("08:00", "12:00"), ("13:00", "17:00")
    )
    policy_for(world.harbour, calendar, P3=(HOURS, 6 * HOURS))

    ticket = _raise(world, world.harbour, _at(zone, 2026, 7, 15, 11, 45))

    assert _clock(ticket, "response").due_at == _at(zone, 2026, 7, 15, 13, 45)
    assert _clock(ticket, "resolution").due_at == _at(zone, 2026, 7, 16, 9, 45)


def test_s6_sydney_response_over_christmas_took_105_business_minutes(
    world, weekdays, policy_for
):
    zone = "Australia/Sydney"
    calendar = weekdays("NSW hours", zone, "NSW", ("09:00", "17:00"))
    policy_for(world.harbour, calendar, P3=(4 * HOURS, 16 * HOURS))
    created = _at(zone, 2026, 12, 24, 15, 30)
    ticket = _raise(world, world.harbour, created)
    ticket = _move(world, ticket, "triage", world.olivia, created)

    with time_machine.travel(_at(zone, 2026, 12, 29, 9, 15), tick=False):
        services.add_comment(actor(world.olivia), ticket, "Looking at it now.")

    clock = _clock(ticket, "response")
    assert clock.state == "met"
    assert clock.used == timedelta(minutes=105)
    assert clock.met_at == _at(zone, 2026, 12, 29, 9, 15)


def test_an_internal_note_does_not_stop_the_response_clock(world, weekdays, policy_for):
    zone = "Australia/Sydney"
    calendar = weekdays("NSW hours", zone, "NSW", ("09:00", "17:00"))
    policy_for(world.harbour, calendar)
    created = _at(zone, 2026, 3, 2, 9)
    ticket = _raise(world, world.harbour, created)
    ticket = _move(world, ticket, "triage", world.olivia, created)

    with time_machine.travel(created + timedelta(hours=1), tick=False):
        services.add_comment(actor(world.olivia), ticket, "Note to self", public=False)

    assert _clock(ticket, "response").state == "running"
