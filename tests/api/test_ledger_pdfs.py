"""Invoice and adjustment-note PDFs over the API, for Accounts and Admin tokens."""

from datetime import date
from decimal import Decimal

import pytest

from stratadesk.core.models import BusinessProfile
from stratadesk.ledger import services
from stratadesk.ledger.documents import render_adjustment_note_pdf, render_invoice_pdf
from tests.api.conftest import problem
from tests.fixtures import actor

LEDGER = "/api/v1/ledger"
LINE = {"description": "Support", "unit_price": Decimal("100.00"), "tax_code": "GST"}


@pytest.fixture
def documents(world, settings, tmp_path):
    """An issued invoice and a note on it, both rendered, and a draft."""
    settings.MEDIA_ROOT = tmp_path
    BusinessProfile.objects.create(legal_name="Stratadesk MSP", abn="53004085616")
    alex = actor(world.alex)
    invoice = services.issue_invoice(
        alex,
        services.create_invoice(
            alex, client=world.harbour, issue_date=date(2025, 7, 5), lines=[LINE]
        ),
    )
    note = services.issue_adjustment_note(
        alex,
        invoice,
        day=date(2025, 7, 9),
        reason="Billed twice",
        lines=[{**LINE, "unit_price": Decimal("10.00")}],
    )
    draft = services.create_invoice(alex, client=world.harbour, lines=[LINE])
    return {"invoice": invoice, "note": note, "draft": draft}


def _kept(document) -> bytes:
    document.refresh_from_db()
    with document.pdf.open("rb") as handle:
        return handle.read()


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_accounts_downloads_the_kept_pdfs(world, documents, as_staff):
    render_invoice_pdf.call(invoice_id=documents["invoice"].pk)
    render_adjustment_note_pdf.call(note_id=documents["note"].pk)
    alex = as_staff(world.alex)

    invoice = alex.get(f"{LEDGER}/invoices/{documents['invoice'].pk}/pdf")
    note = alex.get(
        f"{LEDGER}/adjustment-notes/{documents['note'].pk}/pdf",
        headers={"Accept": "application/pdf"},
    )

    assert invoice.status_code == note.status_code == 200
    assert invoice["Content-Type"] == note["Content-Type"] == "application/pdf"
    assert _body(invoice) == _kept(documents["invoice"])
    assert _body(note) == _kept(documents["note"])
    assert documents["note"].reference_number in note["Content-Disposition"]


def test_a_pdf_not_yet_rendered_or_a_draft_is_a_conflict(world, documents, as_staff):
    admin = as_staff(world.ada)

    waiting = admin.get(
        f"{LEDGER}/adjustment-notes/{documents['note'].pk}/pdf",
        headers={"Accept": "application/pdf"},
    )
    draft = admin.get(f"{LEDGER}/invoices/{documents['draft'].pk}/pdf")
    missing = admin.get(f"{LEDGER}/adjustment-notes/999999/pdf")

    assert waiting.status_code == draft.status_code == 409
    assert waiting["Content-Type"].startswith("application/problem+json")
    assert problem(waiting)["code"] == "document_not_ready"
    assert problem(draft)["code"] == "invoice_draft"
    assert missing.status_code == 404


@pytest.mark.parametrize("persona", ["sam", "olivia"])
def test_other_staff_are_refused(world, documents, as_staff, persona):
    render_adjustment_note_pdf.call(note_id=documents["note"].pk)
    caller = as_staff(getattr(world, persona))

    answer = caller.get(f"{LEDGER}/adjustment-notes/{documents['note'].pk}/pdf")

    assert answer.status_code == 403


def test_a_client_key_never_reaches_the_ledger(documents, harbour):
    render_adjustment_note_pdf.call(note_id=documents["note"].pk)

    answer = harbour.get(f"{LEDGER}/adjustment-notes/{documents['note'].pk}/pdf")

    assert answer.status_code == 403
