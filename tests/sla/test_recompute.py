"""Due times recomputed from the history match the clock worked by hand."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine

from stratadesk.core.models import AuditEvent
from stratadesk.sla import calendars, services
from stratadesk.sla.clock import BusinessCalendar
from stratadesk.sla.models import CalendarHoliday, TicketClock
from stratadesk.tickets import services as tickets
from tests.fixtures import actor
from tests.sla.conftest import HOURS

ZONE = ZoneInfo("Australia/Sydney")
# Monday 2 March 2026, 09:00 in Sydney; no holidays that week or the next.
START = datetime(2026, 3, 2, 9, 0, tzinfo=ZONE)


def _hand_calendar():
    return BusinessCalendar(
        "Australia/Sydney", {day: [("09:00", "17:00")] for day in range(5)}
    )


def _step(minutes):
    return time_machine.travel(START + timedelta(minutes=minutes), tick=False)


def _resolution(ticket):
    return TicketClock.objects.get(ticket=ticket, kind="resolution")


def test_priority_change_two_pauses_and_an_svr_rejection_match_the_hand_count(
    world, weekdays, policy_for
):
    calendar = weekdays("NSW nine to five", "Australia/Sydney", "", ("09:00", "17:00"))
    policy_for(
        world.harbour,
        calendar,
        P3=(4 * HOURS, 16 * HOURS),
        P1=(HOURS, 6 * HOURS),
    )
    with _step(0):
        ticket = world.raise_ticket(priority="P3")
    with _step(10):
        ticket = world.move(ticket, "triage", world.olivia)
    with _step(20):
        ticket = world.move(
            ticket,
            "assign",
            world.olivia,
            priority="P1",
            category=world.category.pk,
            assignee=world.sam.pk,
        )
    with _step(30):
        ticket = world.move(ticket, "start", world.sam)
    with _step(60):
        ticket = world.move(ticket, "await_client", world.sam, message="Which tray?")
    with _step(120):
        ticket = world.move(ticket, "resume", world.sam)
    with _step(150):
        ticket = world.move(
            ticket,
            "await_third_party",
            world.sam,
            third_party_name="Ricoh",
            third_party_ref="RC-1",
        )
    with _step(24 * 60):  # the next morning
        ticket = world.move(ticket, "resume", world.sam)
    with _step(24 * 60 + 30):
        tickets.log_time(
            actor(world.sam),
            ticket,
            minutes=30,
            work_date=date(2026, 3, 3),
            work_type="business_hours",
        )
        ticket = world.move(
            ticket, "resolve", world.sam, resolution_summary="New fuser."
        )
    with _step(24 * 60 + 40):
        ticket = world.move(ticket, "issue_svr", world.sam, work_summary="Fuser.")
    with _step(24 * 60 + 90):
        ticket = world.move(
            ticket, "reject_svr", world.hannah, reason="Still jams on tray 2"
        )
    with _step(24 * 60 + 100):
        clock = services.recompute(ticket)["resolution"]

    minute = timedelta(minutes=1)
    pauses = [
        (START + 60 * minute, START + 120 * minute),
        (START + 150 * minute, START + 24 * 60 * minute),
        (START + (24 * 60 + 30) * minute, START + (24 * 60 + 90) * minute),
    ]
    expected = _hand_calendar().add(START, timedelta(hours=6), pauses=pauses)
    assert clock.due_at == expected
    assert clock.state == "running"
    assert clock.used == timedelta(minutes=60 + 30 + 30 + 10)

    assign = AuditEvent.objects.get(data__transition="assign")
    old_due, new_due = assign.data["sla_due"]["resolution"]
    assert datetime.fromisoformat(old_due) == START + timedelta(hours=16 + 16)
    assert datetime.fromisoformat(new_due) == START + timedelta(hours=6)


def test_editing_a_calendar_recomputes_open_tickets_only(world, weekdays, policy_for):
    calendar = weekdays("NSW edited", "Australia/Sydney", "", ("09:00", "17:00"))
    policy_for(world.harbour, calendar, P3=(4 * HOURS, 16 * HOURS))
    with _step(0):
        open_ticket = world.raise_ticket(priority="P3")
        closed = world.raise_ticket(priority="P3")
        closed = world.move(closed, "dismiss", world.olivia, close_reason="spam")
    closed_before = _resolution(closed).due_at

    # Tuesday becomes a closure day, as an Admin would add it.
    CalendarHoliday.objects.create(
        calendar=calendar, date=date(2026, 3, 3), name="Office move", source="msp"
    )
    calendars.touch(calendar)
    with _step(5):
        services.recompute_open(calendar=calendar)

    # Monday 8 h, Tuesday closed, Wednesday the other 8 h: Wednesday 17:00.
    assert _resolution(open_ticket).due_at == START + timedelta(days=2, hours=8)
    assert _resolution(closed).due_at == closed_before


def test_it_loads_state_holidays_once_and_keeps_a_removed_day_removed(db):
    calendar = calendars.business_hours("VIC test", "Australia/Melbourne", "VIC")
    labour_day = calendar.holidays.get(date=date(2026, 3, 9))
    labour_day.is_removed = True
    labour_day.save()

    added = calendars.load_holidays(calendar, [2026])

    assert added == 0
    assert calendar.holidays.get(date=date(2026, 3, 9)).is_removed
    assert calendars.load_holidays(calendar, [2030]) > 5


def test_it_explains_an_escalation_rule_that_cannot_act(db):
    import pytest
    from django.core.exceptions import ValidationError

    from stratadesk.sla.models import EscalationRule, SlaPolicy

    policy = SlaPolicy.objects.create(name="Default", warning_fractions=[0.5])
    bad = [
        EscalationRule(policy=policy, trigger="breach", action="notify_role"),
        EscalationRule(
            policy=policy, trigger="breach", action="notify_role", role="client"
        ),
        EscalationRule(policy=policy, trigger="breach", action="assign_lead"),
        EscalationRule(policy=policy, trigger="after_breach", action="raise_priority"),
    ]

    for rule in bad:
        with pytest.raises(ValidationError):
            rule.full_clean()


def test_a_stopped_clock_keeps_its_figures_through_later_edits_and_moves(
    world, weekdays, policy_for
):
    from stratadesk.sla.models import SlaTarget

    calendar = weekdays("NSW stopped", "Australia/Sydney", "", ("09:00", "17:00"))
    policy = policy_for(world.harbour, calendar, P3=(4 * HOURS, 16 * HOURS))
    with _step(0):
        ticket = world.raise_ticket(priority="P3")
        ticket = world.move(ticket, "triage", world.olivia)
    with _step(30):
        tickets.add_comment(actor(world.olivia), ticket, "On it.")
        ticket = world.move(
            ticket,
            "assign",
            world.olivia,
            priority="P3",
            category=world.category.pk,
            assignee=world.sam.pk,
        )
        ticket = world.move(ticket, "start", world.sam)
        tickets.log_time(
            actor(world.sam),
            ticket,
            minutes=30,
            work_date=date(2026, 3, 2),
            work_type="business_hours",
        )
    with _step(120):
        ticket = world.move(ticket, "resolve", world.sam, resolution_summary="Done.")
    with _step(180):
        ticket = world.move(ticket, "issue_svr", world.sam, work_summary="Done.")
    with _step(600):
        stopped = {c.kind: c for c in services.recompute(ticket).values()}

    # The policy tightens after the work was done; the past does not change.
    SlaTarget.objects.filter(policy=policy).update(
        response_minutes=10, resolution_minutes=60
    )
    with _step(24 * 60):
        services.recompute_open(policy=policy)
        shown = {c["kind"]: c for c in services.live_clocks(ticket)}

    resolution = stopped["resolution"]
    assert resolution.met_at == START + timedelta(minutes=120)
    assert resolution.due_at == START + timedelta(days=1, hours=8)
    assert shown["resolution"]["state"] == "met"
    assert shown["resolution"]["due_at"] == resolution.due_at
    assert shown["response"]["state"] == "met"
    assert shown["response"]["used"] == timedelta(minutes=30)


def test_a_corrected_typo_leaves_no_breach_that_was_never_announced(
    world, weekdays, policy_for
):
    from stratadesk.sla.models import SlaTarget

    calendar = weekdays("NSW typo", "Australia/Sydney", "", ("09:00", "17:00"))
    policy = policy_for(world.harbour, calendar, P3=(4 * HOURS, 16 * HOURS))
    with _step(0):
        ticket = world.raise_ticket(priority="P3")
    target = SlaTarget.objects.get(policy=policy, priority="P3")

    target.response_minutes = 1
    target.save()
    with _step(60):
        services.recompute_open(policy=policy)
    target.response_minutes = 4 * HOURS
    target.save()
    with _step(61):
        services.recompute_open(policy=policy)

    response = TicketClock.objects.get(ticket=ticket, kind="response")
    assert (response.state, response.breached_at) == ("running", None)
