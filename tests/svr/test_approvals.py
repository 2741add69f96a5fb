"""Who signs an SVR, what is recorded, and when the ticket closes."""

import pytest

from stratadesk.core.errors import Conflict, TransitionNotAllowed, ValidationFailed
from stratadesk.core.models import AuditEvent
from stratadesk.people.models import Role
from stratadesk.svr.models import SvrApproval, SvrStatus
from stratadesk.tickets import services
from stratadesk.tickets.models import Stage
from tests.fixtures import actor, make_contact, make_user
from tests.notifications.support import emails_queued

HANNAH = {"typed_name": "Hannah Approver", "declaration": True}
HOLLY = {"typed_name": "Holly Second", "declaration": True}


@pytest.fixture
def holly(world):
    user = make_user("holly", Role.CLIENT, client=world.harbour)
    make_contact(
        world.harbour, "Holly Second", "holly@harbour.test", user=user, is_approver=True
    )
    return user


@pytest.fixture
def every_approver(world, holly):
    world.harbour.svr_approval_rule = "all"
    world.harbour.save()


def _sign(world, ticket, who, data, **extra):
    ticket.refresh_from_db()
    return services.transition(
        actor(who), ticket, "approve_svr", data, ip="203.0.113.9", **extra
    )


def test_any_one_approver_closes_it_and_the_signature_is_recorded(world, holly):
    ticket = world.ticket_at("svr_pending")
    svr = ticket.svrs.get()

    _sign(world, ticket, world.hannah, HANNAH, user_agent="Firefox/140")

    ticket.refresh_from_db()
    [approval] = SvrApproval.objects.filter(svr=svr)
    assert ticket.stage == Stage.CLOSED
    assert approval.typed_name == "Hannah Approver"
    assert approval.ip == "203.0.113.9"
    assert approval.user_agent == "Firefox/140"
    assert approval.document_hash == svr.document_hash
    assert len(svr.document_hash) == 64


def test_every_approver_must_sign_when_the_client_says_so(world, every_approver, holly):
    ticket = world.ticket_at("svr_pending")

    _sign(world, ticket, world.hannah, HANNAH)
    ticket.refresh_from_db()
    assert ticket.stage == Stage.SVR_PENDING
    signed = AuditEvent.objects.get(action="svr.signed")
    assert signed.data["awaiting"] == ["Holly Second"]
    # Signed once is done: she has no approval left to give.
    with pytest.raises(TransitionNotAllowed):
        _sign(world, ticket, world.hannah, HANNAH)

    _sign(world, ticket, holly, HOLLY)
    ticket.refresh_from_db()
    assert ticket.stage == Stage.CLOSED
    assert ticket.svrs.get().approvals.count() == 2


def test_one_rejection_sends_it_back_even_after_another_signed(
    world, every_approver, holly
):
    ticket = world.ticket_at("svr_pending")
    _sign(world, ticket, world.hannah, HANNAH)

    ticket.refresh_from_db()
    world.move(ticket, "reject_svr", holly, reason="Level 3 still jams.")

    ticket.refresh_from_db()
    assert ticket.stage == Stage.IN_PROGRESS
    assert ticket.svrs.get().status == SvrStatus.REJECTED


def test_a_report_other_than_the_one_read_is_not_signed(world):
    ticket = world.ticket_at("svr_pending")

    with pytest.raises(Conflict):
        _sign(world, ticket, world.hannah, {**HANNAH, "document_hash": "a" * 64})

    ticket.refresh_from_db()
    assert ticket.stage == Stage.SVR_PENDING
    assert not SvrApproval.objects.exists()


def test_the_fingerprint_shown_is_accepted(world):
    ticket = world.ticket_at("svr_pending")
    shown = ticket.svrs.get().document_hash

    _sign(world, ticket, world.hannah, {**HANNAH, "document_hash": shown.upper()})

    ticket.refresh_from_db()
    assert ticket.stage == Stage.CLOSED


def test_the_engineer_hears_of_the_decision(world):
    ticket = world.ticket_at("svr_pending")
    world.move(ticket, "reject_svr", world.hannah, reason="Still jams on tray 2.")

    [told] = emails_queued("svr_decided")
    assert told["to"] == [world.sam.email]
    assert "Still jams on tray 2." in told["body"]


def test_the_issue_email_carries_the_pdf_and_the_report_link(world):
    ticket = world.ticket_at("svr_pending")

    [issued] = emails_queued("svr_issued")
    assert issued["attach_svr"] == ticket.svrs.get().pk
    assert f"/portal/tickets/{ticket.number}/svr/1/" in issued["body"]


def test_evidence_is_public_files_chosen_for_it(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    ticket = world.ticket_at("resolved")
    shown = services.add_attachment(
        actor(world.sam),
        ticket,
        SimpleUploadedFile("after.txt", b"Prints cleanly now.", "text/plain"),
    )
    hidden = services.add_attachment(
        actor(world.sam),
        ticket,
        SimpleUploadedFile("notes.txt", b"internal", "text/plain"),
        public=False,
    )
    services.set_evidence(actor(world.sam), ticket, shown, True)
    with pytest.raises(ValidationFailed):
        services.set_evidence(actor(world.sam), ticket, hidden, True)

    ticket.refresh_from_db()
    world.move(ticket, "issue_svr", world.sam, work_summary="Fuser replaced.")

    evidence = ticket.svrs.get().content["evidence"]
    assert [item["name"] for item in evidence] == ["after.txt"]


def test_staff_choose_evidence_from_the_console(world, client, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    ticket = world.ticket_at("resolved")
    file = services.add_attachment(
        actor(world.sam),
        ticket,
        SimpleUploadedFile("after.txt", b"Clean print.", "text/plain"),
    )
    client.force_login(world.sam)
    url = f"/console/tickets/{ticket.number}/attachments/{file.pk}/evidence/"

    chosen = client.post(url, {"evidence": "1"})
    page = client.get(f"/console/tickets/{ticket.number}/").text
    client.force_login(world.sasha)
    refused = client.post(url, {"evidence": "0"})

    file.refresh_from_db()
    assert chosen.status_code == 302
    assert "Leave out of the SVR" in page
    assert refused.status_code == 403
    assert file.is_evidence
