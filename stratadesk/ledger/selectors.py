"""Reading the ledger: scoped helpers, so no interface forgets a client filter."""

from django.db.models import DecimalField, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from stratadesk.ledger.models import Invoice, InvoiceStatus, JournalEntry
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
