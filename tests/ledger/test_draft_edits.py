"""Editing a draft invoice in place, throwing lines or drafts away, and suppliers.

Alex (Accounts) reviews a draft built from Harbour Legal's unbilled work: a line is
corrected, a line removed gives its charge back to the unbilled list, and a deleted
draft gives back every charge and fee month it billed.
"""

from datetime import date
from decimal import Decimal

import pytest

from stratadesk.core.errors import Conflict, ValidationFailed
from stratadesk.core.models import AuditEvent
from stratadesk.ledger import billing, gst, services
from stratadesk.ledger.models import (
    Bill,
    BillingAgreement,
    Invoice,
    InvoiceLine,
    JournalLine,
    LedgerSettings,
    UnbilledCharge,
)

D = Decimal
JULY = (date(2025, 7, 1), date(2025, 7, 31))


@pytest.fixture
def agreement(books):
    return BillingAgreement.objects.create(
        client=books.client, business_hours_rate=D("160.00"), monthly_fee=D("500.00")
    )


@pytest.fixture
def built(books, agreement, world):
    """A draft of July's fee and the work of a closed ticket's approved SVR."""
    world.ticket_at("closed")
    UnbilledCharge.objects.update(date=date(2025, 7, 20))
    return billing.build_invoice(books.alex, books.client, *JULY)


def _line_values(invoice):
    return list(
        invoice.lines.order_by("position").values_list("description", "net", "gst")
    )


# Editing a line ---------------------------------------------------------------------


def test_it_edits_a_draft_line_and_works_the_totals_out_again(books):
    draft = books.invoice((100, "GST"), (50, "GST"), issue=False)
    line = draft.lines.get(position=0)

    services.update_invoice_line(
        books.alex, line, description="Onsite, 2 hours", quantity="2", unit_price="80"
    )

    draft.refresh_from_db()
    line.refresh_from_db()
    assert (line.description, line.quantity, line.unit_price) == (
        "Onsite, 2 hours",
        D("2.00"),
        D("80.00"),
    )
    assert (line.net, line.gst) == (D("160.00"), D("16.00"))
    assert (draft.net_total, draft.gst_total, draft.total) == (
        D("210.00"),
        D("21.00"),
        D("231.00"),
    )
    event = AuditEvent.objects.get(action="invoice.line_updated")
    assert event.data["description"] == "Onsite, 2 hours"


def test_an_edited_line_uses_the_whole_invoice_rule_when_that_is_chosen(books):
    # G-3: 3 x 33.35 and 7 x 12.45 taxable, 250.00 GST-free, ex-GST prices.
    LedgerSettings.objects.update(rounding=gst.Rounding.WHOLE_INVOICE)
    draft = books.invoice((1, "GST"), (12.45, "GST"), (250, "FRE"), issue=False)
    first, second, _ = draft.lines.order_by("position")

    services.update_invoice_line(books.alex, first, quantity="3", unit_price="33.35")
    services.update_invoice_line(books.alex, second, quantity="7")

    draft.refresh_from_db()
    assert (draft.gst_total, draft.total) == (D("18.72"), D("455.92"))
    # The lines' shares of the GST were saved again, and add up to the invoice's.
    assert sum(draft.lines.values_list("gst", flat=True), D("0")) == D("18.72")


def test_an_edited_line_may_switch_to_gst_inclusive_prices(books):
    draft = books.invoice((99.99, "GST"), issue=False)

    services.update_invoice_line(books.alex, draft.lines.get(), prices_include_gst=True)

    assert _line_values(draft) == [("Line 1", D("90.90"), D("9.09"))]


def test_it_refuses_a_bad_edit_and_changes_nothing(books):
    draft = books.invoice((100, "GST"), issue=False)
    line = draft.lines.get()
    before = (_line_values(draft), AuditEvent.objects.count())

    for bad in ({"tax_code": "NCG"}, {"quantity": "0"}, {"unit_price": "1.005"}):
        with pytest.raises(ValidationFailed):
            services.update_invoice_line(books.alex, line, **bad)
    with pytest.raises(ValidationFailed) as refused:
        services.update_invoice_line(books.alex, line, account="4-2000")

    assert "account" in str(refused.value)
    assert (_line_values(draft), AuditEvent.objects.count()) == before


def test_a_refused_tax_code_names_the_lines_own_field(books):
    draft = books.invoice((100, "GST"), issue=False)

    with pytest.raises(ValidationFailed) as refused:
        services.update_invoice_line(books.alex, draft.lines.get(), tax_code="NCG")

    assert set(refused.value.fields) == {"tax_code"}


def test_an_issued_invoices_line_cannot_be_edited(books):
    issued = books.invoice((100, "GST"))

    with pytest.raises(Conflict) as refused:
        services.update_invoice_line(books.alex, issued.lines.get(), unit_price="1.00")

    assert refused.value.code == "invoice_issued"
    assert issued.lines.get().unit_price == D("100.00")


# Removing lines and drafts ----------------------------------------------------------


def test_a_removed_charge_line_is_unbilled_again(books, built):
    charge = UnbilledCharge.objects.get()
    line = charge.invoice_line

    services.remove_invoice_line(books.alex, line)

    charge.refresh_from_db()
    assert charge.invoice_line is None
    assert not InvoiceLine.objects.filter(pk=line.pk).exists()
    built.refresh_from_db()
    assert (built.net_total, built.gst_total) == (D("500.00"), D("50.00"))
    # The next build for the client bills it again, and only it: July's fee stays.
    again = billing.build_invoice(books.alex, books.client, *JULY)
    assert [line.amount for line in again.lines.all()] == [
        charge.unit_price * D("0.75")
    ]


def test_a_deleted_draft_releases_its_charges_and_fee_months(books, built):
    services.delete_draft_invoice(books.alex, built)

    assert not Invoice.objects.exists()
    assert UnbilledCharge.objects.get().invoice_line is None
    rebuilt = billing.build_invoice(books.alex, books.client, *JULY)
    assert [line.fee_month for line in rebuilt.lines.order_by("position")] == [
        date(2025, 7, 1),
        None,
    ]
    assert UnbilledCharge.objects.get().invoice_line.invoice == rebuilt


# Suppliers --------------------------------------------------------------------------


def _no_abn_bill(books):
    supplier = services.create_supplier(books.alex, name="Sub Contractor")
    bill = services.record_bill(
        books.alex,
        supplier=supplier,
        day=date(2025, 9, 15),
        lines=[{"description": "Cabling", "unit_price": "1000.00", "tax_code": "NCF"}],
    )
    return supplier, bill


def _bill_state(bill):
    bill.refresh_from_db()
    lines = JournalLine.objects.filter(entry=bill.journal_entry)
    return (
        bill.total,
        bill.withheld,
        bill.gst_total,
        list(lines.values_list("account_id", "debit", "credit", "bas_label")),
    )


def test_it_updates_a_supplier_storing_the_abn_compact(books):
    supplier, bill = _no_abn_bill(books)
    before = _bill_state(bill)

    updated = services.update_supplier(
        books.alex,
        supplier,
        name="Sub Contractor Pty Ltd",
        abn="53-004-085-616",
        email="accounts@sub.test",
    )

    assert (updated.name, updated.abn, updated.email) == (
        "Sub Contractor Pty Ltd",
        "53004085616",
        "accounts@sub.test",
    )
    # What was withheld from the bill recorded before stays as it was.
    assert _bill_state(bill) == before
    assert before[1] == D("470.00")
    event = AuditEvent.objects.get(action="supplier.updated")
    assert event.data["abn"] == {"from": "", "to": "53004085616"}


def test_it_refuses_a_bad_abn_or_a_blank_name_and_changes_nothing(books):
    supplier, _ = _no_abn_bill(books)
    before = AuditEvent.objects.count()

    with pytest.raises(ValidationFailed) as bad_abn:
        services.update_supplier(books.alex, supplier, abn="53 004 085 617")
    with pytest.raises(ValidationFailed):
        services.update_supplier(books.alex, supplier, name="  ")

    supplier.refresh_from_db()
    assert (supplier.name, supplier.abn) == ("Sub Contractor", "")
    assert "abn" in bad_abn.value.fields
    assert AuditEvent.objects.count() == before
    assert Bill.objects.count() == 1


def test_an_edit_that_changes_nothing_records_nothing(books):
    supplier, _ = _no_abn_bill(books)
    line = books.invoice((100, "GST"), issue=False).lines.get()
    before = AuditEvent.objects.count()

    services.update_supplier(books.alex, supplier, name="Sub Contractor")
    services.update_invoice_line(books.alex, line, description="Line 1")

    assert AuditEvent.objects.count() == before
