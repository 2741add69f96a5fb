"""Invoices as a client's system reads them: /api/v1/invoices with invoices:read."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stratadesk.core.models import BusinessProfile
from stratadesk.ledger import services
from stratadesk.ledger.documents import render_adjustment_note_pdf, render_invoice_pdf
from tests.api.conftest import problem
from tests.fixtures import actor

INVOICES = "/api/v1/invoices"
LINE = {"description": "Support", "unit_price": Decimal("100.00"), "tax_code": "GST"}


def _issued(world, client, day, lines=(LINE,)):
    alex = actor(world.alex)
    draft = services.create_invoice(
        alex, client=client, issue_date=day, lines=list(lines)
    )
    return services.issue_invoice(alex, draft)


@pytest.fixture
def books(world, settings, tmp_path):
    """Harbour Legal's issued invoice with a credit, and its draft; Outback's
    issued invoice and credit."""
    settings.MEDIA_ROOT = tmp_path
    BusinessProfile.objects.create(legal_name="Stratadesk MSP", abn="53004085616")
    alex = actor(world.alex)
    invoice = _issued(
        world,
        world.harbour,
        date(2025, 7, 5),
        [LINE, {**LINE, "description": "Cable", "quantity": Decimal("2")}],
    )
    note = services.issue_adjustment_note(
        alex,
        invoice,
        day=date(2025, 7, 9),
        reason="Billed twice",
        lines=[{**LINE, "unit_price": Decimal("10.00")}],
    )
    draft = services.create_invoice(alex, client=world.harbour, lines=[LINE])
    theirs = _issued(world, world.outback, date(2025, 7, 6))
    their_note = services.issue_adjustment_note(
        alex, theirs, day=date(2025, 7, 9), reason="Theirs", lines=[LINE]
    )
    return {
        "invoice": invoice,
        "note": note,
        "draft": draft,
        "theirs": theirs,
        "their_note": their_note,
    }


@pytest.fixture
def harbour_accounts(as_key):
    """Harbour Legal's accounts system, reading invoices and nothing else."""
    return as_key(scopes=["invoices:read"])


def test_a_client_key_lists_only_its_organisations_issued_invoices(
    books, harbour_accounts
):
    response = harbour_accounts.get(INVOICES)

    assert response.status_code == 200
    listed = response.json()["results"]
    assert [item["id"] for item in listed] == [books["invoice"].pk]
    item = listed[0]
    assert item["number"] == books["invoice"].reference_number
    assert item["client"] == "harbour-legal"
    assert item["status"] == "issued"
    assert (item["total"], item["amount_credited"], item["balance"]) == (
        "330.00",
        "11.00",
        "319.00",
    )
    assert [n["number"] for n in item["adjustment_notes"]] == [
        books["note"].reference_number
    ]
    assert "lines" not in item


def test_the_list_filters_by_status(books, harbour_accounts):
    issued = harbour_accounts.get(INVOICES, {"status": "issued"}).json()
    paid = harbour_accounts.get(INVOICES, {"status": "paid"}).json()
    drafts = harbour_accounts.get(INVOICES, {"status": "draft"}).json()
    bad = harbour_accounts.get(INVOICES, {"status": "lost"})

    assert [item["id"] for item in issued["results"]] == [books["invoice"].pk]
    assert paid["results"] == drafts["results"] == []
    assert bad.status_code == 422
    assert [e["field"] for e in problem(bad)["errors"]] == ["status"]


def test_a_client_key_reads_an_invoice_by_number_with_its_lines_and_notes(
    books, harbour_accounts
):
    invoice = books["invoice"]

    by_number = harbour_accounts.get(f"{INVOICES}/{invoice.reference_number}")
    by_id = harbour_accounts.get(f"{INVOICES}/{invoice.pk}")

    assert by_number.status_code == by_id.status_code == 200
    body = by_number.json()
    assert body == by_id.json()
    assert body["due_date"] == invoice.due_date.isoformat()
    assert (body["net_total"], body["gst_total"], body["total"]) == (
        "300.00",
        "30.00",
        "330.00",
    )
    assert (body["amount_paid"], body["amount_written_off"]) == ("0.00", "0.00")
    assert body["lines"] == [
        {
            "position": 0,
            "description": "Support",
            "quantity": "1.00",
            "unit_price": "100.00",
            "tax_code": "GST",
            "prices_include_gst": False,
            "net": "100.00",
            "gst": "10.00",
            "gross": "110.00",
        },
        {
            "position": 1,
            "description": "Cable",
            "quantity": "2.00",
            "unit_price": "100.00",
            "tax_code": "GST",
            "prices_include_gst": False,
            "net": "200.00",
            "gst": "20.00",
            "gross": "220.00",
        },
    ]
    [note] = body["adjustment_notes"]
    assert note["number"] == books["note"].reference_number
    assert note["date"] == "2025-07-09"
    assert note["reason"] == "Billed twice"
    assert (note["net_total"], note["gst_total"], note["total"]) == (
        "10.00",
        "1.00",
        "11.00",
    )
    assert "account" not in body["lines"][0]
    assert "journal_entry" not in body


def test_a_client_key_downloads_the_kept_pdfs_once_the_worker_rendered_them(
    books, harbour_accounts
):
    invoice, note = books["invoice"], books["note"]
    waiting = harbour_accounts.get(f"{INVOICES}/{invoice.pk}/pdf")
    render_invoice_pdf.call(invoice_id=invoice.pk)
    render_adjustment_note_pdf.call(note_id=note.pk)

    invoice_pdf = harbour_accounts.get(f"{INVOICES}/{invoice.reference_number}/pdf")
    note_pdf = harbour_accounts.get(
        f"/api/v1/adjustment-notes/{note.pk}/pdf",
        headers={"Accept": "application/pdf"},
    )
    listed = harbour_accounts.get(INVOICES).json()["results"][0]

    assert waiting.status_code == 409
    assert problem(waiting)["code"] == "document_not_ready"
    assert invoice_pdf.status_code == note_pdf.status_code == 200
    assert invoice_pdf["Content-Type"] == note_pdf["Content-Type"] == "application/pdf"
    invoice.refresh_from_db()
    note.refresh_from_db()
    assert b"".join(invoice_pdf.streaming_content) == invoice.pdf.read()
    assert b"".join(note_pdf.streaming_content) == note.pdf.read()
    assert listed["pdf_ready"] is True
    assert listed["adjustment_notes"][0]["pdf_ready"] is True


@pytest.mark.parametrize(
    "path",
    [
        "invoices/{theirs}",
        "invoices/{their_number}",
        "invoices/{theirs}/pdf",
        "invoices/{draft}",
        "invoices/{draft}/pdf",
        "adjustment-notes/{their_note}/pdf",
        "invoices/999999",
        "invoices/INV-99999",
        "invoices/not-a-number",
    ],
)
def test_another_clients_invoice_or_a_draft_is_not_found(books, harbour_accounts, path):
    url = "/api/v1/" + path.format(
        theirs=books["theirs"].pk,
        their_number=books["theirs"].reference_number,
        draft=books["draft"].pk,
        their_note=books["their_note"].pk,
    )

    response = harbour_accounts.get(url)

    assert response.status_code == 404
    assert problem(response)["code"] == "not_found"


@pytest.mark.parametrize(
    "path", ["invoices", "invoices/{invoice}", "invoices/{invoice}/pdf"]
)
def test_a_key_without_invoices_read_is_refused(books, as_key, path):
    tickets_only = as_key(scopes=["tickets:read", "tickets:write"])

    response = tickets_only.get("/api/v1/" + path.format(invoice=books["invoice"].pk))

    assert response.status_code == 403
    assert problem(response)["code"] == "scope_missing"


def test_accounts_reads_every_clients_invoices_and_drafts(books, world, as_staff):
    alex = as_staff(world.alex)

    listed = alex.get(INVOICES).json()["results"]
    draft = alex.get(f"{INVOICES}/{books['draft'].pk}")
    draft_pdf = alex.get(f"{INVOICES}/{books['draft'].pk}/pdf")

    assert {item["id"] for item in listed} == {
        books["invoice"].pk,
        books["draft"].pk,
        books["theirs"].pk,
    }
    assert draft.status_code == 200
    assert draft.json()["number"] == ""
    assert draft_pdf.status_code == 409
    assert problem(draft_pdf)["code"] == "invoice_draft"


def test_a_support_engineers_token_is_refused(books, world, as_staff):
    response = as_staff(world.sam).get(INVOICES)

    assert response.status_code == 403
    assert problem(response)["code"] == "permission_denied"


def test_the_list_runs_as_many_queries_for_1_invoice_as_for_12(
    books, world, harbour_accounts
):
    def one_page():
        with CaptureQueriesContext(connection) as queries:
            response = harbour_accounts.get(INVOICES)
        assert response.status_code == 200
        return len(queries), len(response.json()["results"])

    # The key's first use records when it was used; later ones within a minute do
    # not, so the warm-up keeps that write out of the comparison.
    one_page()
    few, listed_few = one_page()
    for day in range(11):
        invoice = _issued(world, world.harbour, date(2025, 8, 1 + day))
        services.issue_adjustment_note(
            actor(world.alex),
            invoice,
            day=date(2025, 8, 20),
            reason="Goodwill",
            lines=[{**LINE, "unit_price": Decimal("5.00")}],
        )
    many, listed_many = one_page()

    assert (listed_few, listed_many) == (1, 12)
    assert many == few


def test_a_pdf_may_be_asked_for_with_the_format_parameter(books, harbour_accounts):
    render_invoice_pdf.call(invoice_id=books["invoice"].pk)

    response = harbour_accounts.get(
        f"{INVOICES}/{books['invoice'].pk}/pdf", {"format": "pdf"}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
