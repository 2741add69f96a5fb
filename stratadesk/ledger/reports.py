"""The bookkeeping reports: trial balance, profit and loss, aged receivables, and GST
detail per tax code. Each reads the ledger and returns plain rows; nothing here
writes.

Sums are taken by the database per account. SQLite adds decimals as floating point,
but each sum is quantized back to cents, which is exact for the totals of a small
business (below about 10^13 dollars).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q, Sum

from stratadesk.ledger import gst
from stratadesk.ledger.models import (
    Account,
    AccountKind,
    AdjustmentNote,
    Allocation,
    BadDebt,
    BadDebtKind,
    Basis,
    Bill,
    EntryKind,
    Invoice,
    InvoiceStatus,
    JournalLine,
)

ZERO = Decimal("0.00")


# Trial balance --------------------------------------------------------------------


@dataclass(frozen=True)
class BalanceRow:
    code: str
    name: str
    kind: str
    debit: Decimal
    credit: Decimal


@dataclass(frozen=True)
class TrialBalance:
    as_of: date
    rows: list[BalanceRow]

    @property
    def total_debit(self) -> Decimal:
        return sum((row.debit for row in self.rows), ZERO)

    @property
    def total_credit(self) -> Decimal:
        return sum((row.credit for row in self.rows), ZERO)

    @property
    def balanced(self) -> bool:
        return self.total_debit == self.total_credit


def _account_sums(lines) -> dict[int, tuple[Decimal, Decimal]]:
    sums = lines.values("account").annotate(debit=Sum("debit"), credit=Sum("credit"))
    return {
        row["account"]: (gst.cents(row["debit"]), gst.cents(row["credit"]))
        for row in sums
    }


def trial_balance(as_of: date) -> TrialBalance:
    """Every account's balance at the end of `as_of`, on the side it falls."""
    sums = _account_sums(JournalLine.objects.filter(entry__date__lte=as_of))
    rows = []
    for account in Account.objects.filter(pk__in=sums).order_by("code"):
        debit, credit = sums[account.pk]
        net = debit - credit
        rows.append(
            BalanceRow(
                code=account.code,
                name=account.name,
                kind=account.kind,
                debit=net if net > 0 else ZERO,
                credit=-net if net < 0 else ZERO,
            )
        )
    return TrialBalance(as_of=as_of, rows=rows)


# Profit and loss ------------------------------------------------------------------


@dataclass(frozen=True)
class ProfitLine:
    code: str
    name: str
    amount: Decimal


@dataclass(frozen=True)
class ProfitAndLoss:
    start: date
    end: date
    income: list[ProfitLine]
    cost_of_sales: list[ProfitLine]
    expenses: list[ProfitLine]

    @property
    def total_income(self) -> Decimal:
        return sum((line.amount for line in self.income), ZERO)

    @property
    def total_cost_of_sales(self) -> Decimal:
        return sum((line.amount for line in self.cost_of_sales), ZERO)

    @property
    def total_expenses(self) -> Decimal:
        return sum((line.amount for line in self.expenses), ZERO)

    @property
    def gross_profit(self) -> Decimal:
        return self.total_income - self.total_cost_of_sales

    @property
    def net_profit(self) -> Decimal:
        return self.gross_profit - self.total_expenses


def profit_and_loss(start: date, end: date) -> ProfitAndLoss:
    """Income less costs posted in `start`..`end`, GST excluded (it is never income)."""
    kinds = [AccountKind.INCOME, AccountKind.COST_OF_SALES, AccountKind.EXPENSE]
    lines = JournalLine.objects.filter(
        entry__date__range=(start, end), account__kind__in=kinds
    )
    sums = _account_sums(lines)
    sections: dict[str, list[ProfitLine]] = defaultdict(list)
    for account in Account.objects.filter(pk__in=sums).order_by("code"):
        debit, credit = sums[account.pk]
        # Income grows by credits, costs by debits; each is shown as a positive sum.
        amount = (
            credit - debit if account.kind == AccountKind.INCOME else debit - credit
        )
        sections[account.kind].append(ProfitLine(account.code, account.name, amount))
    return ProfitAndLoss(
        start=start,
        end=end,
        income=sections[AccountKind.INCOME],
        cost_of_sales=sections[AccountKind.COST_OF_SALES],
        expenses=sections[AccountKind.EXPENSE],
    )


# Aged receivables -----------------------------------------------------------------

# Named as MYOB names them: by days since the invoice date, "30" holds 31 to 60.
AGE_BUCKETS = (("current", 30), ("30", 60), ("60", 90), ("90+", None))


@dataclass(frozen=True)
class AgedInvoice:
    invoice_id: int
    reference: str
    client: str
    issue_date: date
    due_date: date
    outstanding: Decimal
    days_old: int
    days_overdue: int
    bucket: str


@dataclass(frozen=True)
class AgedReceivables:
    as_of: date
    invoices: list[AgedInvoice]

    @property
    def buckets(self) -> dict[str, Decimal]:
        totals = {name: ZERO for name, _ in AGE_BUCKETS}
        for row in self.invoices:
            totals[row.bucket] += row.outstanding
        return totals

    @property
    def total(self) -> Decimal:
        return sum((row.outstanding for row in self.invoices), ZERO)


def _bucket(days_old: int) -> str:
    for name, below in AGE_BUCKETS:
        if below is None or days_old <= below:
            return name
    raise AssertionError("the last bucket is open-ended")


def _settled_by(as_of: date) -> dict[int, Decimal]:
    """What was paid, credited or written off on each invoice by the end of `as_of`."""
    settled: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for model, day in (
        (Allocation, "payment__date"),
        (AdjustmentNote, "date"),
        (BadDebt, "date"),
    ):
        rows = model.objects.filter(**{f"{day}__lte": as_of, "invoice__isnull": False})
        if model is BadDebt:
            rows = rows.filter(kind=BadDebtKind.WRITE_OFF)
        amount = "total" if model is AdjustmentNote else "amount"
        for row in rows.values("invoice").annotate(sum=Sum(amount)):
            settled[row["invoice"]] += gst.cents(row["sum"])
    return settled


def aged_receivables(as_of: date) -> AgedReceivables:
    """What clients owed at the end of `as_of`, invoice by invoice, by age."""
    settled = _settled_by(as_of)
    invoices = (
        Invoice.objects.exclude(status=InvoiceStatus.DRAFT)
        .filter(issue_date__lte=as_of)
        .select_related("client")
        .order_by("issue_date", "number")
    )
    rows = []
    for invoice in invoices:
        outstanding = invoice.total - settled[invoice.pk]
        if outstanding <= ZERO:
            continue
        days_old = (as_of - invoice.issue_date).days
        rows.append(
            AgedInvoice(
                invoice_id=invoice.pk,
                reference=invoice.reference_number,
                client=str(invoice.client),
                issue_date=invoice.issue_date,
                due_date=invoice.due_date,
                outstanding=outstanding,
                days_old=days_old,
                days_overdue=max(0, (as_of - invoice.due_date).days),
                bucket=_bucket(days_old),
            )
        )
    return AgedReceivables(as_of=as_of, invoices=rows)


# GST detail per tax code ----------------------------------------------------------


@dataclass
class TaxCodeTotals:
    code: str
    description: str
    net: Decimal = ZERO
    gst: Decimal = ZERO
    documents: set = field(default_factory=set)

    @property
    def gross(self) -> Decimal:
        return self.net + self.gst


@dataclass(frozen=True)
class GstDetail:
    start: date
    end: date
    basis: str
    codes: list[TaxCodeTotals]


class _Totals:
    def __init__(self):
        self.by_code = {
            code.value: TaxCodeTotals(code.value, info.description)
            for code, info in gst.TAX_CODES.items()
        }

    def add(self, code, net, tax, document) -> None:
        row = self.by_code[code]
        row.net += net
        row.gst += tax
        row.documents.add(document)


def gst_detail(start: date, end: date, basis: str) -> GstDetail:
    """Net and GST per tax code for the period, attributed as the BAS attributes.

    Accruals: a document counts whole in the period of the earlier of its date and
    its first payment; credits in the period reduce it. Cash: each document counts
    in proportion to its payments in the period, less what was credited.
    """
    if basis not in Basis.values:
        raise ValueError(f"{basis!r} is not an accounting basis")
    totals = _Totals()
    documents = [
        ("invoice", _sales().prefetch_related("adjustment_notes__lines"), "issue_date"),
        (
            "bill",
            Bill.objects.prefetch_related("lines", "allocations__payment"),
            "date",
        ),
    ]
    for kind, queryset, day_field in documents:
        window = Q(**{f"{day_field}__lte": end}) & (
            Q(**{f"{day_field}__gte": start})
            | Q(allocations__payment__date__range=(start, end))
        )
        for document in queryset.filter(window).distinct():
            if basis == Basis.ACCRUALS:
                _accrued(totals, kind, document, day_field, start, end)
            else:
                _paid(totals, kind, document, start, end)
    if basis == Basis.ACCRUALS:
        _credits_in_period(totals, start, end)
    _manual_lines(totals, start, end)
    return GstDetail(
        start=start, end=end, basis=basis, codes=list(totals.by_code.values())
    )


def _sales():
    return Invoice.objects.exclude(status=InvoiceStatus.DRAFT).prefetch_related(
        "lines", "allocations__payment"
    )


def _accrued(totals, kind, document, day_field, start, end) -> None:
    payments = [a.payment.date for a in document.allocations.all()]
    day = gst.accrual_date(getattr(document, day_field), payments)
    if start <= day <= end:
        for line in document.lines.all():
            totals.add(line.tax_code, line.net, line.gst, f"{kind}:{document.pk}")


def _credits_in_period(totals, start, end) -> None:
    notes = AdjustmentNote.objects.filter(date__range=(start, end)).prefetch_related(
        "lines"
    )
    for note in notes:
        for line in note.lines.all():
            totals.add(line.tax_code, -line.net, -line.gst, f"adjustment:{note.pk}")


def _paid(totals, kind, document, start, end) -> None:
    allocations = sorted(
        document.allocations.all(), key=lambda a: (a.payment.date, a.pk)
    )
    amounts = [a.amount for a in allocations]
    in_period = [start <= a.payment.date <= end for a in allocations]
    owed = getattr(document, "payable", document.total)
    lines = list(document.lines.all())
    if kind == "invoice":
        for note in document.adjustment_notes.all():
            owed -= note.total
            lines += [_negated(line) for line in note.lines.all()]

    by_code: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for line in lines:
        by_code[line.tax_code][0] += line.net
        by_code[line.tax_code][1] += line.gst
    for code, (net, tax) in by_code.items():
        parts = [_in_period(amount, owed, amounts, in_period) for amount in (net, tax)]
        if any(parts):
            totals.add(code, *parts, f"{kind}:{document.pk}")


def _in_period(amount, owed, payments, in_period) -> Decimal:
    if owed <= ZERO:
        return ZERO
    shares = gst.attribute_cash(amount, owed, payments)
    return sum((s for s, keep in zip(shares, in_period, strict=True) if keep), ZERO)


@dataclass(frozen=True)
class _Negated:
    tax_code: str
    net: Decimal
    gst: Decimal


def _negated(line) -> _Negated:
    return _Negated(line.tax_code, -line.net, -line.gst)


def _manual_lines(totals, start, end) -> None:
    """Bank interest and bank fees reach the BAS through manual journals."""
    kinds = [EntryKind.MANUAL, EntryKind.REVERSAL]
    lines = JournalLine.objects.filter(
        entry__date__range=(start, end), entry__kind__in=kinds
    ).exclude(tax_code="")
    for line in lines:
        info = gst.tax_code(line.tax_code)
        amount = line.credit - line.debit
        if info.side == gst.Side.PURCHASE:
            amount = -amount
        totals.add(line.tax_code, amount, ZERO, f"journal:{line.entry_id}")
