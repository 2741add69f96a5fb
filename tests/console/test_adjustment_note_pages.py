"""The console's adjustment-note pages: Accounts credits an issued invoice from its
page, reads every note and downloads its PDF; bad input changes nothing and nobody
but Accounts and Admins gets in."""

from datetime import date
from decimal import Decimal

import pytest
from django_tasks_db.models import DBTaskResult

from stratadesk.core.models import AuditEvent, BusinessProfile
from stratadesk.ledger import services
from stratadesk.ledger.documents import render_adjustment_note_pdf
from stratadesk.ledger.models import AdjustmentNote, Invoice, JournalEntry
from stratadesk.notifications.models import EmailDelivery
from tests.fixtures import actor, make_contact

D = Decimal
INVOICE_DAY = date(2025, 7, 5)


@pytest.fixture
def invoice(world, settings, tmp_path):
    """Harbour's issued $110.00 invoice, with a billing contact to email."""
    settings.MEDIA_ROOT = tmp_path
    BusinessProfile.objects.create(
        legal_name="Stratadesk Demo MSP Pty Ltd", abn="53004085616"
    )
    make_contact(world.harbour, "Bea Billing", "bea@harbour.test", is_billing=True)
    alex = actor(world.alex)
    draft = services.create_invoice(
        alex,
        client=world.harbour,
        issue_date=INVOICE_DAY,
        lines=[
            {"description": "Support", "unit_price": D("100.00"), "tax_code": "GST"}
        ],
    )
    return services.issue_invoice(alex, draft)


def _form(**changes):
    data = {
        "note-day": "2025-07-09",
        "note-reason": "One hour billed twice",
        "line0-description": "Support, one hour",
        "line0-quantity": "1",
        "line0-unit_price": "20.00",
        "line0-tax_code": "GST",
        "line1-description": "Travel",
        "line1-quantity": "1",
        "line1-unit_price": "5.50",
        "line1-tax_code": "GST",
        "line1-prices_include_gst": "on",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def _books(invoice):
    invoice.refresh_from_db()
    return (
        AdjustmentNote.objects.count(),
        JournalEntry.objects.count(),
        EmailDelivery.objects.count(),
        DBTaskResult.objects.count(),
        AuditEvent.objects.count(),
        invoice.amount_credited,
        invoice.status,
    )


def test_the_invoice_page_offers_the_note_form(world, invoice, login):
    page = login(world.alex).get(f"/console/ledger/invoices/{invoice.pk}/")

    html = page.content.decode()
    assert page.status_code == 200
    assert f'action="/console/ledger/invoices/{invoice.pk}/adjustment-note/"' in html
    assert 'name="note-reason"' in html
    assert 'name="line0-unit_price"' in html
    assert 'name="line2-description"' in html


def test_a_fully_credited_invoice_offers_no_note_form(world, invoice, login):
    services.issue_adjustment_note(
        actor(world.alex),
        invoice,
        day=INVOICE_DAY,
        reason="Cancelled",
        lines=[
            {"description": "Support", "unit_price": D("100.00"), "tax_code": "GST"}
        ],
    )

    html = login(world.alex).get(f"/console/ledger/invoices/{invoice.pk}/").text

    assert 'name="note-reason"' not in html
    assert "Nothing is left to credit" in html


def test_accounts_issues_a_note_from_the_invoice_page(world, invoice, login):
    client = login(world.alex)

    answer = client.post(
        f"/console/ledger/invoices/{invoice.pk}/adjustment-note/", _form()
    )

    note = AdjustmentNote.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == f"/console/ledger/notes/{note.pk}/"
    # $20.00 ex GST plus $5.50 including GST: $22.00 + $5.50, GST $2.00 + $0.50.
    assert (note.total, note.gst_total) == (D("27.50"), D("2.50"))
    assert note.reason == "One hour billed twice"
    assert [line.description for line in note.lines.all()] == [
        "Support, one hour",
        "Travel",
    ]
    invoice.refresh_from_db()
    assert invoice.amount_credited == D("27.50")
    (email,) = EmailDelivery.objects.filter(template="adjustment_note_issued")
    assert email.attach_adjustment_note == note.pk
    page = client.get(answer["Location"]).content.decode()
    assert f"Adjustment note {note.reference_number}" in page
    assert "One hour billed twice" in page
    assert "PDF being prepared" in page


def test_a_blank_optional_line_is_left_out(world, invoice, login):
    form = _form(**{f"line1-{name}": "" for name in ("description", "unit_price")})

    login(world.alex).post(
        f"/console/ledger/invoices/{invoice.pk}/adjustment-note/", form
    )

    assert AdjustmentNote.objects.get().lines.count() == 1


@pytest.mark.parametrize(
    ("changes", "shown"),
    [
        # The service's own refusals, with its messages.
        ({"line0-unit_price": "500.00"}, "The credit must be more than zero"),
        ({"note-day": "2025-07-01"}, "cannot predate its invoice"),
        # The form's: nothing reaches the service.
        ({"note-reason": "   "}, "This field is required."),
        ({"line0-unit_price": "abc"}, "Enter a number."),
        ({"line1-unit_price": ""}, "Required for a line with a description."),
        ({"note-day": ""}, "This field is required."),
    ],
)
def test_bad_input_is_shown_and_changes_nothing(world, invoice, login, changes, shown):
    before = _books(invoice)

    answer = login(world.alex).post(
        f"/console/ledger/invoices/{invoice.pk}/adjustment-note/", _form(**changes)
    )

    assert answer.status_code == 422
    assert shown in answer.content.decode()
    assert 'name="note-reason"' in answer.content.decode()
    assert _books(invoice) == before


def test_a_draft_cannot_be_credited(world, invoice, login):
    draft = services.create_invoice(
        actor(world.alex),
        client=world.harbour,
        lines=[{"description": "Later", "unit_price": D("50.00"), "tax_code": "GST"}],
    )
    before = _books(invoice)

    answer = login(world.alex).post(
        f"/console/ledger/invoices/{draft.pk}/adjustment-note/", _form()
    )

    assert answer.status_code == 409
    assert "issue it first" in answer.content.decode()
    assert _books(invoice) == before
    assert Invoice.objects.get(pk=draft.pk).is_draft


def test_the_list_and_the_pdf_of_a_note(world, invoice, login):
    note = services.issue_adjustment_note(
        actor(world.alex),
        invoice,
        day=date(2025, 7, 9),
        reason="Printer toner returned",
        lines=[{"description": "Toner", "unit_price": D("10.00"), "tax_code": "GST"}],
    )
    client = login(world.ada)
    not_ready = client.get(f"/console/ledger/notes/{note.pk}/pdf/")
    render_adjustment_note_pdf.call(note_id=note.pk)

    listing = client.get("/console/ledger/notes/").content.decode()
    detail = client.get(f"/console/ledger/notes/{note.pk}/").content.decode()
    pdf = client.get(f"/console/ledger/notes/{note.pk}/pdf/")

    assert note.reference_number in listing
    assert "Printer toner returned" in listing
    assert invoice.reference_number in listing
    assert f'href="/console/ledger/notes/{note.pk}/pdf/"' in detail
    assert not_ready.status_code == 404
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("persona", ["sam", "olivia", "harry"])
def test_only_accounts_and_admins_reach_the_note_pages(world, invoice, login, persona):
    note = services.issue_adjustment_note(
        actor(world.alex),
        invoice,
        day=date(2025, 7, 9),
        reason="Walk",
        lines=[{"description": "Toner", "unit_price": D("10.00"), "tax_code": "GST"}],
    )
    render_adjustment_note_pdf.call(note_id=note.pk)
    client = login(getattr(world, persona))
    before = _books(invoice)

    pages = [
        client.get("/console/ledger/notes/"),
        client.get(f"/console/ledger/notes/{note.pk}/"),
        client.get(f"/console/ledger/notes/{note.pk}/pdf/"),
        client.get(f"/console/ledger/invoices/{invoice.pk}/adjustment-note/"),
        client.post(f"/console/ledger/invoices/{invoice.pk}/adjustment-note/", _form()),
    ]

    assert {page.status_code for page in pages} <= {403, 404}
    assert _books(invoice) == before
