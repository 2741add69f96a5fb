"""The invoice PDF: rendered in the worker, meeting every tax-invoice requirement."""

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from stratadesk.clients.models import PortalBranding
from stratadesk.core.errors import ValidationFailed
from stratadesk.core.models import BusinessProfile
from stratadesk.ledger import services
from stratadesk.ledger.documents import render_invoice_pdf
from stratadesk.ledger.models import LedgerSettings
from stratadesk.notifications.models import EmailDelivery, WebhookDelivery
from stratadesk.notifications.tasks import send_email
from stratadesk.notifications.webhooks import create_endpoint
from tests.fixtures import actor, make_contact
from tests.ledger.support import pdf_rows, pdf_text, render_queued

RENDER = "stratadesk.ledger.documents.render_invoice_pdf"
SEND = "stratadesk.notifications.tasks.send_email"
BUYER_ABN = "51824753556"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def branded(books):
    client = books.client
    client.abn = BUYER_ABN
    client.save(update_fields=["abn"])
    PortalBranding.objects.create(
        client=client,
        portal_name="Harbour Legal IT",
        brand_colour="#5b2a86",
        footer_text="Harbour Legal IT is run for us by Stratadesk.",
    )
    ledger = LedgerSettings.current()
    ledger.bank_account_name = "Stratadesk Demo MSP"
    ledger.bank_bsb = "062-000"
    ledger.bank_account_number = "12345678"
    ledger.save()
    return books


def test_it_renders_a_tax_invoice_with_every_requirement(branded):
    invoice = branded.invoice((100, "GST"), (250, "FRE"), day=date(2025, 7, 5))

    render_queued(render_invoice_pdf)

    text = pdf_text(invoice)
    assert "Tax invoice" in text
    assert "Stratadesk Demo MSP Pty Ltd" in text
    assert "ABN 53 004 085 616" in text
    assert "Issue date 5 July 2025" in text
    assert "Due date 19 July 2025" in text
    assert invoice.reference_number in text
    assert "Line 1" in text and "Line 2" in text
    assert "Taxable" in text
    assert "GST-free" in text
    assert "GST $10.00" in text
    assert "Total inc GST $360.00" in text
    # Branded for the client, with the MSP's bank details.
    assert "Harbour Legal IT" in text
    assert "BSB 062-000" in text
    assert "Account number 12345678" in text


def test_a_gst_free_line_is_marked_on_its_own_row(branded):
    invoice = branded.invoice((250, "FRE"), (100, "GST"))

    render_queued(render_invoice_pdf)

    rows = pdf_rows(invoice)
    free = next(row for row in rows if row.startswith("Line 1"))
    taxable = next(row for row in rows if row.startswith("Line 2"))
    assert "GST-free" in free
    assert "Taxable" in taxable


def test_it_names_the_buyer_from_one_thousand_dollars(branded):
    at_threshold = branded.invoice((Decimal("909.09"), "GST"))
    under = branded.invoice((Decimal("909.08"), "GST"))

    render_queued(render_invoice_pdf)

    assert at_threshold.total == Decimal("1000.00")
    assert "Buyer ABN 51 824 753 556" in pdf_text(at_threshold)
    assert under.total == Decimal("999.99")
    assert "Buyer ABN" not in pdf_text(under)


def test_a_buyer_without_an_abn_is_identified_by_name(books):
    invoice = books.invoice((Decimal("2000.00"), "GST"))

    render_queued(render_invoice_pdf)

    assert "Buyer identity: Harbour Legal" in pdf_text(invoice)


def test_a_supplier_not_registered_for_gst_issues_a_plain_invoice(books):
    BusinessProfile.objects.update(gst_registered=False)
    invoice = books.invoice((Decimal("1500.00"), "GST"))

    render_queued(render_invoice_pdf)

    text = pdf_text(invoice)
    assert invoice.gst_total == Decimal("0.00")
    assert "Tax invoice" not in text
    assert "tax invoice" not in text.lower()
    assert "Invoice" in pdf_rows(invoice)
    assert "not registered for GST" in text
    assert "Total $1,500.00" in text


def test_issuing_emails_billing_contacts_with_the_pdf_and_queues_the_webhook(
    books, world
):
    make_contact(books.client, "Bea Billing", "bea@harbour.test", is_billing=True)
    create_endpoint(
        actor(world.ada),
        books.client,
        url="https://hooks.harbour.test/in",
        events=["invoice.issued"],
    )

    invoice = books.invoice((100, "GST"))

    (delivery,) = EmailDelivery.objects.filter(template="invoice_issued")
    assert delivery.to_address == "bea@harbour.test"
    assert delivery.attach_invoice == invoice.pk
    (queued,) = DBTaskResult.objects.filter(task_path=SEND)
    send_email.call(**queued.args_kwargs["kwargs"])
    (sent,) = mail.outbox
    assert invoice.reference_number in sent.subject
    assert "$110.00" in sent.body
    ((name, content, kind),) = sent.attachments
    assert (name, kind) == (f"{invoice.reference_number}.pdf", "application/pdf")
    assert content.startswith(b"%PDF")

    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.event_type == "invoice.issued"
    assert delivery.payload["data"]["invoice"]["number"] == invoice.reference_number
    assert delivery.payload["data"]["invoice"]["total"] == "110.00"


def test_a_refused_issue_queues_nothing(books):
    draft = books.invoice((0, "GST"), issue=False)

    with pytest.raises(ValidationFailed, match="more than zero"):
        services.issue_invoice(books.alex, draft)

    assert not DBTaskResult.objects.filter(task_path__in=[RENDER, SEND]).exists()
