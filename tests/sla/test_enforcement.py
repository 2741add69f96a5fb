"""The sweep: each warning and breach fires once, with its notices and escalations."""

from datetime import timedelta

import time_machine
from django_tasks_db.models import DBTaskResult

from stratadesk.core.models import AuditEvent
from stratadesk.notifications import webhooks
from stratadesk.notifications.models import WebhookDelivery
from stratadesk.sla import calendars, enforcement
from stratadesk.sla.models import EscalationRule, SlaEvent, TicketClock
from stratadesk.tickets import services
from tests.fixtures import actor, make_user
from tests.notifications.support import MONDAY, emails_queued
from tests.sla.conftest import HOURS


def _setup(world, policy_for, **rules):
    calendar = calendars.always_open("24x7 test", "Australia/Sydney")
    policy = policy_for(world.harbour, calendar, P3=(HOURS, 4 * HOURS))
    return policy


def _raise(world):
    with time_machine.travel(MONDAY, tick=False):
        return world.raise_ticket(priority="P3")


def _sweep_at(moment):
    with time_machine.travel(moment, tick=False):
        return enforcement.sweep()


def test_it_fires_each_warning_and_the_breach_once_in_order(world, policy_for):
    _setup(world, policy_for)
    ticket = _raise(world)

    fired = [_sweep_at(MONDAY + timedelta(minutes=m)) for m in (29, 31, 46, 55, 61)]
    again = _sweep_at(MONDAY + timedelta(minutes=62))

    response = TicketClock.objects.get(ticket=ticket, kind="response")
    names = list(
        SlaEvent.objects.filter(clock=response)
        .order_by("due_at")
        .values_list("threshold", flat=True)
    )
    assert names == ["warning:0.5", "warning:0.75", "warning:0.9", "breach"]
    assert fired == [0, 1, 1, 1, 1]
    assert again == 0
    response.refresh_from_db()
    assert response.state == "breached"
    assert response.breached_at == MONDAY + timedelta(hours=1)


def test_it_tells_operations_of_a_breach_and_the_clients_webhook(world, policy_for):
    _setup(world, policy_for)
    webhooks.create_endpoint(
        actor(world.ada),
        world.harbour,
        url="https://hooks.harbour.test/sla",
        events=["sla.warning", "sla.breached"],
    )
    ticket = _raise(world)

    _sweep_at(MONDAY + timedelta(minutes=61))

    breaches = emails_queued("sla_breached")
    assert len(breaches) == 1
    assert "olivia@example.test" in breaches[0]["to"]
    assert ticket.reference in breaches[0]["subject"]
    sent = WebhookDelivery.objects.filter(event_type="sla.breached")
    assert sent.count() == 1
    assert sent.get().payload["data"]["clock"] == "response"
    assert AuditEvent.objects.filter(action="sla.breached").count() == 1


def test_it_stays_quiet_for_a_clock_met_in_time(world, policy_for):
    _setup(world, policy_for)
    ticket = _raise(world)
    with time_machine.travel(MONDAY + timedelta(minutes=10), tick=False):
        services.add_comment(actor(world.olivia), ticket, "On it.")

    fired = _sweep_at(MONDAY + timedelta(hours=2))

    response = TicketClock.objects.get(ticket=ticket, kind="response")
    assert response.state == "met"
    assert not SlaEvent.objects.filter(clock=response).exists()
    assert response.next_check_at is None
    assert fired == 1  # the resolution clock's warning at half its four hours


def test_it_reads_only_due_clocks(world, policy_for, django_assert_max_num_queries):
    _setup(world, policy_for)
    for _ in range(5):
        _raise(world)

    with django_assert_max_num_queries(2):
        _sweep_at(MONDAY + timedelta(minutes=1))


def test_it_raises_the_priority_and_hands_to_the_lead_on_breach(world, policy_for):
    policy = _setup(world, policy_for)
    lead = make_user("lena", "operations", first_name="Lena")
    EscalationRule.objects.create(
        policy=policy, trigger="breach", clock_kind="response", action="raise_priority"
    )
    EscalationRule.objects.create(
        policy=policy,
        trigger="breach",
        clock_kind="response",
        action="assign_lead",
        user=lead,
    )
    ticket = _raise(world)

    _sweep_at(MONDAY + timedelta(minutes=61))

    ticket.refresh_from_db()
    assert ticket.priority == "P2"
    assert ticket.assignee == lead
    assert AuditEvent.objects.filter(action="sla.escalated").count() == 2
    change = AuditEvent.objects.get(action="ticket.priority_changed")
    assert change.data["from"] == "P3"
    assert "sla_due" in change.data
    # The clocks follow the new priority's targets, not the copy the sweep held.
    resolution = TicketClock.objects.get(ticket=ticket, kind="resolution")
    assert resolution.target == timedelta(hours=16)


def test_it_escalates_a_second_level_after_breach(world, policy_for):
    policy = _setup(world, policy_for)
    EscalationRule.objects.create(
        policy=policy,
        trigger="after_breach",
        after_minutes=30,
        clock_kind="response",
        action="notify_role",
        role="admin",
    )
    _raise(world)

    _sweep_at(MONDAY + timedelta(minutes=61))
    before = emails_queued("sla_escalated")
    _sweep_at(MONDAY + timedelta(minutes=91))

    assert before == []
    [escalated] = emails_queued("sla_escalated")
    assert escalated["to"] == ["ada@example.test"]


def test_it_tells_the_clients_contacts_when_a_rule_says_so(world, policy_for):
    policy = _setup(world, policy_for)
    EscalationRule.objects.create(
        policy=policy,
        trigger="warning",
        fraction=0.9,
        clock_kind="resolution",
        action="notify_contacts",
    )
    _raise(world)

    _sweep_at(MONDAY + timedelta(hours=3, minutes=37))

    notices = emails_queued("sla_client_notice")
    # One email per contact, so each carries its own reply token.
    assert sorted(notice["to"][0] for notice in notices) == [
        "hannah@harbour.test",
        "harry@harbour.test",
    ]
    assert all("internal" not in notice["body"].lower() for notice in notices)


def test_it_fires_nothing_while_paused_and_resumes_with_the_time_left(
    world, policy_for
):
    _setup(world, policy_for)
    ticket = world.ticket_at("in_progress")
    TicketClock.objects.filter(ticket=ticket).update(next_check_at=None)
    with time_machine.travel(ticket.created_at + timedelta(minutes=5), tick=False):
        ticket = services.transition(
            actor(world.sam), ticket, "await_client", {"message": "Which tray?"}
        )

    resolution = TicketClock.objects.get(ticket=ticket, kind="resolution")
    assert resolution.state == "paused"
    assert resolution.next_check_at is None
    assert DBTaskResult.objects.exists()


def test_the_console_lists_breached_and_at_risk_tickets(world, policy_for, client):
    _setup(world, policy_for)
    breached = _raise(world)
    with time_machine.travel(MONDAY + timedelta(minutes=30), tick=False):
        at_risk = world.raise_ticket(priority="P3", title="Printer warned only")
    _sweep_at(MONDAY + timedelta(minutes=61))
    client.force_login(world.olivia)

    with time_machine.travel(MONDAY + timedelta(minutes=61), tick=False):
        listed_breached = client.get("/console/", {"sla": "breached"})
        listed_at_risk = client.get("/console/", {"sla": "at_risk"})

    assert [t.pk for t in listed_breached.context["page"]] == [breached.pk]
    assert [t.pk for t in listed_at_risk.context["page"]] == [at_risk.pk]
    assert b"Response breached" in listed_breached.content


def test_a_rule_that_cannot_act_is_recorded_and_holds_nothing_up(world, policy_for):
    policy = _setup(world, policy_for)
    lead = make_user("lena", "operations", first_name="Lena")
    EscalationRule.objects.create(
        policy=policy,
        trigger="breach",
        clock_kind="response",
        action="assign_lead",
        user=lead,
    )
    lead.is_active = False  # left the company after the rule was written
    lead.save()
    first, _second = _raise(world), _raise(world)

    fired = _sweep_at(MONDAY + timedelta(minutes=61))

    # Each response clock's breach; its warnings are past news once it has breached.
    assert fired == 2
    assert SlaEvent.objects.filter(threshold="breach").count() == 2
    failures = AuditEvent.objects.filter(action="sla.escalation_failed")
    assert failures.count() == 2
    first.refresh_from_db()
    assert first.assignee_id is None


def test_the_admin_refuses_a_calendar_without_hours_and_overlapping_periods(
    world, client
):
    from stratadesk.sla.models import Calendar

    client.force_login(world.ada)
    calendar = calendars.business_hours("Admin test", "Australia/Sydney", "")
    segments = list(calendar.segments.all())
    form = {
        "name": "Admin test",
        "timezone": "Australia/Sydney",
        "state": "",
        "updated_at_0": "2026-03-02",
        "updated_at_1": "09:00:00",
        "segments-TOTAL_FORMS": str(len(segments)),
        "segments-INITIAL_FORMS": str(len(segments)),
        "segments-MIN_NUM_FORMS": "0",
        "segments-MAX_NUM_FORMS": "1000",
        "holidays-TOTAL_FORMS": "0",
        "holidays-INITIAL_FORMS": "0",
        "holidays-MIN_NUM_FORMS": "0",
        "holidays-MAX_NUM_FORMS": "1000",
    }
    for index, segment in enumerate(segments):
        form.update(
            {
                f"segments-{index}-id": str(segment.pk),
                f"segments-{index}-calendar": str(calendar.pk),
                f"segments-{index}-weekday": str(segment.weekday),
                f"segments-{index}-starts": "09:00",
                f"segments-{index}-ends": "17:00",
                f"segments-{index}-DELETE": "on",
            }
        )
    url = f"/admin/sla/calendar/{calendar.pk}/change/"

    emptied = client.post(url, form)
    overlapping = client.post(
        url,
        {
            **{k: v for k, v in form.items() if not k.endswith("DELETE")},
            "segments-1-weekday": "0",
            "segments-1-starts": "12:00",
            "segments-1-ends": "20:00",
        },
    )

    assert emptied.status_code == 200
    assert b"at least one working period" in emptied.content
    assert b"overlap on Monday" in overlapping.content
    assert Calendar.objects.get(pk=calendar.pk).segments.count() == 5


def test_it_never_hands_a_ticket_to_someone_barred_from_the_client(world, policy_for):
    policy = _setup(world, policy_for)
    rule = EscalationRule.objects.create(
        policy=policy,
        trigger="breach",
        clock_kind="response",
        action="assign_lead",
        user=world.sasha,
    )
    world.sasha.limited_to_clients.set([world.outback])
    ticket = _raise(world)

    _sweep_at(MONDAY + timedelta(minutes=61))

    ticket.refresh_from_db()
    assert ticket.assignee_id is None
    assert AuditEvent.objects.filter(action="sla.escalation_failed").exists()
    import pytest
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        rule.full_clean()
