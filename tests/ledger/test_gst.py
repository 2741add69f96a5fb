"""The pure GST and BAS rules: worked cases G-1 to G-4 and their properties."""

from datetime import date
from decimal import Decimal
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from stratadesk.ledger import gst

D = Decimal


def totals(lines, rule=gst.Rounding.PER_LINE):
    return gst.invoice_totals([gst.LineInput(*line) for line in lines], rule)


def test_g1_one_taxable_line_ex_gst():
    result = totals([(D("100.00"), "GST")])

    assert result.gst == D("10.00")
    assert result.gross == D("110.00")


def test_g2_gst_inclusive_lines_take_one_eleventh():
    first = gst.line_totals(D("99.99"), "GST", inclusive=True)
    second = gst.line_totals(D("10.00"), "GST", inclusive=True)

    assert (first.gst, first.net) == (D("9.09"), D("90.90"))
    assert (second.gst, second.net) == (D("0.91"), D("9.09"))


G3_LINES = [
    (gst.line_amount(3, D("33.35")), "GST"),
    (gst.line_amount(7, D("12.45")), "GST"),
    (gst.line_amount(1, D("250.00")), "FRE"),
]


def test_g3_per_line_rounding():
    result = totals(G3_LINES, gst.Rounding.PER_LINE)

    assert result.gst == D("18.73")
    assert result.gross == D("455.93")


def test_g3_whole_invoice_rounding():
    result = totals(G3_LINES, gst.Rounding.WHOLE_INVOICE)

    assert result.gst == D("18.72")
    assert result.gross == D("455.92")
    assert sum(line.gst for line in result.lines) == D("18.72")


def test_g4_buyer_identity_from_one_thousand_dollars_including_gst():
    at_threshold = totals([(D("909.09"), "GST")])
    below = totals([(D("909.08"), "GST")])

    assert at_threshold.gross == D("1000.00")
    assert gst.buyer_identity_required(at_threshold.gross)
    assert below.gross == D("999.99")
    assert not gst.buyer_identity_required(below.gross)


def test_half_a_cent_rounds_up_never_to_even():
    assert gst.cents(D("10.005")) == D("10.01")
    assert gst.cents(D("10.015")) == D("10.02")


def test_gst_free_and_input_taxed_lines_carry_no_gst():
    for code in ("EXP", "FRE", "ITS", "NCF", "INP", "N-T"):
        assert totals([(D("123.45"), code)]).gst == D("0")


def test_an_unregistered_supplier_charges_no_gst():
    lines = [gst.LineInput(D("100.00"), "GST")]

    assert gst.invoice_totals(lines, registered=False).gst == D("0")


def test_tax_codes_map_to_their_bas_labels():
    assert gst.tax_code("GST").labels == ("G1",)
    assert gst.tax_code("EXP").labels == ("G1", "G2")
    assert gst.tax_code("FRE").labels == ("G1", "G3")
    assert gst.tax_code("ITS").labels == ("G1", "G4")
    assert gst.tax_code("CAP").labels == ("G10",)
    assert gst.tax_code("NCG").labels == ("G11",)
    assert gst.tax_code("NCF").labels == ("G11", "G14")
    assert gst.tax_code("INP").labels == ("G11", "G13")
    assert gst.tax_code("N-T").labels == ()


def test_bas_labels_truncate_cents_and_derive_from_truncated_labels():
    figures = gst.bas_figures(
        {"G1": D("1099.99"), "G2": D("99.99"), "G3": D("99.99")},
        gst_collected=D("81.99"),
        gst_credits=D("0.99"),
    )

    assert figures.labels["G1"] == 1099
    # G5 is 99 + 99, not the truncation of 199.98.
    assert figures.labels["G5"] == 198
    assert figures.labels["G6"] == 901
    assert figures.labels["G9"] == 81
    assert figures.accounts == {"1A": 81, "1B": 0}


def test_bas_labels_are_never_negative():
    figures = gst.bas_figures({"G1": D("-50")}, gst_collected=D("-5"), gst_credits=0)

    assert all(value >= 0 for value in figures.labels.values())


def test_label_nine_is_a_refund_when_credits_exceed_gst():
    figures = gst.bas_figures({}, gst_collected=D("100"), gst_credits=D("300"))

    assert figures.labels["9"] == 200
    assert figures.refund


def test_quarters_and_months():
    assert gst.period_containing(date(2025, 8, 15), "quarterly") == (
        date(2025, 7, 1),
        date(2025, 9, 30),
    )
    assert gst.period_containing(date(2025, 12, 31), "quarterly") == (
        date(2025, 10, 1),
        date(2025, 12, 31),
    )
    assert gst.period_containing(date(2024, 2, 10), "monthly") == (
        date(2024, 2, 1),
        date(2024, 2, 29),
    )


def test_quarterly_bas_is_due_on_the_28th_of_the_next_month():
    assert gst.due_date(date(2025, 9, 30), "quarterly") == date(2025, 10, 28)


def test_monthly_bas_is_due_on_the_21st_of_the_next_month():
    assert gst.due_date(date(2025, 8, 31), "monthly") == date(2025, 9, 22)
    assert gst.due_date(date(2025, 9, 30), "monthly") == date(2025, 10, 21)


def test_a_due_date_on_a_weekend_moves_to_monday():
    # 28 June 2025 is a Saturday.
    assert gst.due_date(date(2025, 5, 31), "quarterly") == date(2025, 6, 30)


def test_a_due_date_on_a_national_holiday_moves_past_it():
    # 21 April 2025 is Easter Monday, a national public holiday.
    assert gst.due_date(date(2025, 3, 31), "monthly") == date(2025, 4, 22)


# Properties ---------------------------------------------------------------------------

amounts = st.decimals(min_value=D("0.01"), max_value=D("99999.99"), places=2)
codes = st.sampled_from(sorted(gst.SALE_CODES))
line_inputs = st.builds(gst.LineInput, amounts, codes, st.booleans())


@settings(max_examples=50)
@given(st.lists(line_inputs, min_size=1, max_size=12))
def test_per_line_gst_is_the_sum_of_each_lines_rounded_gst(lines):
    result = gst.invoice_totals(lines, gst.Rounding.PER_LINE)
    expected = sum(
        (gst.cents(gst.unrounded_gst(ln.amount, ln.code, inclusive=ln.inclusive))
         for ln in lines),
        D("0"),
    )  # fmt: skip

    assert result.gst == expected
    assert result.gross == result.net + result.gst


@settings(max_examples=50)
@given(st.lists(line_inputs, min_size=1, max_size=12))
def test_whole_invoice_gst_rounds_the_exact_sum_once(lines):
    result = gst.invoice_totals(lines, gst.Rounding.WHOLE_INVOICE)
    exact = sum(
        (gst.unrounded_gst(ln.amount, ln.code, inclusive=ln.inclusive) for ln in lines),
        D("0"),
    )

    assert result.gst == gst.cents(exact)
    assert sum(line.gst for line in result.lines) == result.gst
    assert all(line.gst >= 0 for line in result.lines)


@settings(max_examples=50)
@given(st.data())
def test_cash_attribution_over_partial_payments_sums_to_the_gst(data):
    total = data.draw(st.decimals(min_value=D("0.02"), max_value=D("50000"), places=2))
    tax = gst.cents(total / 11)
    inside = st.decimals(min_value=D("0.01"), max_value=total - D("0.01"), places=2)
    cuts = sorted(set(data.draw(st.lists(inside, max_size=8))))
    marks = [D("0"), *cuts, total]
    payments = [after - before for before, after in pairwise(marks)]

    parts = gst.attribute_cash(tax, total, payments)

    assert sum(parts) == tax
    assert all(part >= 0 for part in parts)
    # Until the last payment, what is attributed never exceeds the GST.
    assert sum(parts[:-1], D("0")) <= tax


@settings(max_examples=50)
@given(
    st.decimals(min_value=D("0"), max_value=D("1000"), places=2),
    st.lists(st.decimals(min_value=D("0"), max_value=D("100"), places=4), min_size=1),
)
def test_allocation_shares_a_total_exactly(total, weights):
    assert sum(gst.allocate(total, weights), D("0")) == total
