"""The adjustment note as a PDF, emailed and announced in the transaction issuing it."""

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from stratadesk.clients.models import PortalBranding
from stratadesk.core.errors import ValidationFailed
from stratadesk.core.models import BusinessProfile
from stratadesk.ledger import documents, services
from stratadesk.ledger.documents import render_adjustment_note_pdf
from stratadesk.ledger.models import AdjustmentNote
from stratadesk.notifications.models import EmailDelivery, Notice, WebhookDelivery
from stratadesk.notifications.tasks import send_email
from stratadesk.notifications.webhooks import create_endpoint
from tests.fixtures import actor, make_contact
from tests.ledger.support import pdf_rows, pdf_text, render_queued

RENDER = "stratadesk.ledger.documents.render_adjustment_note_pdf"
SEND = "stratadesk.notifications.tasks.send_email"
BUYER_ABN = "51824753556"
NOTE_DAY = date(2025, 7, 20)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def branded(books):
    books.client.abn = BUYER_ABN
    books.client.save(update_fields=["abn"])
    PortalBranding.objects.create(
        client=books.client, portal_name="Harbour Legal IT", brand_colour="#5b2a86"
    )
    return books


def _note(books, invoice, *lines, reason="Line 1 was charged twice"):
    """A note crediting `lines` given as (amount, tax_code)."""
    return services.issue_adjustment_note(
        books.alex,
        invoice,
        day=NOTE_DAY,
        reason=reason,
        lines=[
            {
                "description": f"Credit {index + 1}",
                "unit_price": Decimal(str(amount)),
                "tax_code": code,
            }
            for index, (amount, code) in enumerate(lines)
        ],
    )


def test_it_renders_an_adjustment_note_with_every_requirement(branded):
    invoice = branded.invoice((100, "GST"), (250, "FRE"), day=date(2025, 7, 5))
    note = _note(branded, invoice, (50, "GST"), (100, "FRE"))

    render_queued(render_adjustment_note_pdf)

    text = pdf_text(note)
    assert pdf_rows(note)[1] == "Adjustment note"
    assert "Stratadesk Demo MSP Pty Ltd" in text
    assert "ABN 53 004 085 616" in text
    assert f"Number {note.reference_number}" in text
    assert "Date 20 July 2025" in text
    assert f"For invoice {invoice.reference_number} of 5 July 2025" in text
    assert "Line 1 was charged twice" in text
    assert "GST adjustment $5.00" in text
    assert "Credit ex GST $150.00" in text
    assert "Total credit inc GST $155.00" in text
    assert "Harbour Legal IT" in text
    # The original came to $360: under $1,000, the buyer need not be named.
    assert "Buyer ABN" not in text


def test_each_line_is_marked_taxable_or_gst_free_on_its_own_row(branded):
    invoice = branded.invoice((100, "GST"), (250, "FRE"))
    note = _note(branded, invoice, (100, "FRE"), (50, "GST"))

    render_queued(render_adjustment_note_pdf)

    rows = pdf_rows(note)
    free = next(row for row in rows if row.startswith("Credit 1"))
    taxable = next(row for row in rows if row.startswith("Credit 2"))
    assert "GST-free" in free
    assert "Taxable" in taxable


def test_it_names_the_buyer_when_the_original_invoice_was_one_thousand_dollars(
    branded,
):
    at_threshold = branded.invoice((Decimal("909.09"), "GST"))
    under = branded.invoice((Decimal("909.08"), "GST"))
    big_note = _note(branded, at_threshold, (10, "GST"))
    small_note = _note(branded, under, (10, "GST"))

    render_queued(render_adjustment_note_pdf)

    # The credit is small; what counts is the invoice it adjusts.
    assert big_note.total == small_note.total == Decimal("11.00")
    assert "Buyer ABN 51 824 753 556" in pdf_text(big_note)
    assert "Buyer ABN" not in pdf_text(small_note)


def test_a_supplier_not_registered_for_gst_issues_a_plain_credit_note(books):
    BusinessProfile.objects.update(gst_registered=False)
    invoice = books.invoice((Decimal("1500.00"), "GST"))
    note = _note(books, invoice, (Decimal("200.00"), "GST"))

    render_queued(render_adjustment_note_pdf)

    text = pdf_text(note)
    assert note.gst_total == Decimal("0.00")
    assert pdf_rows(note)[1] == "Credit note"
    assert "adjustment note" not in text.lower()
    assert "tax invoice" not in text.lower()
    assert "not registered for GST" in text
    assert "Total credit $200.00" in text


def test_the_kept_pdf_is_served_again_without_rendering(books, monkeypatch):
    note = _note(books, books.invoice((100, "GST")), (10, "GST"))
    render_queued(render_adjustment_note_pdf)
    note.refresh_from_db()
    rendered_at = note.pdf_rendered_at
    with note.pdf.open("rb") as handle:
        kept = handle.read()
    monkeypatch.setattr(documents, "render_pdf", pytest.fail)

    name, content = documents.pdf_for_email(note)

    assert (name, content) == (f"{note.reference_number}.pdf", kept)
    note.refresh_from_db()
    assert note.pdf_rendered_at == rendered_at


def test_issuing_emails_billing_contacts_with_the_pdf_and_queues_the_webhook(
    books, world
):
    make_contact(books.client, "Bea Billing", "bea@harbour.test", is_billing=True)
    make_contact(
        books.client, "Gone", "gone@harbour.test", is_billing=True, is_active=False
    )
    create_endpoint(
        actor(world.ada),
        books.client,
        url="https://hooks.harbour.test/in",
        events=["adjustment_note.issued"],
    )
    invoice = books.invoice((100, "GST"))
    DBTaskResult.objects.all().delete()
    EmailDelivery.objects.all().delete()

    note = _note(books, invoice, (20, "GST"))

    (delivery,) = EmailDelivery.objects.all()
    assert delivery.template == "adjustment_note_issued"
    assert delivery.to_address == "bea@harbour.test"
    assert delivery.attach_adjustment_note == note.pk
    assert delivery.attach_invoice is None
    assert DBTaskResult.objects.filter(task_path=RENDER).count() == 1
    (queued,) = DBTaskResult.objects.filter(task_path=SEND)
    send_email.call(**queued.args_kwargs["kwargs"])
    (sent,) = mail.outbox
    assert note.reference_number in sent.subject
    assert invoice.reference_number in sent.subject
    assert "$22.00" in sent.body
    assert "GST adjustment of $2.00" in sent.body
    assert "Line 1 was charged twice" in sent.body
    ((name, content, kind),) = sent.attachments
    assert (name, kind) == (f"{note.reference_number}.pdf", "application/pdf")
    assert content.startswith(b"%PDF")

    (hook,) = WebhookDelivery.objects.filter(event_type="adjustment_note.issued")
    data = hook.payload["data"]
    assert data["adjustment_note"]["number"] == note.reference_number
    assert data["adjustment_note"]["gst_total"] == "2.00"
    assert data["invoice"]["number"] == invoice.reference_number


def test_a_note_that_rolls_back_sends_and_renders_nothing(books, world):
    make_contact(books.client, "Bea Billing", "bea@harbour.test", is_billing=True)
    invoice = books.invoice((100, "GST"))
    DBTaskResult.objects.all().delete()
    EmailDelivery.objects.all().delete()

    with pytest.raises(RuntimeError), transaction.atomic():
        _note(books, invoice, (20, "GST"))
        raise RuntimeError("the caller's transaction fails after the note")

    assert not AdjustmentNote.objects.exists()
    assert not EmailDelivery.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert not Notice.objects.filter(event="adjustment_issued").exists()


def test_a_refused_note_queues_nothing(books):
    make_contact(books.client, "Bea Billing", "bea@harbour.test", is_billing=True)
    invoice = books.invoice((100, "GST"))
    DBTaskResult.objects.all().delete()
    EmailDelivery.objects.all().delete()

    with pytest.raises(ValidationFailed, match="more than zero"):
        _note(books, invoice, (500, "GST"))

    assert not AdjustmentNote.objects.exists()
    assert not EmailDelivery.objects.exists()
    assert not DBTaskResult.objects.exists()
