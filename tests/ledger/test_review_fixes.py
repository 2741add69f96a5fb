"""Defects a reviewer found in the ledger, each pinned by a test."""

from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.db import DatabaseError, connection, transaction

from stratadesk.core.errors import ValidationFailed
from stratadesk.core.models import BusinessProfile
from stratadesk.ledger import bas, billing, gst, posting, services
from stratadesk.ledger.models import Bill, BillingAgreement, Invoice, LedgerSettings

D = Decimal
JULY = date(2025, 7, 15)
QUARTER = (date(2025, 7, 1), date(2025, 9, 30))


def _bill(books, supplier, code, amount="1100"):
    return services.record_bill(
        books.alex,
        supplier=supplier,
        day=JULY,
        lines=[{"description": "Parts", "unit_price": D(amount), "tax_code": code}],
    )


@pytest.fixture
def vendor(books):
    return services.create_supplier(
        books.alex, name="Parts Wholesale", abn="53 004 085 616"
    )


@pytest.fixture
def unregistered_msp(books):
    BusinessProfile.objects.update(gst_registered=False)
    return books


# 1. An MSP not registered for GST claims no GST credits -----------------------------


@pytest.mark.parametrize("code", ["NCG", "CAP"])
def test_an_unregistered_msp_may_not_claim_gst_on_a_bill(
    unregistered_msp, vendor, code
):
    with pytest.raises(ValidationFailed) as refused:
        _bill(unregistered_msp, vendor, code)

    assert refused.value.code == "no_gst_credit"
    assert list(refused.value.fields) == ["lines[0].tax_code"]
    assert "not registered for GST" in refused.value.message
    assert not Bill.objects.exists()


def test_an_unregistered_msps_bill_carries_no_gst_and_no_refund(
    unregistered_msp, vendor
):
    bill = _bill(unregistered_msp, vendor, "NCF")

    assert (bill.gst_total, bill.total) == (D("0.00"), D("1100.00"))
    assert [line.gst for line in bill.lines.all()] == [D("0.00")]
    report = bas.bas_report(*QUARTER)
    assert (report.labels["1B"], report.worksheet["1B"]) == (0, 0)
    assert not report.refund


# 2. A supplier that quoted no ABN issues no tax invoice -----------------------------


@pytest.fixture
def no_abn_supplier(books):
    # Registered for GST as far as we know, but it quoted no ABN on this bill.
    return services.create_supplier(books.alex, name="Cash Cabling", abn="")


@pytest.mark.parametrize("code", ["NCG", "CAP"])
def test_a_bill_from_a_supplier_without_an_abn_claims_no_gst(
    books, no_abn_supplier, code
):
    with pytest.raises(ValidationFailed) as refused:
        _bill(books, no_abn_supplier, code)

    assert refused.value.code == "no_gst_credit"
    assert list(refused.value.fields) == ["lines[0].tax_code"]
    assert "quoted no ABN" in refused.value.message
    assert not Bill.objects.exists()


def test_a_supplier_without_an_abn_still_has_47_percent_withheld(
    books, no_abn_supplier
):
    bill = _bill(books, no_abn_supplier, "NCF", amount="1000")

    assert (bill.gst_total, bill.withheld, bill.payable) == (
        D("0.00"),
        D("470.00"),
        D("530.00"),
    )
    report = bas.bas_report(*QUARTER)
    assert (report.labels["1B"], report.labels["W4"]) == (0, 470)


# 3. The monthly fee is billed once a month -----------------------------------------


@pytest.fixture
def monthly_fee(books):
    return BillingAgreement.objects.create(client=books.client, monthly_fee=D("500"))


def _fee_months(invoice):
    return [line.fee_month for line in invoice.lines.order_by("position")]


def test_a_month_on_a_draft_is_not_billed_again(books, monthly_fee):
    billing.build_invoice(books.alex, books.client, date(2025, 7, 1), date(2025, 7, 31))

    second = billing.build_invoice(
        books.alex, books.client, date(2025, 7, 1), date(2025, 8, 31)
    )

    assert _fee_months(second) == [date(2025, 8, 1)]
    assert [line.amount for line in second.lines.all()] == [D("500.00")]


def test_a_month_on_an_issued_invoice_is_not_billed_again(books, monthly_fee):
    first = billing.build_invoice(
        books.alex, books.client, date(2025, 7, 1), date(2025, 7, 31)
    )
    services.issue_invoice(books.alex, first, issue_date=date(2025, 8, 1))

    with pytest.raises(ValidationFailed) as refused:
        billing.build_invoice(
            books.alex, books.client, date(2025, 7, 10), date(2025, 7, 20)
        )
    assert refused.value.code == "nothing_to_bill"


def test_a_deleted_draft_frees_its_months(books, monthly_fee):
    first = billing.build_invoice(
        books.alex, books.client, date(2025, 7, 1), date(2025, 7, 31)
    )
    services.delete_draft_invoice(books.alex, first)

    again = billing.build_invoice(
        books.alex, books.client, date(2025, 7, 1), date(2025, 7, 31)
    )

    assert _fee_months(again) == [date(2025, 7, 1)]


def test_another_clients_fee_does_not_count(books, monthly_fee):
    other = books.world.outback
    BillingAgreement.objects.create(client=other, monthly_fee=D("300"))
    billing.build_invoice(books.alex, other, date(2025, 7, 1), date(2025, 7, 31))

    mine = billing.build_invoice(
        books.alex, books.client, date(2025, 7, 1), date(2025, 7, 31)
    )

    assert _fee_months(mine) == [date(2025, 7, 1)]


# 4. Due dates honour observed national holidays -------------------------------------


@pytest.mark.parametrize(
    ("quarter_end", "due"),
    [
        # Australia Day fell on a Saturday and was kept on Monday the 28th everywhere,
        # the day the Oct-Dec BAS would have been due.
        (date(2018, 12, 31), date(2019, 1, 29)),
        (date(2029, 12, 31), date(2030, 1, 29)),
    ],
)
def test_a_bas_due_on_australia_day_observed_moves_to_the_next_day(quarter_end, due):
    assert gst.due_date(quarter_end, gst.Frequency.QUARTERLY) == due


def test_an_observed_new_years_day_moves_the_due_date():
    # 1 January 2022 was a Saturday, kept on Monday the 3rd.
    assert gst.next_business_day(date(2022, 1, 1)) == date(2022, 1, 4)


def test_a_state_only_holiday_does_not_move_the_due_date():
    # Melbourne Cup day (Victoria only) is an ordinary business day elsewhere.
    assert gst.next_business_day(date(2025, 11, 4)) == date(2025, 11, 4)


# 5. Lodging serialises with posting ------------------------------------------------


def test_lodging_and_posting_both_take_the_lodgement_lock(books, vendor):
    # SQLite has no row locks; the PostgreSQL test proves the lock serialises.
    with (
        mock.patch.object(services, "lock_lodgement") as lodging,
        mock.patch.object(posting, "lock_lodgement") as posting_lock,
    ):
        _bill(books, vendor, "NCG")
        services.lodge_period(books.alex, start=QUARTER[0], end=QUARTER[1])

    assert lodging.call_count == 1
    assert posting_lock.call_count == 1


def test_the_lodgement_lock_creates_the_settings_row_it_locks(db):
    with transaction.atomic():
        posting.lock_lodgement()

    assert LedgerSettings.objects.count() == 1


# 6. PostgreSQL freezes an issued invoice's printed text ------------------------------


def _refused(action) -> bool:
    try:
        with transaction.atomic():
            action()
    except DatabaseError:
        return True
    return False


@pytest.mark.postgres_only
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL triggers"
)
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("notes", "Rewritten"),
        ("reference", "PO-999"),
        ("period_start", date(2025, 6, 1)),
        ("period_end", date(2025, 6, 30)),
    ],
)
def test_postgres_refuses_changing_an_issued_invoices_text(books, field, value):
    issued = books.invoice((100, "GST"))

    def raw_update():
        # Around the model's own refusal, to reach the trigger itself.
        with connection.cursor() as cursor:
            # The column is one of the parametrised names above, never input.
            column = connection.ops.quote_name(field)
            cursor.execute(
                f"UPDATE ledger_invoice SET {column} = %s WHERE id = %s",  # noqa: S608
                [value, issued.pk],
            )

    assert _refused(raw_update)
    issued.refresh_from_db()
    assert getattr(issued, field) != value


@pytest.mark.postgres_only
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL triggers"
)
def test_postgres_still_lets_the_pdf_and_a_drafts_notes_change(books):
    issued = books.invoice((100, "GST"))
    draft = books.invoice((100, "GST"), issue=False)

    assert not _refused(
        lambda: Invoice.objects.filter(pk=issued.pk).update(
            pdf="invoices/INV-00001.pdf", pdf_rendered_at=issued.issued_at
        )
    )
    assert not _refused(
        lambda: Invoice.objects.filter(pk=draft.pk).update(notes="Still a draft")
    )
