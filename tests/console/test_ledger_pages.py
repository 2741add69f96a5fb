"""The console's ledger pages: Accounts invoices approved work, takes payments,
records bills and reads, downloads and lodges the BAS; nobody else gets in."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from stratadesk.core.models import AuditEvent, BusinessProfile
from stratadesk.ledger import gst, services
from stratadesk.ledger.documents import render_invoice_pdf
from stratadesk.ledger.models import (
    Bill,
    BillingAgreement,
    Invoice,
    InvoiceStatus,
    LedgerSettings,
    LodgedPeriod,
    Payment,
    Supplier,
)
from tests.fixtures import actor

D = Decimal


@pytest.fixture
def books(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    BusinessProfile.objects.create(
        legal_name="Stratadesk Demo MSP Pty Ltd", abn="53004085616"
    )
    LedgerSettings.current()
    BillingAgreement.objects.create(
        client=world.harbour,
        business_hours_rate=D("160.00"),
        monthly_fee=D("500.00"),
        payment_terms_days=14,
    )
    return world


def _today():
    return timezone.localdate()


def _issued(world, amount="100.00", code="GST", day=None):
    alex = actor(world.alex)
    draft = services.create_invoice(
        alex,
        client=world.harbour,
        issue_date=day or _today(),
        lines=[{"description": "Support", "unit_price": D(amount), "tax_code": code}],
    )
    return services.issue_invoice(alex, draft)


def test_accounts_builds_reviews_and_issues_an_invoice_of_approved_work(books, login):
    world = books
    world.ticket_at("closed")
    client = login(world.alex)
    today = _today()

    home = client.get("/console/ledger/")
    built = client.post(
        f"/console/ledger/clients/{world.harbour.pk}/",
        {"start": today.replace(day=1), "end": today},
    )

    assert "Harbour Legal" in home.content.decode()
    draft = Invoice.objects.get()
    assert built.status_code == 302
    assert built["Location"] == f"/console/ledger/invoices/{draft.pk}/"
    review = client.get(built["Location"]).content.decode()
    assert "Labour, business hours" in review
    assert "Managed services, monthly fee" in review
    assert "$682.00" in review  # (500 + 0.75 h x 160) + 10% GST

    added = client.post(
        f"/console/ledger/invoices/{draft.pk}/lines/",
        {
            "line-description": "Toner cartridge",
            "line-quantity": "2",
            "line-unit_price": "45.00",
            "line-tax_code": "GST",
        },
    )
    issued = client.post(f"/console/ledger/invoices/{draft.pk}/issue/")

    assert added.status_code == issued.status_code == 302
    draft.refresh_from_db()
    assert draft.status == InvoiceStatus.ISSUED
    assert (draft.net_total, draft.gst_total, draft.total) == (
        D("710.00"),
        D("71.00"),
        D("781.00"),
    )
    assert AuditEvent.objects.filter(action="invoice.issued").count() == 1


def test_a_refused_line_is_shown_next_to_the_form_and_adds_nothing(books, login):
    client = login(books.alex)
    draft = services.create_invoice(actor(books.alex), client=books.harbour)

    response = client.post(
        f"/console/ledger/invoices/{draft.pk}/lines/",
        {
            "line-description": "Refund",
            "line-quantity": "1",
            "line-unit_price": "-5.00",
            "line-tax_code": "GST",
        },
    )

    assert response.status_code == 422
    assert "Check the quantity and price." in response.content.decode()
    assert not draft.lines.exists()


def test_an_issued_invoice_offers_no_edits_and_refuses_them(books, login):
    invoice = _issued(books)
    client = login(books.alex)

    page = client.get(f"/console/ledger/invoices/{invoice.pk}/").content.decode()
    again = client.post(f"/console/ledger/invoices/{invoice.pk}/issue/")
    edit = client.post(
        f"/console/ledger/invoices/{invoice.pk}/", {"draft-reference": "PO-1"}
    )

    assert "Issue invoice" not in page
    assert "Record a payment" in page
    assert again.status_code == edit.status_code == 409
    invoice.refresh_from_db()
    assert invoice.reference == ""


def test_the_pdf_downloads_once_the_worker_has_rendered_it(books, login):
    invoice = _issued(books)
    client = login(books.alex)
    url = f"/console/ledger/invoices/{invoice.pk}/pdf/"

    before = client.get(url)
    render_invoice_pdf.call(invoice_id=invoice.pk)
    after = client.get(url)

    assert before.status_code == 404
    assert after.status_code == 200
    assert after["Content-Type"] == "application/pdf"


def test_a_payment_allocated_to_an_invoice_marks_it_paid(books, login):
    invoice = _issued(books)
    client = login(books.alex)
    url = f"/console/ledger/clients/{books.harbour.pk}/payment/"

    form = client.get(f"{url}?invoice={invoice.pk}").content.decode()
    paid = client.post(
        url,
        {
            "payment-day": _today(),
            "payment-amount": "110.00",
            "payment-reference": "EFT 1",
            f"payment-allocate_{invoice.pk}": "110.00",
        },
    )

    assert f"Allocate to {invoice.reference_number}" in form
    assert 'value="110.00"' in form
    assert paid.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert "EFT 1" in client.get("/console/ledger/payments/").content.decode()


def test_allocations_that_do_not_add_up_are_refused(books, login):
    invoice = _issued(books)
    client = login(books.alex)

    response = client.post(
        f"/console/ledger/clients/{books.harbour.pk}/payment/",
        {
            "payment-day": _today(),
            "payment-amount": "110.00",
            f"payment-allocate_{invoice.pk}": "50.00",
        },
    )

    assert response.status_code == 422
    assert "must add up to the payment" in response.content.decode()
    assert not Payment.objects.exists()


def test_a_supplier_and_its_bill_are_recorded(books, login):
    client = login(books.alex)

    bad = client.post(
        "/console/ledger/suppliers/",
        {"supplier-name": "Cloud Co", "supplier-abn": "53 004 085 617"},
    )
    added = client.post(
        "/console/ledger/suppliers/",
        {
            "supplier-name": "Cloud Co",
            "supplier-abn": "53-004-085-616",
            "supplier-gst_registered": "on",
        },
    )
    supplier = Supplier.objects.get()
    recorded = client.post(
        "/console/ledger/bills/",
        {
            "bill-supplier": supplier.pk,
            "bill-day": _today(),
            "bill-supplier_reference": "CC-77",
            "line0-description": "SaaS subscription",
            "line0-quantity": "1",
            "line0-unit_price": "1100.00",
            "line0-tax_code": "NCG",
            "line0-prices_include_gst": "on",
        },
    )

    assert bad.status_code == 422
    assert "field--invalid" in bad.content.decode()
    assert added.status_code == 302
    assert supplier.abn == "53004085616"
    bill = Bill.objects.get()
    assert recorded["Location"] == f"/console/ledger/bills/{bill.pk}/"
    assert (bill.total, bill.gst_total) == (D("1100.00"), D("100.00"))


def test_a_blank_bill_line_is_required_where_a_description_is_given(books, login):
    client = login(books.alex)
    supplier = services.create_supplier(actor(books.alex), name="Cloud Co", abn="")

    response = client.post(
        "/console/ledger/bills/",
        {
            "bill-supplier": supplier.pk,
            "bill-day": _today(),
            "line0-description": "Rent",
            "line0-quantity": "1",
            "line0-unit_price": "2200.00",
            "line0-tax_code": "NCF",
            "line1-description": "Cleaning",
        },
    )

    assert response.status_code == 422
    assert "Required for a line with a description." in response.content.decode()
    assert not Bill.objects.exists()


QUARTER = {"start": "2025-07-01", "end": "2025-09-30", "basis": "accruals"}


@pytest.fixture
def quarter(books):
    """G-1's invoice and a GST-free sale in the July quarter of 2025."""
    taxable = _issued(books, "100.00", day=date(2025, 7, 5))
    free = _issued(books, "250.00", code="FRE", day=date(2025, 8, 1))
    return taxable, free


def test_the_bas_shows_every_label_and_both_gst_methods(quarter, login, books):
    client = login(books.alex)

    page = client.get("/console/ledger/bas/", QUARTER).content.decode()

    for label in [*gst.REPORTED_LABELS, "G5", "G9", "G20", "W5", "8A", "8B", "9"]:
        assert f'id="label-{label}"' in page, label
    assert "Accounts method" in page and "Worksheet" in page
    assert "Difference" in page
    assert "Tuesday 28 October 2025" in page
    assert "$10 payable" in page


def test_a_label_drills_down_to_its_documents(quarter, login, books):
    taxable, free = quarter
    client = login(books.alex)

    g1 = client.get("/console/ledger/bas/labels/G1/", QUARTER).content.decode()
    g3 = client.get("/console/ledger/bas/labels/G3/", QUARTER).content.decode()
    g5 = client.get("/console/ledger/bas/labels/G5/", QUARTER).content.decode()

    assert f'href="/console/ledger/invoices/{taxable.pk}/"' in g1
    assert f'href="/console/ledger/invoices/{free.pk}/"' in g1
    assert "$360" in g1
    assert free.reference_number in g3
    assert taxable.reference_number not in g3
    assert free.reference_number in g5


def test_journals_and_notes_drill_down_to_their_own_pages(books, login):
    alex = actor(books.alex)
    invoice = _issued(books, "100.00", day=date(2025, 6, 5))
    note = services.issue_adjustment_note(
        alex,
        invoice,
        day=date(2025, 8, 1),
        reason="Overcharged",
        lines=[{"description": "Work", "unit_price": D("10.00"), "tax_code": "GST"}],
    )
    wages = services.post_wages(
        alex, day=date(2025, 8, 15), gross="1000.00", withheld="200.00"
    )
    client = login(books.alex)

    g18 = client.get("/console/ledger/bas/labels/G18/", QUARTER).text
    w1 = client.get("/console/ledger/bas/labels/W1/", QUARTER).text

    assert f'href="/console/ledger/notes/{note.pk}/"' in g18
    assert f'href="/console/ledger/journals/{wages.number}/"' in w1


def test_the_bas_downloads_as_csv(quarter, login, books):
    client = login(books.alex)

    response = client.get("/console/ledger/bas/csv/", QUARTER)

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert ["G1", "Total sales", "360"] in rows
    assert ["G3", "Other GST-free sales", "250"] in rows
    assert ["1A", "10", "10", "0"] in rows


def test_marking_the_bas_lodged_locks_the_period(quarter, login, books):
    client = login(books.alex)
    lodge = {f"lodge-{key}": value for key, value in QUARTER.items()}

    unconfirmed = client.post("/console/ledger/bas/lodge/", lodge)
    lodged = client.post("/console/ledger/bas/lodge/", {**lodge, "lodge-confirm": "on"})
    page = client.get("/console/ledger/bas/", QUARTER).content.decode()

    assert unconfirmed.status_code == 422
    assert "This field is required." in unconfirmed.content.decode()
    period = LodgedPeriod.objects.get()
    assert lodged.status_code == 302
    assert (period.start, period.end) == (date(2025, 7, 1), date(2025, 9, 30))
    assert "Lodged" in page and "Mark lodged and lock" not in page
    again = client.post("/console/ledger/bas/lodge/", {**lodge, "lodge-confirm": "on"})
    assert again.status_code == 409
    assert "already lodged" in again.content.decode()
    assert LodgedPeriod.objects.count() == 1


@pytest.mark.parametrize(("persona", "status"), [("sam", 403), ("olivia", 403)])
def test_other_staff_are_refused_every_ledger_page(books, login, persona, status):
    invoice = _issued(books)
    client = login(getattr(books, persona))

    pages = [
        "/console/ledger/",
        "/console/ledger/invoices/",
        f"/console/ledger/invoices/{invoice.pk}/",
        "/console/ledger/bas/",
    ]
    statuses = {page: client.get(page).status_code for page in pages}
    posted = client.post(f"/console/ledger/invoices/{invoice.pk}/delete/")

    assert set(statuses.values()) == {status}
    assert posted.status_code == status
    assert Invoice.objects.filter(pk=invoice.pk).exists()


def test_a_client_user_is_told_the_ledger_does_not_exist(books, login):
    client = login(books.hannah)

    assert client.get("/console/ledger/").status_code == 404


def test_the_nav_shows_the_ledger_only_to_those_who_keep_it(books, login):
    accounts = login(books.alex).get("/console/ledger/").content.decode()
    support = login(books.sam).get("/console/").content.decode()

    assert 'href="/console/ledger/"' in accounts
    assert 'href="/console/ledger/"' not in support


def test_paying_a_bill_settles_what_is_owed_to_the_supplier(books, login):
    alex = actor(books.alex)
    supplier = services.create_supplier(alex, name="Cloud Co", abn="53004085616")
    bill = services.record_bill(
        alex,
        supplier=supplier,
        day=_today(),
        lines=[{"description": "SaaS", "unit_price": D("100.00"), "tax_code": "NCG"}],
    )
    client = login(books.alex)
    url = f"/console/ledger/bills/{bill.pk}/"

    page = client.get(url).content.decode()
    too_much = client.post(f"{url}pay/", {"pay-day": _today(), "pay-amount": "500.00"})
    paid = client.post(f"{url}pay/", {"pay-day": _today(), "pay-amount": "110.00"})

    assert 'value="110.00"' in page
    assert too_much.status_code == 422
    assert "more than the 110.00 owing" in too_much.content.decode()
    assert paid.status_code == 302
    bill.refresh_from_db()
    assert bill.status == "paid"


@pytest.mark.parametrize(
    "url",
    ["/console/ledger/invoices/", "/console/ledger/payments/", "/portal/invoices/"],
)
def test_lists_read_the_same_number_of_queries_however_many_invoices(books, login, url):
    def paid_invoice():
        invoice = _issued(books)
        services.receive_payment(
            actor(books.alex),
            client=books.harbour,
            day=_today(),
            amount=invoice.total,
            allocations=[(invoice, invoice.total)],
        )

    client = login(books.hannah if url.startswith("/portal") else books.alex)
    paid_invoice()
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for _ in range(4):
        paid_invoice()
    with CaptureQueriesContext(connection) as five:
        assert client.get(url).status_code == 200

    assert len(five) == len(one)
