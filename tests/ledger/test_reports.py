"""Trial balance, profit and loss, aged receivables and GST detail per tax code."""

from datetime import date
from decimal import Decimal

import pytest

from stratadesk.ledger import reports, services

D = Decimal


@pytest.fixture
def trading(books):
    """A July of trading: two sales, a bill, a part payment and a credit."""
    alex = books.alex
    big = books.invoice((1100, "GST", True), (200, "FRE", False), day=date(2025, 7, 1))
    small = books.invoice((330, "GST", True), day=date(2025, 7, 20))
    books.pay(big, 500, date(2025, 7, 25))
    services.issue_adjustment_note(
        alex,
        small,
        day=date(2025, 7, 22),
        reason="Discount agreed",
        lines=[
            {
                "description": "Discount",
                "unit_price": "110",
                "tax_code": "GST",
                "prices_include_gst": True,
            }
        ],
    )
    supplier = services.create_supplier(alex, name="Landlord", abn="33 102 417 032")
    services.record_bill(
        alex,
        supplier=supplier,
        day=date(2025, 7, 3),
        lines=[
            {
                "description": "Rent",
                "unit_price": D("440"),
                "tax_code": "NCG",
                "prices_include_gst": True,
                "account": books.account("6-2000"),
            }
        ],
    )
    return {"big": big, "small": small}


def test_the_trial_balance_balances_and_shows_each_account_on_its_side(trading):
    balance = reports.trial_balance(date(2025, 7, 31))
    rows = {row.code: row for row in balance.rows}

    assert balance.balanced
    assert balance.total_debit == balance.total_credit == D("1960.00")
    # Debtors: 1,300 + 330 invoiced, less 500 paid and 110 credited.
    assert (rows["1-1100"].debit, rows["1-1100"].credit) == (D("1020.00"), 0)
    # GST collected: 130 on the sales less the 10 credited.
    assert rows["2-1100"].credit == D("120.00")
    assert rows["1-1200"].debit == D("40.00")
    assert rows["2-1000"].credit == D("440.00")


def test_the_trial_balance_counts_nothing_after_its_date(trading):
    balance = reports.trial_balance(date(2025, 7, 2))

    assert {row.code for row in balance.rows} == {"1-1100", "2-1100", "4-1000"}
    assert balance.total_debit == D("1300.00")


def test_profit_and_loss_excludes_gst_and_nets_credits(trading):
    pnl = reports.profit_and_loss(date(2025, 7, 1), date(2025, 7, 31))

    # 1,000 + 200 + 300 of sales less the 100 credited, all ex GST.
    assert pnl.total_income == D("1400.00")
    assert [(line.code, line.amount) for line in pnl.expenses] == [
        ("6-2000", D("400.00"))
    ]
    assert pnl.total_cost_of_sales == 0
    assert pnl.net_profit == D("1000.00")


def test_aged_receivables_buckets_by_days_since_the_invoice(trading):
    aged = reports.aged_receivables(date(2025, 9, 5))
    by_reference = {row.reference: row for row in aged.invoices}

    big = by_reference[trading["big"].reference_number]
    small = by_reference[trading["small"].reference_number]
    assert (big.outstanding, big.days_old, big.bucket) == (D("800.00"), 66, "60")
    assert (small.outstanding, small.days_old, small.bucket) == (D("220.00"), 47, "30")
    assert big.days_overdue == 66 - 14
    assert aged.buckets == {
        "current": 0,
        "30": D("220.00"),
        "60": D("800.00"),
        "90+": 0,
    }
    assert aged.total == D("1020.00")


def test_aged_receivables_as_of_an_earlier_date_ignores_later_payments(trading):
    aged = reports.aged_receivables(date(2025, 7, 21))

    assert [(row.outstanding, row.bucket) for row in aged.invoices] == [
        (D("1300.00"), "current"),
        (D("330.00"), "current"),
    ]


def test_aged_receivables_leaves_out_what_is_settled(books):
    paid = books.invoice((110, "GST", True), day=date(2025, 1, 1))
    books.pay(paid, 110, date(2025, 1, 10))

    assert reports.aged_receivables(date(2025, 9, 1)).invoices == []


def test_aged_receivables_puts_a_quarter_old_invoice_in_90_plus(books):
    books.invoice((110, "GST", True), day=date(2025, 1, 1))

    (row,) = reports.aged_receivables(date(2025, 4, 15)).invoices

    assert (row.days_old, row.bucket) == (104, "90+")


def _codes(detail):
    return {row.code: (row.net, row.gst) for row in detail.codes if row.gross}


def test_gst_detail_on_accruals_counts_documents_whole_less_credits(trading):
    detail = reports.gst_detail(date(2025, 7, 1), date(2025, 7, 31), "accruals")

    assert _codes(detail) == {
        "GST": (D("1200.00"), D("120.00")),
        "FRE": (D("200.00"), D("0.00")),
        "NCG": (D("400.00"), D("40.00")),
    }


def test_gst_detail_on_cash_counts_what_was_paid(trading):
    detail = reports.gst_detail(date(2025, 7, 1), date(2025, 7, 31), "cash")

    # 500 of the 1,300 invoice was paid: 5/13 of each of its tax codes.
    assert _codes(detail) == {
        "GST": (D("384.62"), D("38.46")),
        "FRE": (D("76.92"), D("0.00")),
    }


def test_gst_detail_counts_bank_interest_from_a_manual_journal(books):
    services.post_manual_journal(
        books.alex,
        day=date(2025, 9, 30),
        memo="Bank interest",
        lines=[
            {"account": books.account("1-1000"), "debit": D("23.47")},
            {
                "account": books.account("4-2000"),
                "credit": D("23.47"),
                "tax_code": "ITS",
            },
        ],
    )

    detail = reports.gst_detail(date(2025, 7, 1), date(2025, 9, 30), "accruals")

    assert _codes(detail) == {"ITS": (D("23.47"), D("0.00"))}


def test_gst_detail_refuses_an_unknown_basis(books):
    with pytest.raises(ValueError):
        reports.gst_detail(date(2025, 7, 1), date(2025, 9, 30), "hybrid")
