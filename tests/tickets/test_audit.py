"""The audit trail: one event per move, written with the move, never rewritten."""

import pytest
from django.db import transaction

from stratadesk.core import audit
from stratadesk.core.context import reset_request_id, set_request_id
from stratadesk.core.models import AuditEvent
from stratadesk.people.actors import Actor
from stratadesk.tickets import services
from tests.tickets import expected
from tests.tickets.state import actor_for, events_since, snapshot, user_for

REQUEST_ID = "req-7f3a9c1e"
ROLE_AND_CHANNEL = {
    expected.REQUESTER: ("client", "portal"),
    expected.APPROVER: ("client", "portal"),
    expected.OPERATIONS: ("operations", "console"),
    expected.ADMIN: ("admin", "console"),
    expected.SYSTEM: ("system", "system"),
}


@pytest.fixture
def request_id():
    token = set_request_id(REQUEST_ID)
    yield REQUEST_ID
    reset_request_id(token)


class Boom(Exception):
    pass


@pytest.mark.parametrize("name", [row.name for row in expected.ROWS])
def test_it_writes_exactly_one_event_for_each_move(world, request_id, name):
    row = expected.BY_NAME[name]
    persona = expected.first_taker(name)
    ticket = world.ticket_at(row.sources[0])
    data = expected.valid_data(name, world)
    before = snapshot(ticket)

    services.transition(actor_for(world, persona), ticket, name, data)

    [event] = events_since(before).filter(action="ticket.transitioned")
    role, channel = ROLE_AND_CHANNEL[persona]
    user = None if persona == expected.SYSTEM else user_for(world, persona)
    assert (event.actor, event.actor_role, event.channel) == (user, role, channel)
    assert (event.from_stage, event.to_stage) == (row.sources[0], row.target)
    # A dismissal records its close reason as the event's reason.
    assert event.reason == (data.get("reason") or data.get("close_reason") or "")
    assert event.request_id == request_id
    assert (event.subject_type, event.subject_id) == ("ticket", str(ticket.pk))
    assert event.client == world.harbour
    assert event.data["transition"] == name


def test_it_records_who_handed_a_ticket_back_how_and_why(world, request_id):
    ticket = world.ticket_at("in_progress")
    before = snapshot(ticket)

    services.transition(
        actor_for(world, expected.ASSIGNEE),
        ticket,
        "hand_back",
        {"reason": "Needs a network engineer."},
    )

    [event] = events_since(before)
    assert (event.action, event.actor, event.actor_label) == (
        "ticket.transitioned",
        world.sam,
        "Sam",
    )
    assert (event.actor_role, event.channel) == ("support", "console")
    assert (event.from_stage, event.to_stage) == ("in_progress", "triage")
    assert (event.reason, event.request_id) == ("Needs a network engineer.", REQUEST_ID)


def test_it_prefers_the_request_id_the_actor_carries(world, request_id):
    ticket = world.ticket_at("request")
    before = snapshot(ticket)
    api = Actor.for_user(world.olivia, "api", request_id="req-from-the-api")

    services.transition(api, ticket, "triage")

    [event] = events_since(before)
    assert (event.channel, event.request_id) == ("api", "req-from-the-api")


def test_it_drops_the_move_and_its_event_when_the_caller_rolls_back(world):
    ticket = world.ticket_at("request")
    before = snapshot(ticket)

    with pytest.raises(Boom), transaction.atomic():
        services.transition(actor_for(world, expected.OPERATIONS), ticket, "triage")
        raise Boom

    assert snapshot(ticket) == before


def test_it_drops_the_move_when_its_event_cannot_be_written(world, monkeypatch):
    ticket = world.ticket_at("triage")
    before = snapshot(ticket)

    def refuse(*args, **kwargs):
        raise Boom

    monkeypatch.setattr(audit, "record", refuse)
    with pytest.raises(Boom):
        services.transition(
            actor_for(world, expected.OPERATIONS),
            ticket,
            "assign",
            expected.valid_data("assign", world),
        )

    assert snapshot(ticket) == before


@pytest.fixture
def event(world):
    ticket = world.ticket_at("triage")
    return AuditEvent.objects.filter(subject_id=str(ticket.pk)).latest("pk")


def _unchanged(event):
    """The stored row still says what it said when it was written."""
    stored = AuditEvent.objects.filter(pk=event.pk).values().get()
    return stored == {
        field.attname: getattr(event, field.attname) for field in event._meta.fields
    }


def test_it_refuses_to_save_an_audit_event_again(event):
    original_reason = event.reason
    event.reason = "Rewritten history."

    with pytest.raises(TypeError, match="append-only"):
        event.save()

    event.reason = original_reason
    assert _unchanged(event)


def test_it_refuses_to_delete_an_audit_event(event):
    with pytest.raises(TypeError, match="append-only"):
        event.delete()

    assert _unchanged(event)


@pytest.mark.parametrize(
    "rewrite",
    [
        lambda events: events.update(reason="Rewritten history."),
        lambda events: events.delete(),
        lambda events: events.bulk_update(
            [AuditEvent(pk=e.pk, reason="Rewritten.") for e in events], ["reason"]
        ),
    ],
    ids=["update", "delete", "bulk_update"],
)
def test_it_refuses_to_rewrite_audit_events_in_bulk(event, rewrite):
    # bulk_update() joins the caller's transaction without a savepoint, so give the
    # refusal one of its own to roll back to.
    with pytest.raises(TypeError, match="append-only"), transaction.atomic():
        rewrite(AuditEvent.objects.filter(pk=event.pk))

    assert _unchanged(event)


def test_it_refuses_to_delete_every_audit_event_at_once(event):
    count = AuditEvent.objects.count()

    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.all().delete()

    assert AuditEvent.objects.count() == count
