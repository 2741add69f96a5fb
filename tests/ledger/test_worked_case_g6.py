"""Worked case G-6: the July to September 2025 quarter, through real documents."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from stratadesk.ledger import bas, services
from stratadesk.ledger.models import LedgerSettings

Q_START, Q_END = date(2025, 7, 1), date(2025, 9, 30)


@pytest.fixture
def quarter(books):
    """Every sale, purchase, payment and journal of G-6, GST-inclusive amounts."""
    alex = books.alex
    s1 = books.invoice((11000, "GST", True), day=date(2025, 7, 5))
    s2 = books.invoice((5500, "GST", True), day=date(2025, 8, 15))
    books.invoice((2000, "EXP", True), day=date(2025, 9, 10))
    s4 = books.invoice((800, "FRE", True), day=date(2025, 9, 20))
    books.pay(s2, 5500, date(2025, 10, 10))
    books.pay(s4, 800, date(2025, 10, 5))
    services.post_manual_journal(
        alex,
        day=date(2025, 9, 30),
        memo="Bank interest",
        lines=[
            {"account": books.account("1-1000"), "debit": Decimal("23.47")},
            {
                "account": books.account("4-2000"),
                "credit": Decimal("23.47"),
                "tax_code": "ITS",
            },
        ],
    )

    shop = services.create_supplier(alex, name="Laptop Shop", abn="51 824 753 556")
    cloud = services.create_supplier(alex, name="SaaS Co", abn="53-004-085-616")
    landlord = services.create_supplier(alex, name="Landlord", abn="33 102 417 032")
    contractor = services.create_supplier(
        alex, name="Sub Contractor", abn="", gst_registered=False
    )
    services.record_bill(
        alex,
        supplier=shop,
        day=date(2025, 7, 12),
        lines=[_bill_line("Laptops", 2750, "CAP", books.account("1-1500"))],
    )
    p2 = services.record_bill(
        alex, supplier=cloud, day=date(2025, 8, 1), lines=[_bill_line("SaaS", 1100)]
    )
    services.record_bill(
        alex,
        supplier=landlord,
        day=date(2025, 9, 1),
        lines=[_bill_line("Rent", 2200, "NCG", books.account("6-2000"))],
    )
    services.post_manual_journal(
        alex,
        day=date(2025, 9, 30),
        memo="Bank fees",
        lines=[
            {
                "account": books.account("6-2300"),
                "debit": Decimal("30.00"),
                "tax_code": "NCF",
            },
            {"account": books.account("1-1000"), "credit": Decimal("30.00")},
        ],
    )
    p5 = services.record_bill(
        alex,
        supplier=contractor,
        day=date(2025, 9, 15),
        lines=[_bill_line("Cabling", 1000, "NCF", books.account("5-1100"))],
    )
    services.make_payment(
        alex,
        supplier=cloud,
        day=date(2025, 10, 3),
        amount=Decimal("1100.00"),
        allocations=[(p2, Decimal("1100.00"))],
    )
    services.make_payment(
        alex,
        supplier=contractor,
        day=date(2025, 9, 15),
        amount=Decimal("530.00"),
        allocations=[(p5, Decimal("530.00"))],
    )
    services.post_wages(
        alex, day=date(2025, 9, 30), gross=Decimal("30000"), withheld=Decimal("6000")
    )
    return {"s1": s1, "p5": p5}


def _bill_line(description, amount, code="NCG", account=None):
    line = {
        "description": description,
        "unit_price": Decimal(str(amount)),
        "tax_code": code,
        "prices_include_gst": True,
    }
    if account is not None:
        line["account"] = account
    return line


def test_g6_full_bas_on_the_accruals_basis(quarter):
    labels = bas.bas_report(Q_START, Q_END, "accruals").labels

    assert labels["G1"] == 19323
    assert labels["G2"] == 2000
    assert labels["G3"] == 800
    assert labels["G10"] == 2750
    assert labels["G11"] == 4330
    assert labels["1A"] == 1500
    assert labels["1B"] == 550
    assert labels["W1"] == 30000
    assert labels["W2"] == 6000
    assert labels["W4"] == 470
    assert labels["W5"] == 6470
    assert labels["8A"] == 7970
    assert labels["8B"] == 550
    assert labels["9"] == 7420


def test_g6_label_nine_is_payable(quarter):
    assert not bas.bas_report(Q_START, Q_END, "accruals").refund


def test_g6_simpler_bas(quarter):
    report = bas.bas_report(Q_START, Q_END, "accruals")

    assert report.simpler == {"G1": 19323, "1A": 1500, "1B": 550}


def test_g6_accounts_method_and_worksheet_agree(quarter):
    report = bas.bas_report(Q_START, Q_END, "accruals")

    assert report.accounts == {"1A": 1500, "1B": 550}
    assert report.worksheet == {"1A": 1500, "1B": 550}
    assert report.difference == {"1A": 0, "1B": 0}


def test_g6_derived_labels_come_from_the_truncated_labels(quarter):
    labels = bas.bas_report(Q_START, Q_END, "accruals").labels

    assert labels["G4"] == 23
    assert labels["G5"] == 2823
    assert labels["G6"] == 16500
    assert labels["G9"] == 1500
    assert labels["G14"] == 1030
    assert labels["G17"] == 6050
    assert labels["G20"] == 550


def test_g6_is_due_on_28_october(quarter):
    assert bas.bas_report(Q_START, Q_END, "accruals").due_date == date(2025, 10, 28)


def test_g6_drilldown_names_the_documents_behind_a_label(quarter):
    report = bas.bas_report(Q_START, Q_END, "accruals")

    g1 = report.drilldown["G1"]
    assert sum(fact.amount for fact in g1) == Decimal("19323.47")
    assert quarter["s1"].reference_number in {fact.reference for fact in g1}
    w4 = report.drilldown["W4"]
    assert [fact.amount for fact in w4] == [Decimal("470.00")]


def test_g6_on_the_cash_basis_counts_only_what_was_paid_in_the_quarter(quarter):
    labels = bas.bas_report(Q_START, Q_END, "cash").labels

    # Paid in the quarter: nothing sold, and only the no-ABN contractor bought
    # (its $530 net of withholding settles the whole $1,000 bill).
    assert labels["G1"] == 23
    assert labels["G11"] == 1030
    assert labels["1A"] == 0
    assert labels["1B"] == 0
    assert labels["W5"] == 6470


def test_g6_bas_command_prints_json_labels_as_numbers(quarter, capsys):
    call_command(
        "bas", "--start", "2025-07-01", "--end", "2025-09-30", "--format", "json"
    )
    data = json.loads(capsys.readouterr().out)

    assert data["G1"] == 19323
    assert data["1A"] == 1500
    assert data["W5"] == 6470
    assert data["8A"] == 7970
    assert data["9"] == 7420
    assert data["due_date"] == "2025-10-28"
    assert data["accounts_method"] == {"1A": 1500, "1B": 550}
    assert data["worksheet"] == {"1A": 1500, "1B": 550}


def test_g6_bas_command_prints_a_table(quarter, capsys):
    call_command("bas", "--start", "2025-07-01", "--end", "2025-09-30")
    out = capsys.readouterr().out

    assert "G1             19,323" in out
    assert "9               7,420" in out
    assert "Due 2025-10-28" in out


def test_g6_with_worksheet_method_reports_g9_and_g20(quarter):
    settings = LedgerSettings.current()
    settings.gst_method = "worksheet"
    settings.save()

    labels = bas.bas_report(Q_START, Q_END, "accruals").labels

    assert (labels["1A"], labels["1B"]) == (1500, 550)
