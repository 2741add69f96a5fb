"""SVRs over the API: read, approve and reject in a named approver's name."""

from stratadesk.svr.models import ServiceVerificationReport
from stratadesk.tickets.models import Ticket
from tests.api.conftest import field_errors


def _svr(ticket, verb=""):
    return f"/api/v1/tickets/{ticket.number}/svr" + (f"/{verb}" if verb else "")


APPROVAL = {
    "typed_name": "Hannah Approver",
    "declaration": True,
    "approver": "hannah@harbour.test",
}


def test_it_reads_the_latest_svr(world, harbour):
    ticket = world.ticket_at("svr_pending")

    body = harbour.get(_svr(ticket)).json()

    assert body["version"] == 1
    assert body["status"] == "pending"
    assert body["approvers"] == ["hannah@harbour.test"]


def test_it_answers_404_when_there_is_no_svr(world, harbour):
    ticket = world.ticket_at("in_progress")

    response = harbour.get(_svr(ticket))

    assert response.status_code == 404
    assert response.json()["code"] == "no_svr"


def test_it_approves_in_the_approvers_name_and_closes_the_ticket(world, harbour):
    ticket = world.ticket_at("svr_pending")

    response = harbour.post(_svr(ticket, "approve"), APPROVAL)

    assert response.status_code == 200, response.content
    assert response.json()["stage"] == "closed"
    svr = ServiceVerificationReport.objects.get(ticket=ticket)
    assert svr.status == "approved"
    assert svr.typed_name == "Hannah Approver"


def test_it_rejects_with_a_reason_back_to_in_progress(world, harbour):
    ticket = world.ticket_at("svr_pending")

    response = harbour.post(
        _svr(ticket, "reject"),
        {"reason": "Printer still jams", "approver": "hannah@harbour.test"},
    )

    assert response.status_code == 200
    assert Ticket.objects.get(pk=ticket.pk).stage == "in_progress"


def test_it_refuses_a_contact_who_is_not_an_approver(world, harbour):
    ticket = world.ticket_at("svr_pending")

    response = harbour.post(
        _svr(ticket, "approve"),
        {**APPROVAL, "typed_name": "Harry Requester", "approver": "harry@harbour.test"},
    )

    assert response.status_code in (403, 409)
    assert Ticket.objects.get(pk=ticket.pk).stage == "svr_pending"


def test_it_refuses_a_key_without_the_svr_scope(world, as_key):
    ticket = world.ticket_at("svr_pending")
    reader = as_key(scopes=["tickets:read", "tickets:write"])

    response = reader.post(_svr(ticket, "approve"), APPROVAL)

    assert response.status_code in (403, 409)
    assert Ticket.objects.get(pk=ticket.pk).stage == "svr_pending"


def test_it_needs_the_declaration_and_the_approver(world, harbour):
    ticket = world.ticket_at("svr_pending")

    response = harbour.post(_svr(ticket, "approve"), {"typed_name": "Hannah"})

    assert response.status_code == 422
    assert "declaration" in field_errors(response)


def test_it_refuses_staff_approving_on_a_clients_behalf(world, as_staff):
    ticket = world.ticket_at("svr_pending")

    response = as_staff(world.olivia).post(
        _svr(ticket, "approve"), {"typed_name": "Olivia", "declaration": True}
    )

    assert response.status_code in (403, 409)
    assert Ticket.objects.get(pk=ticket.pk).stage == "svr_pending"


def test_it_answers_404_for_another_organisations_svr(world, outback):
    ticket = world.ticket_at("svr_pending")

    assert outback.get(_svr(ticket)).status_code == 404
    response = outback.post(
        _svr(ticket, "approve"),
        {**APPROVAL, "approver": "oscar@outback.test", "typed_name": "Oscar Outsider"},
    )
    assert response.status_code == 404
    assert Ticket.objects.get(pk=ticket.pk).stage == "svr_pending"


def test_it_lists_the_approvers_moves_to_a_client_key_and_takes_them(world, harbour):
    ticket = world.ticket_at("svr_pending")

    moves = harbour.get(f"/api/v1/tickets/{ticket.number}").json()[
        "allowed_transitions"
    ]
    approve = next(move for move in moves if move["name"] == "approve_svr")
    approver = next(f for f in approve["fields"] if f["name"] == "approver")
    moved = harbour.post(
        f"/api/v1/tickets/{ticket.number}/transitions",
        {"to": "closed", **APPROVAL},
    )

    assert approver["choices"] == ["hannah@harbour.test"]
    assert {m["name"] for m in moves} >= {"approve_svr", "reject_svr"}
    assert moved.status_code == 200, moved.content
    assert moved.json()["stage"] == "closed"


def test_it_lists_no_decisions_to_a_key_without_the_svr_scope(world, as_key):
    ticket = world.ticket_at("svr_pending")
    writer = as_key(scopes=["tickets:read", "tickets:write"])

    moves = writer.get(f"/api/v1/tickets/{ticket.number}").json()["allowed_transitions"]

    assert moves == []


def test_approving_against_another_document_is_a_conflict(world, harbour):
    ticket = world.ticket_at("svr_pending")

    response = harbour.post(
        _svr(ticket, "approve"), {**APPROVAL, "document_hash": "0" * 64}
    )

    assert response.status_code == 409
    assert response.json()["code"] == "svr_document_changed"
    assert Ticket.objects.get(pk=ticket.pk).stage == "svr_pending"


def test_the_approval_record_and_every_version_are_readable(world, harbour):
    ticket = world.ticket_at("svr_pending")
    first = harbour.get(_svr(ticket)).json()
    harbour.post(
        _svr(ticket, "reject"),
        {"reason": "Tray 2", "approver": "hannah@harbour.test"},
    )
    ticket.refresh_from_db()
    world.move(ticket, "resolve", world.sam, resolution_summary="Rollers.")
    ticket.refresh_from_db()
    world.move(ticket, "issue_svr", world.sam, work_summary="Rollers replaced.")
    latest = harbour.get(_svr(ticket)).json()
    approved = harbour.post(
        _svr(ticket, "approve"), {**APPROVAL, "document_hash": latest["document_hash"]}
    )

    versions = harbour.get(_svr(ticket, "versions")).json()

    assert approved.status_code == 200, approved.content
    assert [v["version"] for v in versions] == [2, 1]
    assert [v["status"] for v in versions] == ["approved", "rejected"]
    assert versions[1]["document_hash"] == first["document_hash"]
    [approval] = versions[0]["approvals"]
    assert approval["approver"] == "hannah@harbour.test"
    assert approval["channel"] == "api"
    assert approval["document_hash"] == latest["document_hash"]


# The PDF ----------------------------------------------------------------------------


def _pdf(ticket, version=1):
    return f"/api/v1/tickets/{ticket.number}/svr/versions/{version}/pdf"


def test_the_pdf_is_pending_until_the_worker_renders_it(world, harbour):
    ticket = world.ticket_at("svr_pending")

    response = harbour.get(_pdf(ticket))

    assert response.status_code == 404
    assert response.json()["code"] == "pdf_pending"


def test_the_kept_pdf_downloads(world, harbour, settings, tmp_path):
    import io

    from pypdf import PdfReader

    from stratadesk.svr.documents import render_svr_pdf

    settings.MEDIA_ROOT = tmp_path
    ticket = world.ticket_at("svr_pending")
    svr = ServiceVerificationReport.objects.get(ticket=ticket)
    render_svr_pdf.call(svr_id=svr.pk)
    svr.refresh_from_db()

    response = harbour.get(_pdf(ticket))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    assert ticket.reference in text
    with svr.pdf.open("rb") as kept:
        assert body == kept.read()


def test_another_clients_key_and_unknown_versions_get_404(world, outback, harbour):
    ticket = world.ticket_at("svr_pending")

    assert outback.get(_pdf(ticket)).status_code == 404
    assert harbour.get(_pdf(ticket, version=7)).status_code == 404
