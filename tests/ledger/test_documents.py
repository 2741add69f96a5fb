"""Invoices, adjustment notes, bills, payments and bad debts through the services."""

from datetime import date
from decimal import Decimal

import pytest

from stratadesk.core.errors import Conflict, PermissionDenied, ValidationFailed
from stratadesk.core.models import AuditEvent, BusinessProfile
from stratadesk.ledger import bas, services
from stratadesk.ledger.models import (
    BillingAgreement,
    Invoice,
    InvoiceStatus,
    JournalEntry,
    LedgerSettings,
    LodgedPeriod,
    Supplier,
)
from tests.fixtures import actor

D = Decimal
JULY = date(2025, 7, 10)


# G-5: ABNs -------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["53 004 085 616", "53-004-085-616"])
def test_g5_spaced_or_hyphenated_abn_is_stored_compact(books, typed):
    supplier = services.create_supplier(books.alex, name="Acme", abn=typed)

    assert Supplier.objects.get(pk=supplier.pk).abn == "53004085616"


def test_g5_abn_failing_the_check_digits_is_refused(books):
    with pytest.raises(ValidationFailed) as refused:
        services.create_supplier(books.alex, name="Acme", abn="53 004 085 617")

    assert "abn" in refused.value.fields
    assert not Supplier.objects.exists()


# Invoices ----------------------------------------------------------------------


def test_issuing_numbers_invoices_without_gaps(books):
    numbers = [books.invoice((100, "GST")).number for _ in range(3)]

    assert numbers == [1, 2, 3]


def test_a_refused_issue_gives_its_number_back(books):
    empty = services.create_invoice(books.alex, client=books.client, issue_date=JULY)
    with pytest.raises(ValidationFailed):
        services.issue_invoice(books.alex, empty)

    assert books.invoice((100, "GST")).number == 1


def test_an_issued_invoice_posts_debtors_income_and_gst(books):
    invoice = books.invoice((100, "GST"))
    lines = {
        line.account.code: (line.debit, line.credit)
        for line in invoice.journal_entry.lines.all()
    }

    assert lines == {
        "1-1100": (D("110.00"), D("0")),
        "4-1000": (D("0"), D("100.00")),
        "2-1100": (D("0"), D("10.00")),
    }
    assert invoice.document_title == "Tax invoice"
    assert AuditEvent.objects.filter(action="invoice.issued").count() == 1


def test_whole_invoice_rounding_is_used_when_configured(books):
    settings = LedgerSettings.current()
    settings.rounding = "whole_invoice"
    settings.save()

    invoice = books.invoice((D("100.05"), "GST"), (D("87.15"), "GST"), (250, "FRE"))

    assert invoice.gst_total == D("18.72")
    assert invoice.total == D("455.92")


def test_due_date_follows_the_clients_payment_terms(books):
    BillingAgreement.objects.create(client=books.client, payment_terms_days=30)

    invoice = books.invoice((100, "GST"), day=JULY)

    assert invoice.due_date == date(2025, 8, 9)


def test_an_issued_invoice_cannot_be_edited_through_the_services(books):
    invoice = books.invoice((100, "GST"))

    with pytest.raises(Conflict):
        services.add_invoice_line(
            books.alex, invoice, description="More", unit_price=D("5"), tax_code="GST"
        )
    with pytest.raises(Conflict):
        services.update_draft_invoice(books.alex, invoice, reference="changed")
    with pytest.raises(Conflict):
        services.issue_invoice(books.alex, invoice)
    with pytest.raises(Conflict):
        services.delete_draft_invoice(books.alex, invoice)

    again = Invoice.objects.get(pk=invoice.pk)
    assert (again.total, again.lines.count(), again.reference) == (D("110.00"), 1, "")


def test_buyer_identity_is_required_from_one_thousand_dollars(books):
    assert books.invoice((D("909.09"), "GST")).buyer_identity_required
    assert not books.invoice((D("909.08"), "GST")).buyer_identity_required


def test_an_unregistered_msp_issues_plain_invoices_without_gst(books):
    BusinessProfile.objects.update(gst_registered=False)

    invoice = books.invoice((100, "GST"))

    assert invoice.document_title == "Invoice"
    assert (invoice.gst_total, invoice.total) == (D("0"), D("100.00"))


def test_support_may_not_keep_the_ledger(books):
    with pytest.raises(PermissionDenied):
        services.create_invoice(actor(books.world.sam), client=books.client)

    assert not Invoice.objects.exists()


def test_a_client_may_not_keep_the_ledger(books):
    with pytest.raises(PermissionDenied):
        services.create_supplier(actor(books.world.hannah), name="Acme")


# Payments ------------------------------------------------------------------------


def test_partial_payments_move_an_invoice_to_partly_paid_then_paid(books):
    invoice = books.invoice((100, "GST"))

    books.pay(invoice, 50, date(2025, 7, 20))
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.PARTLY_PAID

    books.pay(invoice, 60, date(2025, 7, 30))
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.PAID


def test_a_payment_beyond_what_is_owing_is_refused(books):
    invoice = books.invoice((100, "GST"))

    with pytest.raises(ValidationFailed):
        books.pay(invoice, D("110.01"), date(2025, 7, 20))

    assert Invoice.objects.get(pk=invoice.pk).amount_paid == 0


def test_cash_basis_gst_follows_partial_payments(books):
    invoice = books.invoice((1000, "GST"), day=date(2025, 6, 20))
    books.pay(invoice, 550, date(2025, 6, 30))
    books.pay(invoice, 550, date(2025, 7, 15))

    june = bas.bas_report(date(2025, 4, 1), date(2025, 6, 30), "cash")
    september = bas.bas_report(date(2025, 7, 1), date(2025, 9, 30), "cash")

    assert (june.labels["G1"], june.labels["1A"]) == (550, 50)
    assert (september.labels["G1"], september.labels["1A"]) == (550, 50)


def test_accruals_count_an_invoice_paid_before_its_date_when_paid(books):
    invoice = books.invoice((1000, "GST"), day=date(2025, 10, 2))
    books.pay(invoice, 1100, date(2025, 10, 2))

    report = bas.bas_report(date(2025, 10, 1), date(2025, 12, 31), "accruals")

    assert report.labels["G1"] == 1100


# Adjustment notes --------------------------------------------------------------


def _credit(books, invoice, amount, day, code="GST"):
    return services.issue_adjustment_note(
        books.alex,
        invoice,
        day=day,
        reason="Overcharged for labour",
        lines=[
            {"description": "Labour", "unit_price": D(str(amount)), "tax_code": code}
        ],
    )


def test_a_credit_in_the_same_period_reduces_the_sale(books):
    invoice = books.invoice((1000, "GST"), day=date(2025, 7, 5))
    _credit(books, invoice, 100, date(2025, 8, 1))

    labels = bas.bas_report(date(2025, 7, 1), date(2025, 9, 30), "accruals").labels

    assert (labels["G1"], labels["1A"], labels["G18"], labels["1B"]) == (990, 90, 0, 0)


def test_a_credit_for_an_earlier_period_is_an_adjustment(books):
    invoice = books.invoice((1000, "GST"), day=date(2025, 6, 5))
    note = _credit(books, invoice, 100, date(2025, 8, 1))

    labels = bas.bas_report(date(2025, 7, 1), date(2025, 9, 30), "accruals").labels

    assert note.adjusts_earlier_period
    assert (labels["G1"], labels["1A"]) == (0, 0)
    assert (labels["G18"], labels["1B"], labels["G20"]) == (110, 10, 10)


def test_a_credit_needs_a_reason_and_at_most_the_balance(books):
    invoice = books.invoice((100, "GST"))

    with pytest.raises(ValidationFailed):
        services.issue_adjustment_note(
            books.alex,
            invoice,
            day=JULY,
            reason="",
            lines=[{"description": "x", "unit_price": D("1"), "tax_code": "GST"}],
        )
    with pytest.raises(ValidationFailed):
        _credit(books, invoice, 101, JULY)


# Bad debts -----------------------------------------------------------------------


def test_writing_off_a_bad_debt_is_a_decreasing_adjustment(books):
    invoice = books.invoice((1000, "GST"), day=date(2025, 3, 5))

    services.write_off_bad_debt(
        books.alex, invoice, day=date(2025, 8, 1), reason="Client wound up"
    )
    labels = bas.bas_report(date(2025, 7, 1), date(2025, 9, 30), "accruals").labels

    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.WRITTEN_OFF
    assert (labels["G18"], labels["1B"]) == (1100, 100)


def test_recovering_a_bad_debt_is_an_increasing_adjustment(books):
    invoice = books.invoice((1000, "GST"), day=date(2025, 3, 5))
    services.write_off_bad_debt(
        books.alex, invoice, day=date(2025, 4, 1), reason="Client wound up"
    )

    services.recover_bad_debt(books.alex, invoice, day=date(2025, 8, 1), amount=550)
    labels = bas.bas_report(date(2025, 7, 1), date(2025, 9, 30), "accruals").labels

    assert (labels["G7"], labels["1A"]) == (550, 50)


# Bills ---------------------------------------------------------------------------


def test_a_supplier_without_an_abn_has_47_percent_withheld(books):
    contractor = services.create_supplier(
        books.alex, name="Cash Cabling", gst_registered=False
    )

    bill = services.record_bill(
        books.alex,
        supplier=contractor,
        day=JULY,
        lines=[{"description": "Cabling", "unit_price": D("1000"), "tax_code": "NCF"}],
    )

    assert (bill.withheld, bill.payable) == (D("470.00"), D("530.00"))


def test_an_unregistered_supplier_gives_no_gst_credit(books):
    supplier = services.create_supplier(
        books.alex, name="Hobbyist", abn="53 004 085 616", gst_registered=False
    )

    with pytest.raises(ValidationFailed):
        services.record_bill(
            books.alex,
            supplier=supplier,
            day=JULY,
            lines=[{"description": "Parts", "unit_price": D("110"), "tax_code": "NCG"}],
        )


# Lodged periods ------------------------------------------------------------------


@pytest.fixture
def lodged(books):
    draft = services.create_invoice(
        books.alex,
        client=books.client,
        issue_date=date(2025, 9, 1),
        lines=[{"description": "Work", "unit_price": D("100"), "tax_code": "GST"}],
    )
    issued = books.invoice((100, "GST"), day=date(2025, 8, 1))
    services.lodge_period(books.alex, start=date(2025, 7, 1), end=date(2025, 9, 30))
    return {"draft": draft, "issued": issued}


def test_lodging_keeps_the_report_as_lodged(books, lodged):
    from stratadesk.ledger.models import LodgedPeriod

    period = LodgedPeriod.objects.get()

    assert period.report["G1"] == 110
    assert period.report["due_date"] == "2025-10-28"


def test_nothing_is_created_inside_a_lodged_period(books, lodged):
    count = JournalEntry.objects.count()

    with pytest.raises(Conflict):
        services.create_invoice(books.alex, client=books.client, issue_date=JULY)
    with pytest.raises(Conflict):
        services.issue_invoice(books.alex, lodged["draft"])
    with pytest.raises(Conflict):
        books.pay(lodged["issued"], 10, date(2025, 9, 30))
    with pytest.raises(Conflict):
        services.post_wages(books.alex, day=JULY, gross=100, withheld=10)
    with pytest.raises(Conflict):
        _credit(books, lodged["issued"], 10, date(2025, 9, 2))

    assert JournalEntry.objects.count() == count


def test_a_draft_dated_in_a_lodged_period_is_re_dated_and_issued_in_the_open_one(
    books, lodged
):
    # A draft posts nothing: it is moved to the open period, not stuck in the
    # lodged one with the work it bills.
    draft = services.update_draft_invoice(
        books.alex, lodged["draft"], issue_date=date(2025, 10, 1)
    )

    issued = services.issue_invoice(books.alex, draft)

    assert (issued.issue_date, issued.status) == (date(2025, 10, 1), "issued")


def test_a_draft_dated_in_a_lodged_period_may_be_deleted(books, lodged):
    services.delete_draft_invoice(books.alex, lodged["draft"])

    assert not Invoice.objects.filter(pk=lodged["draft"].pk).exists()


def test_corrections_land_in_the_open_period(books, lodged):
    _credit(books, lodged["issued"], 10, date(2025, 10, 1))

    labels = bas.bas_report(date(2025, 10, 1), date(2025, 12, 31), "accruals").labels

    assert (labels["G18"], labels["1B"]) == (11, 1)


def test_a_period_cannot_be_lodged_twice(books, lodged):
    with pytest.raises(Conflict):
        services.lodge_period(books.alex, start=date(2025, 7, 1), end=date(2025, 9, 30))


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        (date(2025, 10, 1), date(2025, 10, 15), "not_a_bas_period"),
        (date(2025, 9, 1), date(2025, 12, 31), "not_a_bas_period"),
        (date(2030, 1, 1), date(2099, 12, 31), "not_a_bas_period"),
        (date(2099, 1, 1), date(2099, 3, 31), "period_not_ended"),
    ],
)
def test_only_a_whole_period_that_is_over_is_lodged(books, start, end, code):
    with pytest.raises(ValidationFailed) as refused:
        services.lodge_period(books.alex, start=start, end=end)

    assert refused.value.code == code
    assert not LodgedPeriod.objects.exists()


def test_on_the_cash_basis_a_credit_reduces_what_payments_collect(books):
    invoice = books.invoice((1000, "GST"), day=date(2025, 6, 20))
    _credit(books, invoice, 100, date(2025, 6, 25))
    books.pay(invoice, 990, date(2025, 7, 10))

    june = bas.bas_report(date(2025, 4, 1), date(2025, 6, 30), "cash").labels
    september = bas.bas_report(date(2025, 7, 1), date(2025, 9, 30), "cash").labels

    assert (june["G1"], june["1A"], june["G18"]) == (0, 0, 0)
    assert (september["G1"], september["1A"]) == (990, 90)
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.PAID


def test_a_paid_invoice_may_still_be_credited(books):
    invoice = books.invoice((100, "GST"))
    books.pay(invoice, 110, date(2025, 7, 20))

    _credit(books, invoice, 10, date(2025, 7, 25))

    assert Invoice.objects.get(pk=invoice.pk).balance == D("-11.00")
