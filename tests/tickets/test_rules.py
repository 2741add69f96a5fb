"""The rules around the table: comments, follow-ups, who may work, stale views."""

import datetime
from decimal import Decimal

import pytest

from stratadesk.core import clock
from stratadesk.core.errors import Conflict, PermissionDenied, ValidationFailed
from stratadesk.tickets import services
from stratadesk.tickets.models import Comment, Ticket
from tests.fixtures import actor
from tests.tickets import expected
from tests.tickets.state import events_since, snapshot

MONDAY_10AM = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
MONDAY_11AM = MONDAY_10AM + datetime.timedelta(hours=1)


def _log_time(world, ticket, who):
    return services.log_time(
        actor(who),
        ticket,
        minutes=30,
        work_date=ticket.created_at.date(),
        work_type="business_hours",
    )


def _add_material(world, ticket, who):
    return services.add_material(
        actor(who),
        ticket,
        item="Fuser unit",
        quantity=Decimal("1"),
        unit_price=Decimal("189.00"),
    )


# Internal notes -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "who"),
    [("in_progress", "sam"), ("pending_client", "olivia"), ("svr_pending", "ada")],
)
def test_it_never_moves_a_ticket_for_an_internal_note(world, stage, who):
    ticket = world.ticket_at(stage)
    before = snapshot(ticket)

    note = services.add_comment(
        actor(getattr(world, who)), ticket, "Checked the toner.", public=False
    )

    ticket.refresh_from_db()
    assert (ticket.stage, ticket.version) == (stage, before["ticket"]["version"])
    assert note.is_public is False
    assert [e.action for e in events_since(before)] == ["ticket.commented"]


def test_it_does_not_move_a_ticket_waiting_on_the_client_for_a_staff_message(world):
    ticket = world.ticket_at("pending_client")

    services.add_comment(actor(world.sam), ticket, "Any news on the tray?")

    ticket.refresh_from_db()
    assert ticket.stage == "pending_client"


# Client replies -----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["harry", "hannah"])
def test_it_returns_a_ticket_to_work_when_the_client_replies(world, who):
    ticket = world.ticket_at("pending_client")
    before = snapshot(ticket)
    client = getattr(world, who)

    reply = services.add_comment(actor(client), ticket, "Tray 2, every time.")

    ticket.refresh_from_db()
    assert ticket.stage == "in_progress"
    assert ticket.version == before["ticket"]["version"] + 1
    assert (reply.ticket, reply.author, reply.channel) == (ticket, client, "portal")
    [move] = events_since(before).filter(action="ticket.transitioned")
    assert (move.from_stage, move.to_stage, move.actor) == (
        "pending_client",
        "in_progress",
        client,
    )
    assert (move.actor_role, move.channel) == ("client", "portal")
    assert move.data["transition"] == "client_replied"


def test_it_leaves_a_ticket_in_progress_when_the_client_replies(world):
    ticket = world.ticket_at("in_progress")
    before = snapshot(ticket)

    services.add_comment(actor(world.harry), ticket, "Also tray 3.")

    ticket.refresh_from_db()
    assert ticket.stage == "in_progress"
    assert ticket.version == before["ticket"]["version"]


@pytest.mark.parametrize("who", ["harry", "hannah"])
def test_it_leaves_the_svr_pending_when_the_client_writes(world, who):
    ticket = world.ticket_at("svr_pending")
    before = snapshot(ticket)

    services.add_comment(actor(getattr(world, who)), ticket, "Out of office.")

    ticket.refresh_from_db()
    assert ticket.stage == "svr_pending"
    assert ticket.version == before["ticket"]["version"]
    assert ticket.svrs.get().status == "pending"


def test_it_opens_a_linked_follow_up_when_the_client_replies_to_a_closed_ticket(
    world,
):
    closed = world.ticket_at("closed")
    before = snapshot(closed)
    old_comments = list(Comment.objects.filter(ticket=closed))

    reply = services.add_comment(actor(world.harry), closed, "It jams again.")

    follow_up = reply.ticket
    assert follow_up.pk != closed.pk
    assert (follow_up.follow_up_of, follow_up.stage) == (closed, "request")
    assert (follow_up.client, follow_up.requester) == (
        world.harbour,
        world.harry_contact,
    )
    assert follow_up.title == f"Follow-up to {closed.reference}: {closed.title}"
    assert follow_up.description.startswith(f"Raised by a reply to {closed.reference}")
    assert list(Comment.objects.filter(ticket=follow_up)) == [reply]
    assert reply.body == "It jams again."
    assert snapshot(closed)["ticket"] == before["ticket"]
    assert list(Comment.objects.filter(ticket=closed)) == old_comments
    assert [(e.action, e.subject_id) for e in events_since(before)] == [
        ("ticket.created", str(follow_up.pk)),
        ("ticket.commented", str(follow_up.pk)),
    ]

    # The thread goes on in that follow-up while it is open, not in another one.
    again = services.add_comment(actor(world.harry), closed, "Still jamming.")
    assert again.ticket == follow_up
    assert Ticket.objects.filter(follow_up_of=closed).count() == 1


def test_it_refuses_an_internal_note_from_a_client(world):
    ticket = world.ticket_at("in_progress")
    before = snapshot(ticket)

    with pytest.raises(PermissionDenied):
        services.add_comment(actor(world.harry), ticket, "Psst.", public=False)

    assert snapshot(ticket) == before


@pytest.mark.parametrize("stage", ["pending_client", "closed"])
def test_it_refuses_a_reply_from_another_clients_user(world, stage):
    ticket = world.ticket_at(stage)
    before = snapshot(ticket)

    with pytest.raises(PermissionDenied):
        services.add_comment(actor(world.oscar), ticket, "Is this ours?")

    assert snapshot(ticket) == before


def test_it_refuses_an_empty_comment(world):
    ticket = world.ticket_at("pending_client")
    before = snapshot(ticket)

    with pytest.raises(ValidationFailed) as refused:
        services.add_comment(actor(world.harry), ticket, "   ")

    assert list(refused.value.fields) == ["body"]
    assert snapshot(ticket) == before


# Who may work on a ticket -------------------------------------------------------------


def test_it_lets_the_assignee_comment_and_log_work(world):
    ticket = world.ticket_at("in_progress")

    services.add_comment(actor(world.sam), ticket, "On my way.")
    entry = _log_time(world, ticket, world.sam)
    material = _add_material(world, ticket, world.sam)

    assert (entry.ticket, entry.engineer, entry.minutes) == (ticket, world.sam, 30)
    assert (material.ticket, material.added_by) == (ticket, world.sam)


@pytest.mark.parametrize("who", ["sasha", "alex"])
@pytest.mark.parametrize(
    "work",
    [
        lambda world, ticket, who: services.add_comment(actor(who), ticket, "Hi."),
        lambda world, ticket, who: services.add_comment(
            actor(who), ticket, "Hmm.", public=False
        ),
        _log_time,
        _add_material,
    ],
    ids=["public_comment", "internal_note", "log_time", "add_material"],
)
def test_it_refuses_work_from_support_not_assigned_and_from_accounts(world, work, who):
    ticket = world.ticket_at("in_progress")
    before = snapshot(ticket)

    with pytest.raises(PermissionDenied):
        work(world, ticket, getattr(world, who))

    assert snapshot(ticket) == before


def test_it_refuses_work_from_support_once_the_ticket_is_handed_back(world):
    ticket = world.ticket_at("in_progress")
    ticket = services.transition(
        actor(world.sam), ticket, "hand_back", {"reason": "Not mine."}
    )
    before = snapshot(ticket)

    with pytest.raises(PermissionDenied):
        _log_time(world, ticket, world.sam)

    assert snapshot(ticket) == before


@pytest.mark.parametrize("who", ["olivia", "ada"])
def test_it_lets_operations_and_admin_work_on_any_ticket(world, who):
    ticket = world.ticket_at("in_progress")

    entry = _log_time(world, ticket, getattr(world, who))

    assert entry.engineer == getattr(world, who)


@pytest.mark.parametrize("stage", ["svr_pending", "closed"])
def test_it_freezes_the_work_log_once_the_svr_is_issued(world, stage):
    ticket = world.ticket_at(stage)
    before = snapshot(ticket)

    with pytest.raises(ValidationFailed) as refused:
        _log_time(world, ticket, world.sam)

    assert refused.value.code == "work_log_frozen"
    assert snapshot(ticket) == before


# First response -----------------------------------------------------------------------


def test_it_stamps_the_first_response_at_the_first_public_staff_reply(world):
    ticket = world.ticket_at("in_progress")

    with clock.at(MONDAY_10AM):
        services.add_comment(actor(world.sam), ticket, "Looking now.", public=False)
    ticket.refresh_from_db()
    assert ticket.first_response_at is None

    with clock.at(MONDAY_11AM):
        services.add_comment(actor(world.sam), ticket, "Replacing the fuser.")
    with clock.at(MONDAY_11AM + datetime.timedelta(hours=1)):
        services.add_comment(actor(world.olivia), ticket, "Parts ordered.")

    ticket.refresh_from_db()
    assert ticket.first_response_at == MONDAY_11AM


def test_it_does_not_count_a_client_message_as_a_first_response(world):
    ticket = world.ticket_at("in_progress")

    services.add_comment(actor(world.harry), ticket, "Any update?")

    ticket.refresh_from_db()
    assert ticket.first_response_at is None


# Stale views --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [("triage", {}), ("dismiss", {"close_reason": "spam"})],
)
def test_it_refuses_a_move_made_on_a_stale_copy(world, name, data):
    mine = world.ticket_at("request")
    theirs = Ticket.objects.get(pk=mine.pk)
    services.transition(actor(world.olivia), mine, "triage")
    before = snapshot(mine)

    with pytest.raises(Conflict) as refused:
        services.transition(actor(world.ada), theirs, name, data)

    assert refused.value.code == "stale_ticket"
    assert refused.value.message == (
        "T-1001 was changed by someone else since you loaded it; reload and try again."
    )
    assert snapshot(mine) == before


def test_it_refuses_a_move_on_a_copy_loaded_before_a_client_reply(world):
    ticket = world.ticket_at("pending_client")
    stale = Ticket.objects.get(pk=ticket.pk)
    services.add_comment(actor(world.harry), ticket, "Tray 2.")
    before = snapshot(ticket)

    with pytest.raises(Conflict):
        services.transition(
            actor(world.sam), stale, "resolve", expected.valid_data("resolve", world)
        )

    assert snapshot(ticket) == before


# Closing and reopening ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("move", "who", "data", "reason"),
    [
        (
            "approve_svr",
            "hannah",
            {"typed_name": "Hannah Approver", "declaration": True},
            "svr_approved",
        ),
        (
            "override_svr",
            "ada",
            {"reason": "Client confirmed by phone"},
            "svr_overridden",
        ),
    ],
)
def test_it_records_how_an_svr_closed_the_ticket(world, move, who, data, reason):
    ticket = world.ticket_at("svr_pending")

    closed = world.move(ticket, move, getattr(world, who), **data)

    assert closed.close_reason == reason


def test_it_records_an_auto_approval_as_such(world):
    from stratadesk.people.actors import Actor

    ticket = world.ticket_at("svr_pending")

    closed = services.transition(Actor.system(), ticket, "auto_approve_svr")

    assert closed.close_reason == "svr_auto_approved"


def test_it_asks_for_an_assignee_to_reopen_a_ticket_that_never_had_one(world):
    ticket = world.move(world.raise_ticket(), "triage", world.olivia)
    ticket = world.move(ticket, "dismiss", world.olivia, close_reason="spam")
    before = snapshot(ticket)

    with pytest.raises(ValidationFailed) as error:
        world.move(ticket, "reopen", world.ada, reason="Not spam after all")

    assert "choose who takes it" in error.value.fields["assignee"][0]
    assert snapshot(ticket) == before
    reopened = world.move(
        ticket, "reopen", world.ada, reason="Not spam after all", assignee=world.sam.pk
    )
    assert (reopened.stage, reopened.assignee) == ("in_progress", world.sam)


def test_it_opens_a_follow_up_when_the_ticket_closed_after_the_client_loaded_it(world):
    ticket = world.ticket_at("svr_pending")
    stale_copy = Ticket.objects.get(pk=ticket.pk)
    world.move(
        ticket,
        "approve_svr",
        world.hannah,
        typed_name="Hannah Approver",
        declaration=True,
    )

    comment = services.add_comment(actor(world.harry), stale_copy, "One more thing")

    assert comment.ticket.follow_up_of_id == ticket.pk
    assert Ticket.objects.get(pk=ticket.pk).stage == "closed"
