"""Issue 8's acceptance path in Chromium: from an approved SVR to a paid invoice on
the BAS.

The client's approver approves the SVR in the portal; Accounts builds and issues the
invoice in the console; the PDF shows the lines and GST; the client finds it in the
portal; a payment marks it paid; the BAS for the period shows it. Screenshots of each
step go to test-results/.
"""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import expect
from pypdf import PdfReader

from stratadesk.clients.models import PortalBranding
from stratadesk.core.models import BusinessProfile
from stratadesk.ledger.documents import render_invoice_pdf
from stratadesk.ledger.models import (
    BillingAgreement,
    Invoice,
    InvoiceStatus,
    LedgerSettings,
)
from stratadesk.notifications.models import EmailDelivery

pytestmark = pytest.mark.browser

SHOTS = Path("test-results")
RENDER = "stratadesk.ledger.documents.render_invoice_pdf"


def _shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / f"ledger-{name}.png", full_page=True)


@pytest.fixture
def books(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    BusinessProfile.objects.create(
        legal_name="Stratadesk Demo MSP Pty Ltd", abn="53004085616"
    )
    ledger = LedgerSettings.current()
    ledger.bank_account_name = "Stratadesk Demo MSP"
    ledger.bank_bsb = "062-000"
    ledger.bank_account_number = "12345678"
    ledger.save()
    BillingAgreement.objects.create(
        client=world.harbour,
        business_hours_rate=Decimal("160.00"),
        monthly_fee=Decimal("500.00"),
    )
    PortalBranding.objects.create(
        client=world.harbour, portal_name="Harbour Legal IT", brand_colour="#5b2a86"
    )
    world.hannah_contact.is_billing = True
    world.hannah_contact.save(update_fields=["is_billing"])
    return world


def _render_queued():
    for queued in DBTaskResult.objects.filter(task_path=RENDER, status="READY"):
        render_invoice_pdf.call(**queued.args_kwargs["kwargs"])
        queued.delete()


def _log_out(page):
    page.get_by_role("button", name="Log out").click()


def test_approved_work_is_invoiced_paid_and_reported(books, page, log_in):
    world = books
    ticket = world.ticket_at("svr_pending")

    # The client's approver approves the SVR in the portal.
    log_in(world.hannah)
    page.goto(f"/portal/tickets/{ticket.number}/svr/1/")
    page.locator("summary", has_text="Approve SVR").click()
    page.get_by_label("Type your full name").fill("Hannah Approver")
    page.get_by_label("I confirm the work described").check()
    page.get_by_role("button", name="Approve SVR").click()
    expect(page.get_by_text(f"{ticket.reference} is now Closed.")).to_be_visible()
    _log_out(page)

    # Accounts finds the work unbilled and builds the client's draft.
    log_in(world.alex)
    page.get_by_role("link", name="Ledger").click()
    unbilled = page.get_by_role("region", name="Charges not yet invoiced")
    expect(unbilled.get_by_role("row", name="Harbour Legal")).to_contain_text("$120.00")
    _shot(page, "1-unbilled-work")
    unbilled.get_by_role("link", name="Harbour Legal").click()
    page.get_by_role("button", name="Build draft invoice").click()
    expect(page.get_by_text("Draft invoice built for Harbour Legal.")).to_be_visible()
    expect(
        page.get_by_text(f"Labour, business hours, {ticket.reference}")
    ).to_be_visible()
    expect(page.locator("#draft-total")).to_have_text("$682.00")
    _shot(page, "2-draft-review")

    # Issued: numbered, posted, queued for the PDF and the billing contact's email.
    page.get_by_role("button", name="Issue invoice").click()
    invoice = Invoice.objects.get()
    expect(page.get_by_text(f"{invoice.reference_number} issued")).to_be_visible()
    expect(page.locator("#invoice-status")).to_have_text("Issued")
    assert EmailDelivery.objects.filter(attach_invoice=invoice.pk).exists()

    # The worker renders the PDF; Accounts downloads it from the invoice's page.
    _render_queued()
    page.reload()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    pdf = Path(download.value.path()).read_bytes()
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Tax invoice" in text
    assert "ABN 53 004 085 616" in text
    assert f"Labour, business hours, {ticket.reference} (hours)" in text
    assert "0.75 $160.00 Taxable $120.00 $12.00 $132.00" in text
    assert "Managed services, monthly fee" in text
    assert "GST $62.00" in text
    assert "Total inc GST $682.00" in text
    assert "BSB 062-000" in text
    _shot(page, "3-issued-invoice")
    _log_out(page)

    # The client sees it in the portal, with its PDF.
    log_in(world.hannah)
    page.get_by_role("link", name="Invoices").click()
    row = page.get_by_role("row", name=invoice.reference_number)
    expect(row).to_contain_text("Issued")
    expect(row).to_contain_text("$682.00")
    expect(row.get_by_role("link", name="PDF")).to_be_visible()
    _shot(page, "4-portal-invoices")
    _log_out(page)

    # Accounts records the client's payment against it.
    log_in(world.alex)
    page.goto(f"/console/ledger/invoices/{invoice.pk}/")
    page.get_by_role("link", name="Record a payment").click()
    expect(page.get_by_label("Amount received")).to_have_value("682.00")
    page.get_by_label("Reference (optional)").fill("EFT 0042")
    _shot(page, "5-payment")
    page.get_by_role("button", name="Record payment").click()
    expect(
        page.get_by_text("Payment of 682.00 from Harbour Legal recorded.")
    ).to_be_visible()
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    page.goto(f"/console/ledger/invoices/{invoice.pk}/")
    expect(page.locator("#invoice-status")).to_have_text("Paid")

    # The BAS for the period shows the sale and its GST, down to the invoice.
    page.get_by_role("link", name="BAS").click()
    expect(page.locator("#label-G1")).to_contain_text("$682")
    expect(page.locator("#label-1A")).to_contain_text("$62")
    expect(page.locator("#bas-9")).to_have_text("$62 payable")
    _shot(page, "6-bas")
    page.get_by_role("link", name="Documents behind G1").click()
    # One row for each of the invoice's lines, each linking to the invoice.
    documents = page.get_by_role("link", name=invoice.reference_number)
    expect(documents).to_have_count(2)
    _shot(page, "7-bas-g1-drilldown")

    # And the client's portal shows it paid.
    _log_out(page)
    log_in(world.hannah)
    page.goto("/portal/invoices/")
    expect(page.get_by_role("row", name=invoice.reference_number)).to_contain_text(
        "Paid"
    )
