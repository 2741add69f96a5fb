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
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.db.models import OuterRef, Prefetch, Q, Subquery

from stratadesk.ledger import gst
from stratadesk.ledger.models import (
    AdjustmentNote,
    Allocation,
    BadDebt,
    BadDebtKind,
    Basis,
    Bill,
    BillLine,
    EntryKind,
    Invoice,
    InvoiceLine,
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

    def entry_line(self, label, amount, line) -> None:
        """A labelled journal line, read as a row (see _journal_lines)."""
        if amount:
            self.facts.append(
                Contribution(
                    label=label,
                    amount=amount,
                    source_type="journalentry",
                    source_id=line.entry_id,
                    reference=line.reference,
                    description=line.description,
                    line_id=line.pk,
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
        documents = [
            *_accrued_invoices(collect, start, end),
            *_accrued_bills(collect, start, end),
        ]
        _bad_debts(collect, start, end)
        _adjustment_notes(collect, start, end)
    else:
        documents = []
        _cash_documents(collect, start, end)
    _journal_lines(collect, start, end, basis, documents)

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


def _allocations():
    return Prefetch(
        "allocations",
        queryset=Allocation.objects.select_related("payment").order_by(
            "payment__date", "id"
        ),
    )


def _paid_early(start, end):
    return Q(allocations__payment__date__range=(start, end))


def _first_paid(owner: str) -> Subquery:
    """A document's earliest payment, read with it: all that accruals asks of them.

    A subquery, not Min() over the join: the join is filtered by the period, and
    a payment before the period must still count.
    """
    earliest = Allocation.objects.filter(**{owner: OuterRef("pk")}).order_by(
        "payment__date"
    )
    return Subquery(earliest.values("payment__date")[:1])


def _dates(day) -> list[date]:
    return [] if day is None else [day]


def _accrued_invoices(collect, start, end) -> list[int]:
    """Count the invoices attributed to the period; returns their journal entries."""
    candidates = Invoice.objects.exclude(status=InvoiceStatus.DRAFT).filter(
        Q(issue_date__range=(start, end))
        | (_paid_early(start, end) & Q(issue_date__gt=end))
    )
    counted = {}
    for invoice in candidates.distinct().annotate(first_paid=_first_paid("invoice")):
        day = gst.accrual_date(invoice.issue_date, _dates(invoice.first_paid))
        if start <= day <= end:
            counted[invoice.pk] = invoice
    lines = InvoiceLine.objects.filter(invoice__in=candidates.values("pk"))
    _supply_rows(collect, counted, lines, "invoice_id", _invoice_reference)
    return [invoice.journal_entry_id for invoice in counted.values()]


def _accrued_bills(collect, start, end) -> list[int]:
    """Count the bills attributed to the period; returns their journal entries."""
    candidates = Bill.objects.filter(
        Q(date__range=(start, end)) | (_paid_early(start, end) & Q(date__gt=end))
    )
    counted = {}
    bills = candidates.distinct().select_related("supplier")
    for bill in bills.annotate(first_paid=_first_paid("bill")):
        day = gst.accrual_date(bill.date, _dates(bill.first_paid))
        if start <= day <= end:
            counted[bill.pk] = bill
    lines = BillLine.objects.filter(bill__in=candidates.values("pk"))
    _supply_rows(collect, counted, lines, "bill_id", str)
    return [bill.journal_entry_id for bill in counted.values()]


class _Row(NamedTuple):
    """A document line read as a row: model instances cost too much by the 100,000."""

    pk: int
    tax_code: str
    gross: Decimal
    description: str


def _supply_rows(collect, counted, lines, owner_field, reference) -> None:
    """Count the lines of the `counted` documents (by pk) at their labels."""
    rows = lines.values_list(owner_field, "pk", "tax_code", "net", "gst", "description")
    names = {pk: reference(document) for pk, document in counted.items()}
    for owner, pk, code, net, tax, description in rows.iterator(chunk_size=5000):
        document = counted.get(owner)
        if document is not None:
            row = _Row(pk, code, net + tax, description)
            collect.supply(document, names[owner], row)


def _invoice_reference(invoice) -> str:
    return invoice.reference_number


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


# Cash: a document counts in proportion to what has been paid of what is owed, the
# payment that settles it taking the remainder. Each period reports the change in
# that cumulative figure, and the figure at a day depends only on documents dated
# by then: a later payment or credit never changes a period already reported.


def _cash_documents(collect, start, end) -> None:
    moved = (
        _paid_early(start, end)
        | Q(adjustment_notes__date__range=(start, end))
        | Q(bad_debts__kind=BadDebtKind.RECOVERY, bad_debts__date__range=(start, end))
    )
    invoices = (
        Invoice.objects.exclude(status=InvoiceStatus.DRAFT)
        .filter(moved)
        .distinct()
        .prefetch_related(
            _allocations(),
            "adjustment_notes__lines",
            Prefetch(
                "bad_debts",
                queryset=BadDebt.objects.filter(kind=BadDebtKind.RECOVERY),
                to_attr="recoveries",
            ),
        )
    )
    totals = _label_totals(InvoiceLine, "invoice_id", invoices)
    for invoice in invoices:
        _attribute(
            collect,
            invoice,
            invoice.reference_number,
            start,
            end,
            totals[invoice.pk],
            credits=list(invoice.adjustment_notes.all()),
            recoveries=invoice.recoveries,
        )

    bills = (
        Bill.objects.filter(_paid_early(start, end))
        .distinct()
        .select_related("supplier")
        .prefetch_related(_allocations())
    )
    totals = _label_totals(BillLine, "bill_id", bills)
    for bill in bills:
        _attribute(collect, bill, str(bill), start, end, totals[bill.pk])


def _label_totals(line_model, owner_field, documents) -> dict[int, dict]:
    """Each document's GST-inclusive amount per worksheet label, from its lines
    read as rows (summed here: SQLite would add the decimals as floats)."""
    totals: dict[int, dict] = defaultdict(lambda: defaultdict(lambda: ZERO))
    rows = line_model.objects.filter(
        **{f"{owner_field.removesuffix('_id')}__in": documents.values("pk")}
    ).values_list(owner_field, "tax_code", "net", "gst")
    for owner, code, net, tax in rows.iterator(chunk_size=5000):
        for label in gst.tax_code(code).labels:
            totals[owner][label] += net + tax
    return totals


def _attribute(
    collect, document, reference, start, end, totals, credits=(), recoveries=()
):
    """Count what changed in the period in the part of `document` paid so far.

    A rise is the sale (or purchase) reported as it is paid. A fall can only come
    from a credit after payment, a refund of GST already reported: it is a
    decreasing adjustment in the credit's period (G18 and 1B for a sale), as on the
    accruals basis, and the G1 already reported is left alone.
    """
    gst_label = "1A" if isinstance(document, Invoice) else "1B"
    totals = {**totals, gst_label: document.gst_total}
    before = _paid_share(document, totals, credits, recoveries, start - _DAY)
    after = _paid_share(document, totals, credits, recoveries, end)

    for label, reached in after.items():
        change = reached - before[label]
        if change > ZERO:
            collect.add(label, change, document, reference)
        elif change < ZERO and label == gst_label:
            adjustment, claimed = ("G18", "1B") if gst_label == "1A" else ("G7", "1A")
            source = _credit_in(credits, start, end) or document
            source_reference = getattr(source, "reference_number", reference)
            collect.add(adjustment, -change * 11, source, source_reference)
            collect.add(claimed, -change, source, source_reference)


_DAY = timedelta(days=1)


def _paid_share(document, totals, credits, recoveries, day) -> dict[str, Decimal]:
    """Each label's part of `document` attributed by the payments made by `day`.

    `totals` are the document's amounts per label (its GST at 1A or 1B). Credits
    dated by then reduce both what is owed and what there is to report: on the
    cash basis what was credited is never paid. Money recovered after a write-off
    is a payment for the supply like any other.
    """
    owed = getattr(document, "payable", document.total)
    left = dict(totals)
    gst_label = "1A" if isinstance(document, Invoice) else "1B"
    for note in credits:
        if note.date > day:
            continue
        owed -= note.total
        left[gst_label] -= note.gst_total
        for line in note.lines.all():
            for label in gst.tax_code(line.tax_code).labels:
                left[label] = left.get(label, ZERO) - line.gross

    paid = sum(
        (a.amount for a in document.allocations.all() if a.payment.date <= day), ZERO
    ) + sum((r.amount for r in recoveries if r.date <= day), ZERO)
    return {
        label: gst.cash_attributed(total, owed, paid) for label, total in left.items()
    }


def _credit_in(credits, start, end):
    """The last credit dated in the period: the document behind an adjustment."""
    inside = [note for note in credits if start <= note.date <= end]
    return inside[-1] if inside else None


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


def _journal_lines(collect, start, end, basis, documents) -> None:
    """W labels and the accounts-method 1A and 1B from the journal's labelled lines,
    and the G labels of manual journals (bank interest, bank fees).

    `documents` are the journal entries of the invoices and bills attributed to the
    period (accruals): their GST lines count here whatever the entry's date, since a
    payment before the invoice's date moves its GST to the payment's period.
    """
    manual_kinds = [EntryKind.MANUAL, EntryKind.REVERSAL]
    wanted = ~Q(bas_label="") | (Q(entry__kind__in=manual_kinds) & ~Q(tax_code=""))
    gst_lines = Q(bas_label__in=["1A", "1B"])
    # Invoices and bills are counted by attribution, never by the entry's date:
    # on accruals through `documents`, on cash as they are paid (see _attribute,
    # which also nets off credits), where an unpaid debt written off never counted.
    by_attribution = _ACCRUED_KINDS
    if basis == Basis.ACCRUALS:
        by_attribution = [EntryKind.INVOICE, EntryKind.BILL]
    dated = Q(entry__date__range=(start, end)) & ~(
        gst_lines & Q(entry__kind__in=by_attribution)
    )
    attributed = gst_lines & Q(entry_id__in=[pk for pk in documents if pk])
    lines = JournalLine.objects.filter(wanted).filter(dated | attributed)

    rows = lines.values_list(
        "pk",
        "bas_label",
        "tax_code",
        "debit",
        "credit",
        "description",
        "entry_id",
        "entry__number",
        "entry__kind",
        "entry__memo",
    )
    for pk, bas_label, code, debit, credit, text, entry, number, kind, memo in rows:
        counted = _EntryLine(pk, text or memo, entry, f"J{number}")
        if bas_label:
            sign = 1 if bas_label in _DEBIT_LABELS else -1
            collect.entry_line(bas_label, (debit - credit) * sign, counted)
        if code and kind in manual_kinds:
            info = gst.tax_code(code)
            if info.side == gst.Side.NONE:
                continue
            amount = credit - debit
            if info.side == gst.Side.PURCHASE:
                amount = -amount
            for label in info.labels:
                collect.entry_line(label, amount, counted)


class _EntryLine(NamedTuple):
    pk: int
    description: str
    entry_id: int
    reference: str


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
