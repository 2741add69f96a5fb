"""GST and BAS arithmetic: plain Python on Decimals, no database.

The rules are those of ../shared/brief/GST_BAS.md: cents round half up, GST is 10% of
an exclusive value or 1/11 of an inclusive price, the invoice's rounding rule is per
line or whole invoice, BAS labels are whole dollars with cents dropped, and derived
labels are computed from the truncated labels as on the paper form.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import cache

import holidays

ZERO = Decimal("0")
CENT = Decimal("0.01")
DOLLAR = Decimal("1")
RATE = Decimal("0.10")

# A supplier who quotes no ABN has 47% of the payment withheld (PAYG, label W4).
NO_ABN_WITHHOLDING_RATE = Decimal("0.47")

# A tax invoice of this much or more (GST included) must identify the buyer.
BUYER_IDENTITY_THRESHOLD = Decimal("1000.00")


def cents(amount: Decimal) -> Decimal:
    """Round to the cent, half up: 10.005 gives 10.01, never banker's 10.00."""
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def whole_dollars(amount: Decimal) -> Decimal:
    """A BAS figure: cents dropped (never rounded up) and never below zero."""
    return max(ZERO, Decimal(amount).quantize(DOLLAR, rounding=ROUND_DOWN))


# Tax codes ------------------------------------------------------------------------


class TaxCode(StrEnum):
    GST = "GST"
    EXP = "EXP"
    FRE = "FRE"
    ITS = "ITS"
    CAP = "CAP"
    NCG = "NCG"
    NCF = "NCF"
    INP = "INP"
    NT = "N-T"


class Side(StrEnum):
    SALE = "sale"
    PURCHASE = "purchase"
    NONE = "none"


@dataclass(frozen=True)
class TaxCodeInfo:
    code: TaxCode
    description: str
    side: Side
    rate: Decimal
    # The worksheet labels the GST-inclusive amount of a supply is reported at.
    labels: tuple[str, ...]
    # Where its GST goes under the accounts method; "" when it carries none.
    gst_label: str

    @property
    def carries_gst(self) -> bool:
        return self.rate > ZERO


TAX_CODES: dict[TaxCode, TaxCodeInfo] = {
    info.code: info
    for info in (
        TaxCodeInfo(TaxCode.GST, "Taxable sale", Side.SALE, RATE, ("G1",), "1A"),
        TaxCodeInfo(TaxCode.EXP, "GST-free export", Side.SALE, ZERO, ("G1", "G2"), ""),
        TaxCodeInfo(
            TaxCode.FRE, "Other GST-free sale", Side.SALE, ZERO, ("G1", "G3"), ""
        ),
        TaxCodeInfo(TaxCode.ITS, "Input-taxed sale", Side.SALE, ZERO, ("G1", "G4"), ""),
        TaxCodeInfo(
            TaxCode.CAP, "Capital purchase", Side.PURCHASE, RATE, ("G10",), "1B"
        ),
        TaxCodeInfo(
            TaxCode.NCG,
            "Non-capital purchase with GST",
            Side.PURCHASE,
            RATE,
            ("G11",),
            "1B",
        ),
        TaxCodeInfo(
            TaxCode.NCF,
            "Non-capital purchase without GST",
            Side.PURCHASE,
            ZERO,
            ("G11", "G14"),
            "",
        ),
        TaxCodeInfo(
            TaxCode.INP,
            "Purchase for making input-taxed sales",
            Side.PURCHASE,
            ZERO,
            ("G11", "G13"),
            "",
        ),
        TaxCodeInfo(TaxCode.NT, "Not reportable", Side.NONE, ZERO, (), ""),
    )
}

SALE_CODES = frozenset(c for c, i in TAX_CODES.items() if i.side != Side.PURCHASE)
PURCHASE_CODES = frozenset(c for c, i in TAX_CODES.items() if i.side != Side.SALE)


def tax_code(value: str) -> TaxCodeInfo:
    try:
        return TAX_CODES[TaxCode(value)]
    except ValueError:
        raise ValueError(f"{value!r} is not a tax code") from None


# GST on lines and invoices --------------------------------------------------------


class Rounding(StrEnum):
    PER_LINE = "per_line"
    WHOLE_INVOICE = "whole_invoice"


def line_amount(quantity: Decimal, unit_price: Decimal) -> Decimal:
    """The price of a line, in cents (an hour and a half at $165 is $247.50)."""
    return cents(Decimal(quantity) * Decimal(unit_price))


def unrounded_gst(amount: Decimal, code: str, *, inclusive: bool) -> Decimal:
    """The exact GST in `amount`: 10% of an exclusive value, 1/11 of an inclusive."""
    rate = tax_code(code).rate
    if inclusive:
        return Decimal(amount) * rate / (1 + rate)
    return Decimal(amount) * rate


@dataclass(frozen=True)
class LineInput:
    amount: Decimal
    code: str
    inclusive: bool = False


@dataclass(frozen=True)
class LineTotals:
    net: Decimal
    gst: Decimal

    @property
    def gross(self) -> Decimal:
        return self.net + self.gst


@dataclass(frozen=True)
class InvoiceTotals:
    lines: tuple[LineTotals, ...]
    net: Decimal
    gst: Decimal

    @property
    def gross(self) -> Decimal:
        return self.net + self.gst


def line_totals(amount: Decimal, code: str, *, inclusive: bool) -> LineTotals:
    """One line's net and GST, its GST rounded to the cent on its own."""
    gst = cents(unrounded_gst(amount, code, inclusive=inclusive))
    # The exclusive part of an inclusive price is the price less its GST, so the two
    # parts always add back to the price shown.
    net = Decimal(amount) - gst if inclusive else Decimal(amount)
    return LineTotals(net=net, gst=gst)


def invoice_totals(
    lines: Sequence[LineInput], rule: str = Rounding.PER_LINE, *, registered=True
) -> InvoiceTotals:
    """Net, GST and gross of an invoice's lines under the MSP's rounding rule.

    Under the whole-invoice rule the rounded total GST is shared back over the lines
    (largest remainder), so every line still knows its own part and the parts add up
    to the invoice's GST exactly. A supplier not registered for GST charges none.
    """
    if not registered:
        totals = tuple(LineTotals(Decimal(line.amount), ZERO) for line in lines)
        return _sum_totals(totals)

    if rule == Rounding.PER_LINE:
        totals = tuple(
            line_totals(line.amount, line.code, inclusive=line.inclusive)
            for line in lines
        )
        return _sum_totals(totals)

    exact = [
        unrounded_gst(line.amount, line.code, inclusive=line.inclusive)
        for line in lines
    ]
    shares = allocate(cents(sum(exact, ZERO)), exact)
    totals = tuple(
        LineTotals(
            net=Decimal(line.amount) - share
            if line.inclusive
            else Decimal(line.amount),
            gst=share,
        )
        for line, share in zip(lines, shares, strict=True)
    )
    return _sum_totals(totals)


def _sum_totals(totals: tuple[LineTotals, ...]) -> InvoiceTotals:
    return InvoiceTotals(
        lines=totals,
        net=sum((t.net for t in totals), ZERO),
        gst=sum((t.gst for t in totals), ZERO),
    )


def allocate(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Share `total` (in cents) in proportion to `weights`, exactly, by cents.

    Each part is its proportional share rounded down to the cent; the cents left over
    go to the parts that lost most in rounding.
    """
    weight_sum = sum(weights, ZERO)
    if not weights:
        return []
    if weight_sum == ZERO:
        return [total] + [ZERO] * (len(weights) - 1)

    exact = [total * Decimal(w) / weight_sum for w in weights]
    parts = [e.quantize(CENT, rounding=ROUND_DOWN) for e in exact]
    left = int((total - sum(parts, ZERO)) / CENT)
    by_loss = sorted(range(len(exact)), key=lambda i: parts[i] - exact[i])
    for index in by_loss[:left]:
        parts[index] += CENT
    return parts


def buyer_identity_required(gross_total: Decimal) -> bool:
    """A tax invoice of $1,000 or more (GST included) must name the buyer or ABN."""
    return Decimal(gross_total) >= BUYER_IDENTITY_THRESHOLD


def no_abn_withholding(amount: Decimal) -> Decimal:
    return cents(Decimal(amount) * NO_ABN_WITHHOLDING_RATE)


# Cash-basis attribution ---------------------------------------------------------------


def cash_attributed(total: Decimal, owed: Decimal, paid: Decimal) -> Decimal:
    """How much of `total` (say an invoice's GST) is attributed once `paid` of the
    `owed` has been received: its proportion, rounded, and all of it once settled.

    Measured cumulatively, so that the parts of successive periods or payments are
    differences of this figure and always sum exactly to `total`.
    """
    total, owed, paid = Decimal(total), Decimal(owed), Decimal(paid)
    if owed <= ZERO or paid >= owed:
        return total
    if paid <= ZERO:
        return ZERO
    return cents(total * paid / owed)


def attribute_cash(
    total: Decimal, document_total: Decimal, payments: Iterable[Decimal]
) -> list[Decimal]:
    """The part of `total` (say an invoice's GST) each payment in turn attributes.

    Each payment attributes its proportion of `total`, rounded; the parts are taken
    cumulatively, so the payment that settles the document takes the remainder and
    the parts always sum exactly to `total`. Payments beyond the document's total
    attribute nothing more.
    """
    parts = []
    paid = ZERO
    attributed = ZERO
    for payment in payments:
        paid += Decimal(payment)
        reached = cash_attributed(total, document_total, paid)
        parts.append(reached - attributed)
        attributed = reached
    return parts


def accrual_date(document_date: date, payment_dates: Iterable[date]) -> date:
    """Accruals: the earlier of the document's date and its first payment."""
    return min([document_date, *payment_dates])


# BAS labels -----------------------------------------------------------------------

# Labels reported from ledger totals; every other label is derived from these.
REPORTED_LABELS = (
    "G1",
    "G2",
    "G3",
    "G4",
    "G7",
    "G10",
    "G11",
    "G13",
    "G14",
    "G15",
    "G18",
    "W1",
    "W2",
    "W3",
    "W4",
)

SIMPLER_LABELS = ("G1", "1A", "1B")


class GstMethod(StrEnum):
    ACCOUNTS = "accounts"
    WORKSHEET = "worksheet"


@dataclass(frozen=True)
class BasFigures:
    labels: dict[str, Decimal]
    accounts: dict[str, Decimal]
    worksheet: dict[str, Decimal]
    difference: dict[str, Decimal]
    refund: bool

    @property
    def simpler(self) -> dict[str, Decimal]:
        return {name: self.labels[name] for name in SIMPLER_LABELS}


def bas_figures(
    totals: dict[str, Decimal],
    *,
    gst_collected: Decimal,
    gst_credits: Decimal,
    method: str = GstMethod.ACCOUNTS,
) -> BasFigures:
    """Every BAS label, in whole dollars, from the period's exact totals.

    `totals` holds the reported labels (missing ones are zero); `gst_collected` and
    `gst_credits` are the GST accounts' movements for 1A and 1B under the accounts
    method. Derived labels use the truncated labels, as the paper form does.
    """
    label = {name: whole_dollars(totals.get(name, ZERO)) for name in REPORTED_LABELS}

    label["G5"] = label["G2"] + label["G3"] + label["G4"]
    label["G6"] = _floor(label["G1"] - label["G5"])
    label["G8"] = label["G6"] + label["G7"]
    label["G9"] = whole_dollars(label["G8"] / 11)
    label["G12"] = label["G10"] + label["G11"]
    label["G16"] = label["G13"] + label["G14"] + label["G15"]
    label["G17"] = _floor(label["G12"] - label["G16"])
    label["G19"] = label["G17"] + label["G18"]
    label["G20"] = whole_dollars(label["G19"] / 11)

    accounts = {"1A": whole_dollars(gst_collected), "1B": whole_dollars(gst_credits)}
    worksheet = {"1A": label["G9"], "1B": label["G20"]}
    chosen = accounts if method == GstMethod.ACCOUNTS else worksheet
    label.update(chosen)

    label["W5"] = label["W2"] + label["W3"] + label["W4"]
    label["4"] = label["W5"]
    label["8A"] = label["1A"] + label["4"]
    label["8B"] = label["1B"]
    # Label 9 is reported as a positive amount, payable or refundable.
    net = label["8A"] - label["8B"]
    label["9"] = abs(net)

    return BasFigures(
        labels=label,
        accounts=accounts,
        worksheet=worksheet,
        difference={name: accounts[name] - worksheet[name] for name in accounts},
        refund=net < ZERO,
    )


def _floor(amount: Decimal) -> Decimal:
    return max(ZERO, amount)


# Periods and lodgement ------------------------------------------------------------


class Frequency(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


def period_containing(day: date, frequency: str) -> tuple[date, date]:
    """The BAS period (first and last day) that `day` falls in."""
    if frequency == Frequency.MONTHLY:
        first_month = day.month
        months = 1
    else:
        # Quarters run Jul-Sep, Oct-Dec, Jan-Mar and Apr-Jun.
        first_month = (day.month - 1) // 3 * 3 + 1
        months = 3
    start = date(day.year, first_month, 1)
    return start, _add_months(start, months) - timedelta(days=1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def bas_span_problem(start: date, end: date) -> str:
    """Why `start`..`end` is not a span a BAS can cover, or "" when it is.

    A BAS covers a month, a quarter or at most a year (annual GST reporting): a
    longer span is a typing slip, and one reaching year 9999 has no due date.
    """
    if end < start:
        return "The period ends on or after it starts."
    if start.year >= 9999 or end >= _a_year_on(start):
        return "A BAS covers at most a year."
    return ""


def _a_year_on(day: date) -> date:
    # 29 February has no twin a year on; 1 March stands in for it.
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return date(day.year + 1, 3, 1)


def due_date(period_end: date, frequency: str) -> date:
    """Lodgement and payment due date of the period ending `period_end`.

    The 28th of the month after a quarter, the 21st after a month, moved to the next
    business day when it falls on a weekend or a national public holiday.
    """
    following = _add_months(date(period_end.year, period_end.month, 1), 1)
    day_of_month = 21 if frequency == Frequency.MONTHLY else 28
    return next_business_day(following.replace(day=day_of_month))


def next_business_day(day: date) -> date:
    national = national_holidays(day.year) | national_holidays(day.year + 1)
    while day.weekday() >= 5 or day in national:
        day += timedelta(days=1)
    return day


@cache
def national_holidays(year: int) -> frozenset[date]:
    """Public holidays of `year`, as observed, that every state and territory keeps.

    A BAS is due Australia-wide, not by state. The holidays package applies observed
    days (Australia Day on a Saturday is kept on the Monday) only per state, so the
    national days are those holidays every subdivision observes.
    """
    observed = (
        set(holidays.country_holidays("AU", subdiv=subdiv, years=year, observed=True))
        for subdiv in holidays.Australia.subdivisions
    )
    return frozenset(set.intersection(*observed))
