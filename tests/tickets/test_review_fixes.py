"""Holes a reviewer found by attacking the running product, kept closed."""

import pytest

from stratadesk.core.errors import (
    PermissionDenied,
    TransitionNotAllowed,
    ValidationFailed,
)
from stratadesk.tickets import services
from stratadesk.tickets.models import Ticket, TimeEntry
from tests.fixtures import actor


def _log(world, ticket, who=None, **extra):
    values = {
        "minutes": 15,
        "work_date": ticket.created_at.date(),
        "work_type": "business_hours",
    }
    values.update(extra)
    return services.log_time(actor(who or world.sam), ticket, **values)


def test_it_refuses_time_on_a_stale_copy_once_the_svr_is_issued(world):
    ticket = world.ticket_at("resolved")
    stale = Ticket.objects.get(pk=ticket.pk)
    world.move(ticket, "issue_svr", world.sam, work_summary="Fuser replaced.")
    entries = TimeEntry.objects.count()

    with pytest.raises(ValidationFailed) as error:
        _log(world, stale)

    assert error.value.code == "work_log_frozen"
    assert TimeEntry.objects.count() == entries


def test_it_refuses_time_from_an_engineer_unassigned_since_loading(world):
    ticket = world.ticket_at("in_progress")
    stale = Ticket.objects.get(pk=ticket.pk)
    world.move(ticket, "hand_back", world.olivia, reason="Needs a specialist")

    with pytest.raises(PermissionDenied):
        _log(world, stale)


@pytest.mark.parametrize("days", [-30, 30])
def test_it_refuses_a_work_date_outside_the_tickets_life(world, days):
    import datetime

    ticket = world.ticket_at("in_progress")
    when = ticket.created_at.date() + datetime.timedelta(days=days)

    with pytest.raises(ValidationFailed) as error:
        _log(world, ticket, work_date=when)

    assert error.value.code == "work_date_out_of_range"


def test_it_refuses_a_day_of_more_than_24_hours(world):
    ticket = world.ticket_at("in_progress")

    with pytest.raises(ValidationFailed) as error:
        _log(world, ticket, minutes=24 * 60 + 1)

    assert "minutes" in error.value.fields


def test_it_refuses_an_approval_signed_with_another_name(world):
    ticket = world.ticket_at("svr_pending")

    with pytest.raises(ValidationFailed) as error:
        world.move(
            ticket, "approve_svr", world.hannah, typed_name="M", declaration=True
        )

    assert error.value.code == "signature_mismatch"
    assert "Hannah Approver" in error.value.fields["typed_name"][0]
    assert Ticket.objects.get(pk=ticket.pk).stage == "svr_pending"


def test_it_accepts_the_name_whatever_its_case_and_spacing(world):
    ticket = world.ticket_at("svr_pending")

    closed = world.move(
        ticket,
        "approve_svr",
        world.hannah,
        typed_name="  hannah   APPROVER ",
        declaration=True,
    )

    assert closed.stage == "closed"


def test_it_refuses_an_approver_the_svr_was_not_issued_to(world):
    ticket = world.ticket_at("svr_pending")
    world.harry_contact.is_approver = True
    world.harry_contact.save()

    with pytest.raises(TransitionNotAllowed):
        world.move(
            ticket,
            "approve_svr",
            world.harry,
            typed_name="Harry Requester",
            declaration=True,
        )


def test_it_refuses_a_comment_longer_than_the_limit(world):
    ticket = world.ticket_at("in_progress")

    with pytest.raises(ValidationFailed) as error:
        services.add_comment(actor(world.sam), ticket, "x" * (services.MAX_BODY + 1))

    assert "body" in error.value.fields


def test_it_resumes_pending_client_on_a_reply_from_any_colleague(world):
    ticket = world.ticket_at("pending_client")  # raised by Harry

    services.add_comment(actor(world.hannah), ticket, "Tray 2, since Monday.")

    assert Ticket.objects.get(pk=ticket.pk).stage == "in_progress"
