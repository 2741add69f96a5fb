"""The portal's SVR pages: pending approvals first, each version readable, decisions."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stratadesk.notifications.models import EmailPreference
from stratadesk.tickets.models import Attachment, Stage, Ticket
from tests.notifications.support import emails_queued


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _detail(ticket, version=1):
    return reverse("portal:svr_detail", args=[ticket.number, version])


def _decide(client, ticket, name, **fields):
    ticket.refresh_from_db()
    data = {"version": ticket.version}
    data.update({f"{name}-{key}": value for key, value in fields.items()})
    url = reverse("portal:svr_decide", args=[ticket.number, name])
    return client.post(url, data, headers={"user-agent": "PortalTest/2.0"})


def test_pending_approvals_come_first_for_the_approver_only(world, login):
    ticket = world.ticket_at("svr_pending")

    mine = login(world.hannah).get(reverse("portal:ticket_list")).text
    theirs = login(world.harry).get(reverse("portal:ticket_list")).text

    assert "Awaiting your approval" in mine
    assert _detail(ticket) in mine
    assert "Awaiting your approval" not in theirs


def test_the_list_shows_each_tickets_sla_state(world, login):
    world.ticket_at("svr_pending")

    html = login(world.hannah).get(reverse("portal:ticket_list")).text

    assert '<th scope="col">SLA</th>' in html
    # No staff reply yet, so the first-response clock still runs.
    assert 'class="badge badge--running">On track</span>' in html


def test_the_list_reads_a_fixed_number_of_queries(world, login):
    client = login(world.hannah)
    world.raise_ticket()
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("portal:ticket_list"))
    for _ in range(8):
        world.raise_ticket()
    with CaptureQueriesContext(connection) as nine:
        client.get(reverse("portal:ticket_list"))

    assert len(nine) == len(one)


def test_htmx_asks_for_the_lists_alone(world, login):
    world.raise_ticket()

    part = login(world.hannah).get(
        reverse("portal:ticket_list"), headers={"HX-Request": "true"}
    )

    assert "<html" not in part.text
    assert "Printer on level 3 jams" in part.text


def test_the_approver_approves_on_the_report_page(world, login):
    ticket = world.ticket_at("svr_pending")
    client = login(world.hannah)
    page = client.get(_detail(ticket)).text
    svr = ticket.svrs.get()

    assert "Your decision" in page
    assert f'value="{svr.document_hash}"' in page
    response = _decide(
        client,
        ticket,
        "approve_svr",
        typed_name="hannah approver",
        declaration="on",
        document_hash=svr.document_hash,
    )

    assert response.status_code == 302
    ticket.refresh_from_db()
    approval = svr.approvals.get()
    assert ticket.stage == Stage.CLOSED
    assert approval.user_agent == "PortalTest/2.0"
    assert approval.ip == "127.0.0.1"
    after = client.get(_detail(ticket)).text
    assert "Approved by hannah approver" in after
    assert "Your decision" not in after


def test_a_rejected_version_stays_readable_beside_the_next(world, login):
    ticket = world.ticket_at("svr_pending")
    client = login(world.hannah)
    _decide(client, ticket, "reject_svr", reason="Tray 2 still jams.")
    ticket.refresh_from_db()
    for name, data in [
        ("resolve", {"resolution_summary": "Replaced tray 2 rollers."}),
        ("issue_svr", {"work_summary": "Rollers."}),
    ]:
        ticket = world.move(ticket, name, world.sam, **data)

    first = client.get(_detail(ticket, 1)).text
    second = client.get(_detail(ticket, 2)).text
    index = client.get(reverse("portal:svr_index")).text

    assert "Rejected" in first and "Tray 2 still jams." in first
    assert "Your decision" not in first
    assert "Your decision" in second and "Rollers." in second
    assert _detail(ticket, 1) in index and _detail(ticket, 2) in index


def test_another_organisations_approver_gets_not_found(world, login):
    ticket = world.ticket_at("svr_pending")
    client = login(world.oscar)

    page = client.get(_detail(ticket))
    decided = _decide(
        client, ticket, "approve_svr", typed_name="Oscar Outsider", declaration="on"
    )
    index = client.get(reverse("portal:svr_index")).text

    ticket.refresh_from_db()
    assert page.status_code == decided.status_code == 404
    assert ticket.stage == Stage.SVR_PENDING
    assert ticket.reference not in index


def test_a_wrong_signature_is_refused_with_the_name_to_type(world, login):
    ticket = world.ticket_at("svr_pending")

    response = _decide(
        login(world.hannah),
        ticket,
        "approve_svr",
        typed_name="Someone Else",
        declaration="on",
        document_hash=ticket.svrs.get().document_hash,
    )

    ticket.refresh_from_db()
    assert response.status_code == 422
    assert "Type your name as we hold it: Hannah Approver." in response.text
    assert ticket.stage == Stage.SVR_PENDING


def test_a_client_who_opts_out_gets_no_svr_email(world, login):
    client = login(world.hannah)
    client.post(reverse("portal:preferences"), {"ticket_updates": "on"})

    world.ticket_at("svr_pending")

    assert EmailPreference.objects.get(user=world.hannah, topic="svr_requests")
    assert emails_queued("svr_issued") == []
    page = client.get(reverse("portal:preferences")).text
    assert 'id="id_ticket_updates" checked' in page
    assert 'id="id_svr_requests">' in page


def test_a_ticket_is_raised_with_its_files(world, login):
    client = login(world.harry)
    files = [
        SimpleUploadedFile("error.txt", b"Paper jam 0x42", content_type="text/plain"),
        SimpleUploadedFile("log.csv", b"page,jam\n2,yes\n", content_type="text/csv"),
    ]

    response = client.post(
        reverse("portal:ticket_create"),
        {"title": "Jams", "description": "See files.", "files": files},
    )

    assert response.status_code == 302
    ticket = Ticket.objects.get(title="Jams")
    names = sorted(ticket.attachments.values_list("original_name", flat=True))
    assert names == ["error.txt", "log.csv"]


def test_a_refused_file_raises_no_ticket(world, login):
    bad = SimpleUploadedFile(
        "run.exe", b"MZ\x90\x00", content_type="application/x-msdos"
    )

    response = login(world.harry).post(
        reverse("portal:ticket_create"),
        {"title": "Jams", "description": "See files.", "files": [bad]},
    )

    assert response.status_code == 422
    assert not Ticket.objects.filter(title="Jams").exists()
    assert not Attachment.objects.exists()
