"""The SVR PDF: rendered in the worker, with the work log totals and the decision."""

import io

import pytest
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from stratadesk.svr.documents import render_svr_pdf
from stratadesk.svr.models import ServiceVerificationReport

RENDER = "stratadesk.svr.documents.render_svr_pdf"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _text(svr) -> str:
    svr.refresh_from_db()
    with svr.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def _render_queued():
    for task in DBTaskResult.objects.filter(task_path=RENDER, status="READY"):
        render_svr_pdf.call(**task.args_kwargs["kwargs"])
        task.delete()


def test_issuing_queues_a_pdf_with_the_work_log_totals(world):
    ticket = world.ticket_at("svr_pending")
    svr = ServiceVerificationReport.objects.get(ticket=ticket)

    _render_queued()

    text = _text(svr)
    assert "Service Verification Report" in text
    assert ticket.reference in text
    assert "Total time 45 min" in text
    assert "Billable time 45 min" in text
    assert "Resolution: Met." in text
    assert "Awaiting approval by Hannah Approver" in text
    assert svr.document_hash in text.replace("\n", "")


def test_approval_renders_it_again_with_the_approval_record(world):
    ticket = world.ticket_at("closed")
    svr = ServiceVerificationReport.objects.get(ticket=ticket)

    _render_queued()

    text = _text(svr)
    approval = svr.approvals.get()
    assert "Approved by Hannah Approver (typed name)" in text
    assert "Total time 45 min" in text
    assert approval.document_hash == svr.document_hash
    assert approval.document_hash in text.replace("\n", "")


def test_only_readers_of_the_ticket_download_it(world, client):
    ticket = world.ticket_at("svr_pending")
    _render_queued()
    url = f"/portal/tickets/{ticket.number}/svr/1/pdf/"

    client.force_login(world.hannah)
    mine = client.get(url)
    client.force_login(world.oscar)
    theirs = client.get(url)
    client.force_login(world.olivia)
    staff = client.get(f"/console/tickets/{ticket.number}/svr/1/pdf/")

    assert mine.status_code == 200
    assert mine["Content-Type"] == "application/pdf"
    assert theirs.status_code == 404
    assert staff.status_code == 200
