"""What each move does to the ticket beyond changing its stage."""

import pytest

from stratadesk.notifications.models import EmailDelivery
from stratadesk.tickets import services
from stratadesk.tickets.models import Comment
from tests.tickets import expected
from tests.tickets.state import actor_for, events_since, snapshot, tasks_since


def _take(world, ticket, name, persona=None, **data):
    data = data or expected.valid_data(name, world)
    persona = persona or expected.first_taker(name)
    services.transition(actor_for(world, persona), ticket, name, data)
    ticket.refresh_from_db()
    return ticket


def _emails(before):
    """(template, recipients) of every email queued since `before`."""
    ids = [task.args_kwargs["kwargs"]["delivery_id"] for task in tasks_since(before)]
    return sorted(
        (delivery.template, (delivery.to_address,))
        for delivery in EmailDelivery.objects.filter(pk__in=ids)
    )


def test_it_sets_priority_category_and_assignee_and_tells_the_assignee(world):
    ticket = world.ticket_at("triage")
    before = snapshot(ticket)

    ticket = _take(world, ticket, "assign")

    assert (ticket.priority, ticket.category, ticket.assignee) == (
        "P1",
        world.category,
        world.sam,
    )
    assert _emails(before) == [("ticket_assigned", ("sam@example.test",))]
    [event] = events_since(before)
    assert event.data["assignee"] == world.sam.pk
    assert event.data["previous"] == {"priority": "P3", "assignee": None}


@pytest.mark.parametrize("stage", ["assigned", "in_progress"])
def test_it_clears_the_assignee_when_the_ticket_is_handed_back(world, stage):
    ticket = world.ticket_at(stage)
    before = snapshot(ticket)

    ticket = _take(world, ticket, "hand_back", expected.ASSIGNEE)

    assert (ticket.stage, ticket.assignee) == ("triage", None)
    [event] = events_since(before)
    assert event.data["previous_assignee"] == world.sam.pk
    assert event.reason == "Needs a network engineer."


def test_it_sends_the_client_the_question_when_waiting_on_them(world):
    ticket = world.ticket_at("in_progress")
    before = snapshot(ticket)

    ticket = _take(world, ticket, "await_client", expected.ASSIGNEE)

    [comment] = Comment.objects.filter(ticket=ticket)
    assert (comment.body, comment.is_public, comment.author) == (
        "Which tray jams?",
        True,
        world.sam,
    )
    assert ticket.first_response_at == comment.created_at
    assert _emails(before) == [("ticket_pending_client", ("harry@harbour.test",))]
    actions = [event.action for event in events_since(before)]
    assert actions == ["ticket.commented", "ticket.transitioned"]


def test_it_records_the_third_party_and_its_reference(world):
    ticket = world.ticket_at("in_progress")

    ticket = _take(world, ticket, "await_third_party")

    assert (ticket.third_party_name, ticket.third_party_ref) == ("Ricoh", "RC-77")


def test_it_stops_the_resolution_clock_and_tells_the_requester(world):
    ticket = world.ticket_at("in_progress")
    before = snapshot(ticket)

    ticket = _take(world, ticket, "resolve")

    assert ticket.resolution_summary == "Replaced the fuser."
    assert ticket.resolved_at is not None
    assert _emails(before) == [("ticket_resolved", ("harry@harbour.test",))]


def test_it_restarts_the_resolution_clock_when_review_fails(world):
    ticket = world.ticket_at("resolved")

    ticket = _take(world, ticket, "review_failed")

    assert (ticket.stage, ticket.resolved_at) == ("in_progress", None)


@pytest.mark.parametrize("stage", ["request", "triage"])
def test_it_closes_a_dismissed_ticket_with_its_reason(world, stage):
    ticket = world.ticket_at(stage)

    ticket = _take(world, ticket, "dismiss")

    assert (ticket.stage, ticket.close_reason) == ("closed", "spam")
    assert ticket.closed_at is not None
    assert not ticket.svrs.exists()


@pytest.mark.parametrize("stage", ["request", "triage"])
def test_it_closes_a_withdrawn_ticket(world, stage):
    ticket = world.ticket_at(stage)
    before = snapshot(ticket)

    ticket = _take(world, ticket, "withdraw")

    assert (ticket.stage, ticket.close_reason) == ("closed", "withdrawn")
    assert ticket.closed_at is not None
    [event] = events_since(before)
    assert event.reason == "We sorted it out ourselves."


def test_it_auto_approves_the_svr_as_the_system(world):
    ticket = world.ticket_at("svr_pending")

    ticket = _take(world, ticket, "auto_approve_svr")

    svr = ticket.svrs.get()
    assert ticket.stage == "closed"
    assert (svr.status, svr.decided_by, svr.is_locked) == ("auto_approved", None, True)


def test_it_records_the_admins_reason_for_an_override(world):
    ticket = world.ticket_at("svr_pending")

    ticket = _take(world, ticket, "override_svr")

    svr = ticket.svrs.get()
    assert ticket.stage == "closed"
    assert (svr.status, svr.decided_by) == ("overridden", world.ada)
    assert svr.decision_reason == "Hannah confirmed by phone."


def test_it_reopens_a_closed_ticket_for_an_admin(world):
    ticket = world.ticket_at("closed")
    before = snapshot(ticket)

    ticket = _take(world, ticket, "reopen")

    assert (ticket.stage, ticket.close_reason, ticket.closed_at) == (
        "in_progress",
        "",
        None,
    )
    assert ticket.resolved_at is None
    [event] = events_since(before)
    assert (event.actor, event.reason) == (
        world.ada,
        "The fault came back the next day.",
    )
