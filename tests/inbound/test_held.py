"""Operations accept or discard what was held; nobody else decides."""

import pytest

from stratadesk.core.errors import Conflict, PermissionDenied, ValidationFailed
from stratadesk.core.models import AuditEvent, Channel
from stratadesk.inbound.models import InboundMessage, Outcome
from stratadesk.inbound.services import (
    accept_held,
    discard_held,
    held_messages,
    receive,
)
from stratadesk.tickets.models import Ticket
from tests.fixtures import actor, make_contact
from tests.inbound.conftest import message


@pytest.fixture
def held(world):
    return receive(message("unknown_sender.eml"), source="test")


@pytest.fixture
def priya(world):
    return make_contact(world.outback, "Priya Natarajan", "priya.n@gmail.test")


def test_olivia_accepts_a_held_message_as_a_ticket_for_the_client_she_chooses(
    world, held, priya
):
    ticket = accept_held(actor(world.olivia), held, client=world.outback, contact=priya)

    held.refresh_from_db()
    assert (held.outcome, held.ticket, held.contact) == (
        Outcome.ACCEPTED,
        ticket,
        priya,
    )
    assert (held.decided_by, held.raw) == (world.olivia, b"")
    assert ticket.client == world.outback
    assert ticket.requester == priya
    assert ticket.title == "Need help with our office Wi-Fi"
    assert ticket.description.startswith("Hello, we have just moved offices")
    assert ticket.channel == Channel.EMAIL
    decision = AuditEvent.objects.get(action="inbound.accepted")
    assert (decision.actor, decision.client) == (world.olivia, world.outback)
    assert decision.data["held_for"] == "unknown sender"


def test_ada_discards_a_held_message_with_a_reason(world, held):
    discard_held(actor(world.ada), held, reason="Marketing, not a request.")

    held.refresh_from_db()
    assert (held.outcome, held.decided_by, held.raw) == (
        Outcome.DISCARDED,
        world.ada,
        b"",
    )
    event = AuditEvent.objects.get(action="inbound.discarded")
    assert event.reason == "Marketing, not a request."


@pytest.mark.parametrize("persona", ["sam", "alex", "harry"])
def test_only_operations_and_admin_decide_and_a_refusal_changes_nothing(
    world, held, priya, persona
):
    who = actor(getattr(world, persona))
    tickets = Ticket.objects.count()

    with pytest.raises(PermissionDenied):
        accept_held(who, held, client=world.outback, contact=priya)
    with pytest.raises(PermissionDenied):
        discard_held(who, held)

    held.refresh_from_db()
    assert held.outcome == Outcome.HELD
    assert Ticket.objects.count() == tickets
    assert not held_messages(getattr(world, persona)).exists()


def test_a_message_is_decided_once(world, held, priya):
    discard_held(actor(world.olivia), held)

    with pytest.raises(Conflict):
        accept_held(actor(world.ada), held, client=world.outback, contact=priya)


def test_the_requester_must_be_a_contact_of_the_chosen_client(world, held, priya):
    with pytest.raises(ValidationFailed):
        accept_held(actor(world.olivia), held, client=world.harbour, contact=priya)

    assert InboundMessage.objects.get(pk=held.pk).outcome == Outcome.HELD


def test_operations_see_the_held_messages_only(world, held):
    receive(message("new_request.eml"), source="test")

    assert list(held_messages(world.olivia)) == [held]


# A held reply is posted where it belongs -------------------------------------------


def _reply_from_home(world):
    """Harry answers his ticket's notification from a personal address."""
    from tests.inbound.conftest import message as load

    raw = load("plain_reply.eml").replace(
        b"From: Harry Requester <harry@harbour.test>",
        b"From: Harry Requester <harry.home@gmail.test>",
    )
    return receive(raw, source="test")


def test_an_accepted_held_reply_is_posted_on_the_ticket_it_answers(world, notified):
    from stratadesk.tickets.models import Comment

    ticket = notified(world.ticket_at("pending_client"))
    held = _reply_from_home(world)
    assert (held.outcome, held.ticket) == (Outcome.HELD, ticket)
    tickets_before = Ticket.objects.count()

    filed = accept_held(
        actor(world.olivia), held, client=world.harbour, contact=world.harry_contact
    )

    held.refresh_from_db()
    comment = Comment.objects.get(pk=held.comment_id)
    assert filed == ticket
    assert Ticket.objects.count() == tickets_before
    assert comment.ticket == ticket
    assert "tray 2, the one on the left" in comment.body
    assert (held.outcome, held.contact) == (Outcome.ACCEPTED, world.harry_contact)


def test_a_held_reply_accepted_for_another_client_raises_a_new_ticket(
    world, notified, priya
):
    ticket = notified(world.ticket_at("pending_client"))
    held = _reply_from_home(world)
    comments_before = ticket.comments.count()

    filed = accept_held(actor(world.olivia), held, client=world.outback, contact=priya)

    assert filed != ticket
    assert filed.client == world.outback
    assert ticket.comments.count() == comments_before


def test_the_held_page_says_which_ticket_a_reply_answers(world, notified, client):
    ticket = notified(world.ticket_at("pending_client"))
    _reply_from_home(world)
    client.force_login(world.olivia)

    page = client.get("/console/inbound/").text

    assert f">{ticket.reference}</a>" in page
    assert "posted there as that contact" in page
