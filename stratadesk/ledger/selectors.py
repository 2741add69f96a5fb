"""Reading the ledger: scoped helpers, so no interface forgets a client filter."""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from stratadesk.core.models import BusinessProfile
from stratadesk.ledger import gst
from stratadesk.ledger.models import (
    AdjustmentNote,
    Invoice,
    InvoiceStatus,
    JournalEntry,
    UnbilledCharge,
)
from stratadesk.people.permissions import Action, scope_for


def invoices_for(user) -> QuerySet[Invoice]:
    """The invoices `user` may read: a client's own organisation's issued invoices,
    every invoice for Accounts and Admin, none for anyone else."""
    scope = scope_for(user, Action.READ_INVOICES)
    if scope is None:
        return Invoice.objects.none()
    if scope.name == "all":
        return Invoice.objects.all()
    # Drafts are Accounts' working papers, never shown to the client.
    return Invoice.objects.filter(client_id=user.client_id).exclude(
        status=InvoiceStatus.DRAFT
    )


def unbalanced_entries() -> list[JournalEntry]:
    """Entries whose debits and credits differ, or that have no lines: always none.

    PostgreSQL refuses such an entry at commit; on SQLite this is the check an
    operator (or a test) runs to prove the services kept the promise. The sums are
    compared here, as Decimals: SQLite adds decimals up as floating point.
    """
    zero = Value(0, output_field=DecimalField(max_digits=14, decimal_places=2))
    entries = JournalEntry.objects.annotate(
        debits=Coalesce(Sum("lines__debit"), zero),
        credits=Coalesce(Sum("lines__credit"), zero),
    ).order_by("number")
    return [
        entry
        for entry in entries.iterator()
        if entry.debits != entry.credits or not entry.debits
    ]


def invoice_for(user, pk: int) -> Invoice | None:
    """One invoice `user` may read, or None: another client's is as missing."""
    return invoices_for(user).select_related("client").filter(pk=pk).first()


# An invoice named by its number as printed ("INV-00012") or by its id ("42"). Both
# are bounded so a caller's arbitrary text never reaches the database as a number
# out of an integer column's range.
_INVOICE_NUMBER = re.compile(r"(?P<series>[A-Za-z0-9]{1,10})-(?P<number>[0-9]{1,9})")
_INVOICE_ID = re.compile(r"[0-9]{1,18}")


def invoice_named_for(user, name: str) -> Invoice | None:
    """The invoice `user` may read named by its number or its id, or None.

    A draft has no number yet, so it is found by its id alone, and only by those
    whom invoices_for lets read drafts.
    """
    invoices = invoices_for(user).select_related("client")
    if _INVOICE_ID.fullmatch(name):
        return invoices.filter(pk=int(name)).first()
    named = _INVOICE_NUMBER.fullmatch(name)
    if named is None:
        return None
    return invoices.filter(series=named["series"], number=int(named["number"])).first()


def adjustment_notes_for(user) -> QuerySet[AdjustmentNote]:
    """The notes `user` may read: those on the invoices invoices_for lets it read."""
    return AdjustmentNote.objects.filter(invoice__in=invoices_for(user))


def adjustment_note_for(user, pk: int) -> AdjustmentNote | None:
    """One note `user` may read, or None: another client's is as missing."""
    return (
        adjustment_notes_for(user)
        .select_related("invoice__client")
        .filter(pk=pk)
        .first()
    )


def open_invoices(client) -> QuerySet[Invoice]:
    """A client's issued invoices with something still owing, oldest first."""
    owing = [InvoiceStatus.ISSUED, InvoiceStatus.PARTLY_PAID]
    return Invoice.objects.filter(client=client, status__in=owing).order_by(
        "issue_date", "number"
    )


def overdue_a_year(as_of: date) -> QuerySet[Invoice]:
    """Invoices still owing twelve months or more past their due date on `as_of`.

    Such a debt may be written off for a decreasing GST adjustment even while it is
    still being chased (GST Act s21-5), so the bad-debts page lists them. An invoice
    without a due date counts from its issue date.
    """
    owing = [InvoiceStatus.ISSUED, InvoiceStatus.PARTLY_PAID]
    cutoff = _a_year_before(as_of)
    return (
        Invoice.objects.filter(status__in=owing)
        .filter(Q(due_date__lte=cutoff) | Q(due_date=None, issue_date__lte=cutoff))
        .select_related("client")
        .order_by("due_date", "issue_date", "number")
    )


def _a_year_before(day: date) -> date:
    # 29 February has no twin a year back; the day before the 1st of March does.
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


@dataclass
class Unbilled:
    """One client's work not yet invoiced, as the Accounts page lists it."""

    client: object
    charges: list[UnbilledCharge] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum(
            (gst.line_amount(c.quantity, c.unit_price) for c in self.charges),
            Decimal("0.00"),
        )

    @property
    def first_date(self):
        return min(charge.date for charge in self.charges)

    @property
    def last_date(self):
        return max(charge.date for charge in self.charges)


def unbilled_by_client(client=None) -> list[Unbilled]:
    """Charges not yet on an invoice, grouped by client (one client when given)."""
    charges = UnbilledCharge.objects.filter(invoice_line__isnull=True)
    if client is not None:
        charges = charges.filter(client=client)
    groups: dict[int, Unbilled] = {}
    for charge in charges.select_related("client", "svr__ticket").order_by(
        "client__name", "date", "id"
    ):
        groups.setdefault(charge.client_id, Unbilled(charge.client)).charges.append(
            charge
        )
    return list(groups.values())


def draft_review(invoice: Invoice):
    """Each line of a draft with what it comes to if issued now, and the totals.

    Issued invoices carry their own figures; this is for the review before issuing,
    under the draft's rounding rule and the MSP's GST registration.
    """
    profile = BusinessProfile.current()
    registered = profile.gst_registered if profile is not None else True
    lines = list(invoice.lines.order_by("position", "id"))
    totals = gst.invoice_totals(
        [
            gst.LineInput(line.amount, line.tax_code, line.prices_include_gst)
            for line in lines
        ],
        invoice.rounding,
        registered=registered,
    )
    return list(zip(lines, totals.lines, strict=True)), totals
