"""The Business Activity Statement for any period, on the accruals or cash basis.

The worksheet labels (G1 to G18) are gathered from the documents: each invoice, bill,
adjustment note and write-off line says which labels it counts at, and those facts are
kept for the drill-down. W labels and the accounts-method 1A and 1B come from the
journal lines on the wages, withholding and GST accounts. gst.bas_figures() then
truncates and derives the form's labels.
"""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, Q

from stratadesk.ledger import gst
from stratadesk.ledger.models import (
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
    LedgerSettings,
    LodgedPeriod,
)

ZERO = Decimal("0.00")

# The form's order: GST first, then PAYG withholding and the summary.
FORM_LABELS = (
    "G1", "G2", "G3", "G4", "G5", "G6", "G7", "G8", "G9",
    "G10", "G11", "G12", "G13", "G14", "G15", "G16", "G17", "G18", "G19", "G20",
    "1A", "1B", "W1", "W2", "W3", "W4", "W5", "4", "8A", "8B", "9",
)  # fmt: skip

# What each label of the form reports, as the ATO's BAS names it.
LABEL_NAMES = {
    "G1": "Total sales",
    "G2": "Export sales",
    "G3": "Other GST-free sales",
    "G4": "Input taxed sales",
    "G5": "G2 + G3 + G4",
    "G6": "Total sales subject to GST (G1 - G5)",
    "G7": "Adjustments (increasing)",
    "G8": "Total sales subject to GST after adjustments (G6 + G7)",
    "G9": "GST on sales (G8 / 11)",
    "G10": "Capital purchases",
    "G11": "Non-capital purchases",
    "G12": "G10 + G11",
    "G13": "Purchases for making input taxed sales",
    "G14": "Purchases without GST in the price",
    "G15": "Estimated purchases for private use or not income tax deductible",
    "G16": "G13 + G14 + G15",
    "G17": "Total purchases subject to GST (G12 - G16)",
    "G18": "Adjustments (decreasing)",
    "G19": "Total purchases subject to GST after adjustments (G17 + G18)",
    "G20": "GST on purchases (G19 / 11)",
    "W1": "Total salary, wages and other payments",
    "W2": "Amount withheld from payments shown at W1",
    "W3": "Other amounts withheld",
    "W4": "Amount withheld where no ABN is quoted",
    "W5": "Total amounts withheld (W2 + W3 + W4)",
    "1A": "GST on sales",
    "1B": "GST on purchases",
    "4": "PAYG tax withheld (W5)",
    "8A": "Amount you owe the ATO (1A + 4)",
    "8B": "Amount the ATO owes you (1B)",
    "9": "Your payment or refund (8A - 8B)",
}
SECTIONS = (
    ("GST on sales", ("G1", "G2", "G3", "G4", "G5", "G6", "G7", "G8", "G9")),
    (
        "GST on purchases",
        ("G10", "G11", "G12", "G13", "G14", "G15", "G16", "G17", "G18", "G19", "G20"),
    ),
    ("PAYG tax withheld", ("W1", "W2", "W3", "W4", "W5")),
    ("Summary", ("1A", "1B", "4", "8A", "8B", "9")),
)

# Journal-line labels and the side that increases them.
_DEBIT_LABELS = {"1B", "W1"}


@dataclass(frozen=True)
class Contribution:
    """One document line's part in one label: what the drill-down lists."""

    label: str
    amount: Decimal
    source_type: str
    source_id: int
    reference: str
    description: str = ""
    line_id: int | None = None


@dataclass
class BasReport:
    start: date
    end: date
    basis: str
    labels: dict[str, Decimal]
    accounts: dict[str, Decimal]
    worksheet: dict[str, Decimal]
    difference: dict[str, Decimal]
    refund: bool
    due_date: date
    simpler_bas: bool
    exact: dict[str, Decimal] = field(default_factory=dict)
    drilldown: dict[str, list[Contribution]] = field(default_factory=dict)

    @property
    def simpler(self) -> dict[str, Decimal]:
        return {name: self.labels[name] for name in gst.SIMPLER_LABELS}


class _Collector:
    def __init__(self):
        self.facts: list[Contribution] = []

    def add(self, label, amount, document, reference, line=None) -> None:
        description = getattr(line, "description", "") or getattr(document, "memo", "")
        if amount:
            self.facts.append(
                Contribution(
                    label=label,
                    amount=amount,
                    source_type=document._meta.model_name,
                    source_id=document.pk,
                    reference=reference,
                    description=description,
                    line_id=getattr(line, "pk", None),
                )
            )

    def supply(self, document, reference, line, share=None) -> None:
        """A sale or purchase line counts its GST-inclusive amount at its labels."""
        info = gst.tax_code(line.tax_code)
        amount = line.gross if share is None else share
        for label in info.labels:
            self.add(label, amount, document, reference, line)


def bas_report(start: date, end: date, basis: str | None = None) -> BasReport:
    """Every BAS label for `start`..`end` (inclusive) on `basis`, with drill-down."""
    settings = LedgerSettings.current()
    basis = basis or settings.basis
    if basis not in Basis.values:
        raise ValueError(f"{basis!r} is not an accounting basis")

    collect = _Collector()
    if basis == Basis.ACCRUALS:
        _accrued_invoices(collect, start, end)
        _accrued_bills(collect, start, end)
        _bad_debts(collect, start, end)
        _adjustment_notes(collect, start, end)
    else:
        _cash_documents(collect, start, end)
    _journal_lines(collect, start, end, basis)

    exact: dict[str, Decimal] = defaultdict(lambda: ZERO)
    drilldown: dict[str, list[Contribution]] = defaultdict(list)
    for fact in collect.facts:
        exact[fact.label] += fact.amount
        drilldown[fact.label].append(fact)

    figures = gst.bas_figures(
        exact,
        gst_collected=exact["1A"],
        gst_credits=exact["1B"],
        method=settings.gst_method,
    )
    return BasReport(
        start=start,
        end=end,
        basis=basis,
        labels=figures.labels,
        accounts=figures.accounts,
        worksheet=figures.worksheet,
        difference=figures.difference,
        refund=figures.refund,
        due_date=gst.due_date(end, _frequency(start, end, settings)),
        simpler_bas=settings.simpler_bas,
        exact=dict(exact),
        drilldown=dict(drilldown),
    )


def _frequency(start: date, end: date, settings) -> str:
    if gst.period_containing(start, gst.Frequency.MONTHLY) == (start, end):
        return gst.Frequency.MONTHLY
    if gst.period_containing(start, gst.Frequency.QUARTERLY) == (start, end):
        return gst.Frequency.QUARTERLY
    return settings.bas_frequency


# Accruals: a document counts in the period of the earlier of its date and its first
# payment.


def _issued_invoices():
    return Invoice.objects.exclude(status=InvoiceStatus.DRAFT).prefetch_related(
        "lines", _allocations()
    )


def _bills():
    # A bill's reference names its supplier: read with it, not once per bill.
    return Bill.objects.select_related("supplier").prefetch_related(
        "lines", _allocations()
    )


def _allocations():
    return Prefetch(
        "allocations",
        queryset=Allocation.objects.select_related("payment").order_by(
            "payment__date", "id"
        ),
    )


def _paid_early(start, end):
    return Q(allocations__payment__date__range=(start, end))


def _accrued_invoices(collect, start, end) -> None:
    candidates = _issued_invoices().filter(
        Q(issue_date__range=(start, end))
        | (_paid_early(start, end) & Q(issue_date__gt=end))
    )
    for invoice in candidates.distinct():
        day = gst.accrual_date(
            invoice.issue_date, [a.payment.date for a in invoice.allocations.all()]
        )
        if start <= day <= end:
            for line in invoice.lines.all():
                collect.supply(invoice, invoice.reference_number, line)


def _accrued_bills(collect, start, end) -> None:
    candidates = _bills().filter(
        Q(date__range=(start, end)) | (_paid_early(start, end) & Q(date__gt=end))
    )
    for bill in candidates.distinct():
        day = gst.accrual_date(
            bill.date, [a.payment.date for a in bill.allocations.all()]
        )
        if start <= day <= end:
            for line in bill.lines.all():
                collect.supply(bill, str(bill), line)


def _bad_debts(collect, start, end) -> None:
    for debt in BadDebt.objects.filter(date__range=(start, end)).select_related(
        "invoice"
    ):
        # A write-off decreases the GST on sales (G18, 1B); a recovery of a debt
        # written off increases it again (G7, 1A).
        write_off = debt.kind == BadDebtKind.WRITE_OFF
        reference = debt.invoice.reference_number
        label = "G18" if write_off else "G7"
        collect.add(label, debt.gst_adjustment * 11, debt, reference)


# Cash: a document counts in proportion to the payments made in the period; the
# payment that settles it takes the remainder.


def _cash_documents(collect, start, end) -> None:
    paid = _paid_early(start, end)
    invoices = _issued_invoices().prefetch_related("adjustment_notes__lines")
    for invoice in invoices.filter(paid).distinct():
        credits = list(invoice.adjustment_notes.all())
        _attribute(
            collect, invoice, invoice.reference_number, "1A", start, end, credits
        )
    bills = _bills().filter(paid)
    for bill in bills.distinct():
        _attribute(collect, bill, str(bill), "1B", start, end)


def _attribute(collect, document, reference, gst_label, start, end, credits=()):
    """Count the part of `document` its payments in the period settle.

    Credits reduce what is owed rather than counting on their own: on the cash
    basis a sale is reported as it is paid, and what was credited is never paid.
    """
    allocations = list(document.allocations.all())
    amounts = [a.amount for a in allocations]
    in_period = [start <= a.payment.date <= end for a in allocations]
    # Payments are measured against what is owed to the other party; for a bill
    # with withholding that is its total less the amount withheld.
    owed = getattr(document, "payable", document.total)
    owed -= sum((note.total for note in credits), ZERO)

    by_label: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for line in document.lines.all():
        for label in gst.tax_code(line.tax_code).labels:
            by_label[label] += line.gross
    for note in credits:
        for line in note.lines.all():
            for label in gst.tax_code(line.tax_code).labels:
                by_label[label] -= line.gross
    by_label[gst_label] = document.gst_total - sum(
        (note.gst_total for note in credits), ZERO
    )

    for label, total in by_label.items():
        shares = gst.attribute_cash(total, owed, amounts)
        share = sum(
            (s for s, keep in zip(shares, in_period, strict=True) if keep), ZERO
        )
        collect.add(label, share, document, reference)


def _adjustment_notes(collect, start, end) -> None:
    notes = AdjustmentNote.objects.filter(date__range=(start, end)).prefetch_related(
        "lines"
    )
    for note in notes.select_related("invoice"):
        reference = note.reference_number
        if note.adjusts_earlier_period:
            # A credit for an earlier period's sale: G18 carries eleven times its
            # GST and the accounts method claims the GST back at 1B.
            collect.add("G18", note.gst_total * 11, note, reference)
            continue
        # Within the sale's own period the credit simply reduces the sale.
        for line in note.lines.all():
            collect.supply(note, reference, line, -line.gross)


def _journal_lines(collect, start, end, basis) -> None:
    """W labels and the accounts-method 1A and 1B from the journal's labelled lines,
    and the G labels of manual journals (bank interest, bank fees)."""
    manual_kinds = [EntryKind.MANUAL, EntryKind.REVERSAL]
    wanted = ~Q(bas_label="") | (Q(entry__kind__in=manual_kinds) & ~Q(tax_code=""))
    lines = JournalLine.objects.filter(wanted, entry__date__range=(start, end))
    if basis == Basis.CASH:
        # On the cash basis the GST of invoices and bills counts as they are paid
        # (see _attribute, which also nets off credits), and an unpaid debt written
        # off never counted at all.
        lines = lines.exclude(
            Q(bas_label__in=["1A", "1B"]) & Q(entry__kind__in=_ACCRUED_KINDS)
        )

    for line in lines.select_related("entry"):
        reference = f"J{line.entry.number}"
        if line.bas_label:
            sign = 1 if line.bas_label in _DEBIT_LABELS else -1
            amount = (line.debit - line.credit) * sign
            collect.add(line.bas_label, amount, line.entry, reference, line)
        if line.tax_code and line.entry.kind in manual_kinds:
            info = gst.tax_code(line.tax_code)
            if info.side == gst.Side.NONE:
                continue
            amount = line.credit - line.debit
            if info.side == gst.Side.PURCHASE:
                amount = -amount
            for label in info.labels:
                collect.add(label, amount, line.entry, reference, line)


_ACCRUED_KINDS = [
    EntryKind.INVOICE,
    EntryKind.ADJUSTMENT,
    EntryKind.BILL,
    EntryKind.WRITE_OFF,
    EntryKind.RECOVERY,
]


# The labels each label is made of, as the form derives them; a reported label is
# made of itself. The drill-down of a derived label lists its parts' documents.
LABEL_PARTS: dict[str, tuple[str, ...]] = {
    "G5": ("G2", "G3", "G4"),
    "G6": ("G1", "G2", "G3", "G4"),
    "G8": ("G1", "G2", "G3", "G4", "G7"),
    "G9": ("G1", "G2", "G3", "G4", "G7"),
    "G12": ("G10", "G11"),
    "G16": ("G13", "G14", "G15"),
    "G17": ("G10", "G11", "G13", "G14", "G15"),
    "G19": ("G10", "G11", "G13", "G14", "G15", "G18"),
    "G20": ("G10", "G11", "G13", "G14", "G15", "G18"),
    "W5": ("W2", "W3", "W4"),
    "4": ("W2", "W3", "W4"),
    "8A": ("1A", "W2", "W3", "W4"),
    "8B": ("1B",),
    "9": ("1A", "W2", "W3", "W4", "1B"),
}


def label_parts(label: str) -> tuple[str, ...]:
    return LABEL_PARTS.get(label, (label,))


def drilldown_for(report: BasReport, label: str) -> dict[str, list[Contribution]]:
    """The documents behind `label`, by the reported label each one counts at."""
    return {part: report.drilldown.get(part, []) for part in label_parts(label)}


# Lodged periods: what was lodged is what the ATO has, so it is answered as stored.


def lodged_period(start: date, end: date, basis: str | None = None):
    """The period lodged as exactly `start`..`end`, when `basis` asks for its report.

    No basis (or a blank one) asks for whatever was lodged; the other basis asks for
    a fresh computation, which is not what was lodged.
    """
    lodged = LodgedPeriod.objects.filter(start=start, end=end).first()
    if lodged is not None and basis in (None, "", lodged.basis):
        return lodged
    return None


def from_stored(data: dict) -> BasReport:
    """A report as as_json() wrote it, read back; it carries no drill-down."""
    return BasReport(
        start=date.fromisoformat(data["start"]),
        end=date.fromisoformat(data["end"]),
        basis=data["basis"],
        labels={name: Decimal(data[name]) for name in FORM_LABELS},
        accounts={k: Decimal(v) for k, v in data["accounts_method"].items()},
        worksheet={k: Decimal(v) for k, v in data["worksheet"].items()},
        difference={k: Decimal(v) for k, v in data["difference"].items()},
        refund=data["refund"],
        due_date=date.fromisoformat(data["due_date"]),
        simpler_bas=data["simpler_bas_chosen"],
    )


def report_for(start: date, end: date, basis: str | None = None):
    """(report, lodged period or None): the stored report of a lodged period, or
    the one computed now. Every BAS page, file and answer reads it from here."""
    lodged = lodged_period(start, end, basis)
    if lodged is not None:
        return from_stored(lodged.report), lodged
    return bas_report(start, end, basis), None


@dataclass
class LabelDrilldown:
    """The documents behind one label. For a lodged period the figures are those
    lodged and the documents are those the ledger holds now for the lodged basis;
    `matches` says whether they still come to the lodged figure."""

    label: str
    report: BasReport
    lodged: LodgedPeriod | None
    parts: dict[str, list[Contribution]]
    exact: dict[str, Decimal]
    matches: bool


def label_drilldown(start: date, end: date, basis: str | None, label: str):
    report, lodged = report_for(start, end, basis)
    documents = bas_report(start, end, report.basis) if lodged else report
    return LabelDrilldown(
        label=label,
        report=report,
        lodged=lodged,
        parts=drilldown_for(documents, label),
        exact={part: documents.exact.get(part, ZERO) for part in label_parts(label)},
        matches=documents.labels[label] == report.labels[label],
    )


def as_json(report: BasReport, *, drilldown: bool = False) -> dict:
    """The report as JSON: every label a number keyed by its name ("G1", "1A")."""
    data: dict = {name: int(value) for name, value in report.labels.items()}
    data.update(
        {
            "start": report.start.isoformat(),
            "end": report.end.isoformat(),
            "basis": report.basis,
            "due_date": report.due_date.isoformat(),
            "refund": report.refund,
            "accounts_method": {k: int(v) for k, v in report.accounts.items()},
            "worksheet": {k: int(v) for k, v in report.worksheet.items()},
            "difference": {k: int(v) for k, v in report.difference.items()},
            "simpler_bas": {k: int(v) for k, v in report.simpler.items()},
            "simpler_bas_chosen": report.simpler_bas,
        }
    )
    if drilldown:
        data["drilldown"] = {
            label: [
                {
                    "amount": str(fact.amount),
                    "source_type": fact.source_type,
                    "source_id": fact.source_id,
                    "reference": fact.reference,
                    "description": fact.description,
                    "line_id": fact.line_id,
                }
                for fact in facts
            ]
            for label, facts in sorted(report.drilldown.items())
        }
    return data


def as_csv(report: BasReport) -> str:
    """The report as CSV rows of (section, label, value), in the form's order.

    The period comes first, then every label, then the two GST methods side by
    side, so a spreadsheet reads it without knowing the JSON shape.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "label", "value"])
    writer.writerow(["period", "start", report.start.isoformat()])
    writer.writerow(["period", "end", report.end.isoformat()])
    writer.writerow(["period", "basis", report.basis])
    writer.writerow(["period", "due_date", report.due_date.isoformat()])
    for name in FORM_LABELS:
        writer.writerow(["bas", name, int(report.labels[name])])
    for section, figures in (
        ("accounts_method", report.accounts),
        ("worksheet", report.worksheet),
        ("difference", report.difference),
        ("simpler_bas", report.simpler),
    ):
        for name, value in figures.items():
            writer.writerow([section, name, int(value)])
    return out.getvalue()
