"""Posting journal entries: the one place lines reach the ledger.

Every document service builds its legs and calls `post_entry` inside its own
transaction, so a document and its entry are written, or refused, together.
"""

import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction

from stratadesk.core.errors import Conflict, PermissionDenied, ValidationFailed
from stratadesk.core.sequences import take_next
from stratadesk.ledger import gst
from stratadesk.ledger.models import (
    Account,
    JournalEntry,
    JournalLine,
    LedgerSettings,
    LodgedPeriod,
)
from stratadesk.people.permissions import Action, can

logger = logging.getLogger(__name__)

ZERO = Decimal("0.00")


def require_ledger(actor) -> None:
    """Refuse anyone the permission matrix does not let keep the ledger."""
    if actor.is_system or can(actor.who, Action.KEEP_LEDGER):
        return
    raise PermissionDenied("Your role may not keep the ledger.")


def lock_lodgement() -> None:
    """Take the ledger's lodgement lock until the caller's transaction ends.

    Posting and lodging both lock the LedgerSettings row first, so they serialise: an
    entry committing while a period is lodged either lands before the BAS report is
    read, or waits and then sees the period lodged. Without it a document posted
    concurrently could land inside a lodged period and be missing from its report.
    Precondition: the caller is inside a transaction.
    """
    if LedgerSettings.objects.select_for_update().order_by("pk").first() is None:
        LedgerSettings.objects.create()


def lodged_period_holding(day: date) -> LodgedPeriod | None:
    return LodgedPeriod.objects.filter(start__lte=day, end__gte=day).first()


def refuse_lodged(day: date | None, what: str) -> None:
    """Refuse a document dated inside a lodged BAS period.

    Corrections of a lodged period are dated in the open period instead, where the
    BAS picks them up as adjustments.
    """
    if day is None:
        return
    period = lodged_period_holding(day)
    if period is not None:
        raise Conflict(
            f"The BAS period {period.start} to {period.end} is lodged; "
            f"{what} cannot be dated {day}. Date the correction in an open period.",
            code="period_lodged",
            start=period.start.isoformat(),
            end=period.end.isoformat(),
        )


@dataclass(frozen=True)
class Leg:
    """One side of a journal line before it is written."""

    account: Account
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    description: str = ""
    tax_code: str = ""
    bas_label: str = ""


def debit(account, amount, **extra) -> Leg:
    """A debit of `amount`, written as a credit when `amount` is negative."""
    amount = Decimal(amount)
    if amount < 0:
        return Leg(account, credit=-amount, **extra)
    return Leg(account, debit=amount, **extra)


def credit(account, amount, **extra) -> Leg:
    amount = Decimal(amount)
    if amount < 0:
        return Leg(account, debit=-amount, **extra)
    return Leg(account, credit=amount, **extra)


def post_entry(
    actor,
    *,
    day: date,
    kind: str,
    memo: str,
    legs: list[Leg],
    source=None,
    reverses: JournalEntry | None = None,
) -> JournalEntry:
    """Write one balanced, posted entry; the caller is in its document's transaction.

    Legs of zero are dropped (a GST-free invoice has no GST leg). The entry is read
    back and checked after writing, so SQLite keeps the promise PostgreSQL's deferred
    trigger keeps at commit.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("post_entry() must run inside its document's transaction")
    lock_lodgement()
    refuse_lodged(day, "a journal entry")

    legs = [leg for leg in legs if leg.debit or leg.credit]
    _check_legs(legs)

    entry = JournalEntry.objects.create(
        number=take_next("journal"),
        date=day,
        kind=kind,
        memo=memo[:300],
        source_type=source._meta.model_name if source is not None else "",
        source_id=source.pk if source is not None else None,
        reverses=reverses,
        created_by=actor.user,
    )
    JournalLine.objects.bulk_create(
        JournalLine(
            entry=entry,
            account=leg.account,
            debit=leg.debit,
            credit=leg.credit,
            description=leg.description[:300],
            tax_code=leg.tax_code,
            bas_label=leg.bas_label,
        )
        for leg in legs
    )

    if not entry.is_balanced():
        raise RuntimeError(f"journal entry {entry.number} does not balance")
    logger.info(
        "journal entry posted",
        extra={"entry_number": entry.number, "kind": kind, "lines": len(legs)},
    )
    return entry


def _check_legs(legs: list[Leg]) -> None:
    if len(legs) < 2:
        raise ValidationFailed("A journal entry needs at least two lines.")

    for leg in legs:
        for amount in (leg.debit, leg.credit):
            if amount < 0 or amount != gst.cents(amount):
                raise ValidationFailed(
                    "Journal amounts are positive and in whole cents.",
                    code="invalid_amount",
                )
        if leg.debit and leg.credit:
            raise ValidationFailed("A journal line is a debit or a credit, not both.")

    debits = sum((leg.debit for leg in legs), ZERO)
    credits = sum((leg.credit for leg in legs), ZERO)
    if debits != credits:
        raise ValidationFailed(
            f"The entry does not balance: debits {debits}, credits {credits}.",
            code="unbalanced",
        )


def reversal_legs(entry: JournalEntry) -> list[Leg]:
    """The legs that undo `entry`: every line with its sides swapped."""
    return [
        Leg(
            line.account,
            debit=line.credit,
            credit=line.debit,
            description=line.description,
            tax_code=line.tax_code,
            bas_label=line.bas_label,
        )
        for line in entry.lines.select_related("account")
    ]
