"""Every change to the ledger goes through a function here.

Each one checks permission, validates, writes the document, posts its journal entry
and appends an audit event, all in one transaction. Issued invoices, posted entries
and anything dated inside a lodged BAS period are refused.
"""

import logging
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from stratadesk.core import audit, clock
from stratadesk.core.abn import normalise_abn
from stratadesk.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    full_clean_or_fail,
)
from stratadesk.core.models import BusinessProfile
from stratadesk.core.sequences import take_next
from stratadesk.ledger import documents, gst
from stratadesk.ledger.models import (
    Account,
    AccountKind,
    AdjustmentLine,
    AdjustmentNote,
    Allocation,
    BadDebt,
    BadDebtKind,
    Basis,
    Bill,
    BillingAgreement,
    BillLine,
    BillStatus,
    EntryKind,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    JournalEntry,
    LedgerSettings,
    LodgedPeriod,
    Payment,
    PaymentDirection,
    Supplier,
    SystemAccount,
    UnbilledCharge,
)
from stratadesk.ledger.posting import (
    Leg,
    credit,
    debit,
    lock_lodgement,
    lodged_period_holding,
    post_entry,
    refuse_lodged,
    require_ledger,
    reversal_legs,
)
from stratadesk.notifications import webhooks
from stratadesk.notifications.dispatch import notify
from stratadesk.notifications.models import NotifyEvent, WebhookEvent
from stratadesk.people.permissions import Action, can

logger = logging.getLogger(__name__)

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
# The largest amount typed in, and the largest line (quantity times price): a
# document's totals must still fit the ledger's 14-digit columns.
LARGEST_AMOUNT = Decimal("999999999.99")
DEFAULT_PAYMENT_TERMS_DAYS = 14

# Labels a manual journal line may carry; GST labels come only from documents.
MANUAL_BAS_LABELS = {"", "W1", "W2", "W3"}


def _money(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationFailed(
            f"{field} must be an amount.", fields={field: ["Not an amount."]}
        ) from None
    if not amount.is_finite() or amount != gst.cents(amount):
        raise ValidationFailed(
            f"{field} must be in whole cents.", fields={field: ["Whole cents only."]}
        )
    if abs(amount) > LARGEST_AMOUNT:
        raise ValidationFailed(
            f"{field} is larger than the ledger keeps.",
            fields={field: [f"At most {LARGEST_AMOUNT:,}."]},
        )
    return amount


def _gst_registered() -> bool:
    profile = BusinessProfile.current()
    return profile.gst_registered if profile is not None else True


def _refuse_without_supplier() -> None:
    """An invoice or note names its supplier, and a tax invoice its ABN too: none is
    issued until the business profile says who that is."""
    profile = BusinessProfile.current()
    if profile is None or not profile.legal_name.strip():
        raise ValidationFailed(
            "Set up the business profile (legal name and ABN) before issuing: every "
            "invoice names its supplier.",
            code="business_profile_missing",
        )
    if profile.gst_registered and not profile.abn:
        raise ValidationFailed(
            "A GST-registered business shows its ABN on every tax invoice; add it "
            "to the business profile first.",
            code="business_abn_missing",
        )


# Document lines -------------------------------------------------------------------


def _clean_lines(lines, allowed_codes, default_account) -> list[dict]:
    """Validate document lines given as dicts; returns them with defaults filled."""
    if not lines:
        raise ValidationFailed("A document needs at least one line.", code="no_lines")

    cleaned = []
    for index, line in enumerate(lines):
        prefix = f"lines[{index}]"
        description = (line.get("description") or "").strip()
        if not description:
            raise ValidationFailed(
                "Every line needs a description.",
                fields={f"{prefix}.description": ["Required."]},
            )
        # Quantities are kept to two places, like hours of 1.25 or 0.75.
        quantity = _money(line.get("quantity", "1"), f"{prefix}.quantity")
        unit_price = _money(line.get("unit_price"), f"{prefix}.unit_price")
        if quantity <= 0 or unit_price < 0:
            raise ValidationFailed(
                "Quantities are positive and prices are not negative.",
                fields={prefix: ["Check the quantity and price."]},
            )
        if quantity * unit_price > LARGEST_AMOUNT:
            raise ValidationFailed(
                "A line's quantity times its price is larger than the ledger keeps.",
                fields={prefix: [f"At most {LARGEST_AMOUNT:,} a line."]},
            )
        code = line.get("tax_code") or ""
        if code not in allowed_codes:
            raise ValidationFailed(
                f"Tax code {code!r} does not apply here.",
                fields={f"{prefix}.tax_code": [f"One of {sorted(allowed_codes)}."]},
            )
        account = line.get("account") or default_account
        _check_line_account(account, allowed_codes, f"{prefix}.account")
        cleaned.append(
            {
                "position": index,
                "description": description[:300],
                "quantity": quantity,
                "unit_price": unit_price,
                "tax_code": code,
                "prices_include_gst": bool(line.get("prices_include_gst", False)),
                "account": account,
            }
        )
    return cleaned


# What a document line may post to: a sale to income; a purchase to what it buys
# (an expense, cost of sales or an asset), never to a control account the services
# keep themselves (bank, debtors, creditors, GST, PAYG withholding).
_CONTROL_ROLES = {
    SystemAccount.BANK,
    SystemAccount.DEBTORS,
    SystemAccount.CREDITORS,
    SystemAccount.GST_COLLECTED,
    SystemAccount.GST_PAID,
    SystemAccount.PAYG_WITHHOLDING,
}
_SALE_KINDS = {AccountKind.INCOME}
_PURCHASE_KINDS = {AccountKind.EXPENSE, AccountKind.COST_OF_SALES, AccountKind.ASSET}


def _check_line_account(account, codes, field: str) -> None:
    # The codes a caller allows say which side the document is on.
    kinds = _SALE_KINDS if codes == gst.SALE_CODES else _PURCHASE_KINDS
    if account.kind not in kinds or account.system_role in _CONTROL_ROLES:
        raise ValidationFailed(
            f"{account} cannot take a document line; choose an "
            f"{' or '.join(sorted(k.label.lower() for k in kinds))} account.",
            fields={field: ["Not an account for this line."]},
        )


def _work_out(lines, rule: str, *, registered: bool = True) -> gst.InvoiceTotals:
    """Fill each line's net and GST under `rule`; returns the document totals."""
    totals = gst.invoice_totals(
        [
            gst.LineInput(line.amount, line.tax_code, line.prices_include_gst)
            for line in lines
        ],
        rule,
        registered=registered,
    )
    for line, worked in zip(lines, totals.lines, strict=True):
        line.net = worked.net
        line.gst = worked.gst
    return totals


# Sales invoices -------------------------------------------------------------------


def _locked_draft(invoice) -> Invoice:
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if not locked.is_draft:
        raise Conflict(
            f"{locked.reference_number} is issued and cannot change; "
            "raise an adjustment note to correct it.",
            code="invoice_issued",
        )
    # A draft posts nothing, so its date may sit in a lodged period: it can still be
    # re-dated, edited or deleted (releasing its charges); only issuing it there is
    # refused, by issue_invoice.
    return locked


@transaction.atomic
def create_invoice(
    actor,
    *,
    client,
    lines=(),
    issue_date: date | None = None,
    reference: str = "",
    notes: str = "",
    period_start: date | None = None,
    period_end: date | None = None,
) -> Invoice:
    """A draft invoice for `client`; `lines` are dicts as add_invoice_line takes."""
    require_ledger(actor)
    refuse_lodged(issue_date, "an invoice")

    settings = LedgerSettings.current()
    invoice = Invoice.objects.create(
        client=client,
        series=settings.invoice_series,
        issue_date=issue_date,
        reference=reference[:100],
        notes=notes,
        rounding=settings.rounding,
        period_start=period_start,
        period_end=period_end,
    )
    if lines:
        _add_lines(invoice, lines)
    audit.record(
        actor, "invoice.created", invoice, client=client, data={"lines": len(lines)}
    )
    return invoice


def _add_lines(invoice, lines) -> list[InvoiceLine]:
    sales = Account.for_role(SystemAccount.SALES)
    start = invoice.lines.count()
    made = [
        InvoiceLine(invoice=invoice, **{**line, "position": start + line["position"]})
        for line in _clean_lines(lines, gst.SALE_CODES, sales)
    ]
    made = InvoiceLine.objects.bulk_create(made)
    _refresh_draft_totals(invoice)
    return made


def _refresh_draft_totals(invoice) -> None:
    """Work out every line of a draft again, and its totals, under its rounding rule.

    Under the whole-invoice rule one line's change moves the others' share of the
    GST, so all of them are saved, not only the line that changed. The caller holds
    the draft's row lock.
    """
    lines = list(invoice.lines.all())
    totals = _work_out(lines, invoice.rounding, registered=_gst_registered())
    InvoiceLine.objects.bulk_update(lines, ["net", "gst"])
    invoice.net_total = totals.net
    invoice.gst_total = totals.gst
    invoice.total = totals.gross
    invoice.save(update_fields=["net_total", "gst_total", "total"])


@transaction.atomic
def add_invoice_line(actor, invoice, **line) -> InvoiceLine:
    """Add one line (description, quantity, unit_price, tax_code, prices_include_gst,
    account) to a draft invoice."""
    require_ledger(actor)
    locked = _locked_draft(invoice)
    (made,) = _add_lines(locked, [line])
    audit.record(
        actor,
        "invoice.line_added",
        locked,
        client=locked.client,
        data={"description": made.description, "tax_code": made.tax_code},
    )
    return made


# What a draft's line may have changed in place, and how each is read.
LINE_FIELDS = {
    "description",
    "quantity",
    "unit_price",
    "tax_code",
    "prices_include_gst",
}


@transaction.atomic
def update_invoice_line(actor, line: InvoiceLine, **fields) -> InvoiceLine:
    """Change a draft line's description, quantity, unit price, tax code or whether
    its prices include GST; the draft's totals are worked out again."""
    require_ledger(actor)
    locked = _locked_draft(line.invoice)
    unknown = set(fields) - LINE_FIELDS
    if unknown:
        raise ValidationFailed(
            f"These cannot be changed on a line: {', '.join(sorted(unknown))}."
        )

    current = InvoiceLine.objects.select_for_update().get(pk=line.pk)
    wanted = {name: getattr(current, name) for name in LINE_FIELDS}
    try:
        (cleaned,) = _clean_lines(
            [{**wanted, **fields}], gst.SALE_CODES, current.account
        )
    except ValidationFailed as exc:
        # One line is being changed: name its fields, not a position in a list.
        exc.fields = {
            key.removeprefix("lines[0]").lstrip(".") or "line": messages
            for key, messages in exc.fields.items()
        }
        raise
    changed = {
        name: cleaned[name]
        for name in LINE_FIELDS
        if cleaned[name] != getattr(current, name)
    }
    if not changed:
        return current
    for name, value in changed.items():
        setattr(current, name, value)
    current.save(update_fields=list(changed))
    _refresh_draft_totals(locked)
    current.refresh_from_db()
    audit.record(
        actor,
        "invoice.line_updated",
        locked,
        client=locked.client,
        data={
            "line": current.pk,
            **{name: str(value) for name, value in changed.items()},
        },
    )
    return current


@transaction.atomic
def remove_invoice_line(actor, line: InvoiceLine) -> None:
    """Take a line off a draft. A charge it billed is unbilled again (its link is
    set null), and a monthly fee it billed frees its month for the next build."""
    require_ledger(actor)
    locked = _locked_draft(line.invoice)
    released = UnbilledCharge.objects.filter(invoice_line=line).update(
        invoice_line=None
    )
    line.delete()
    _refresh_draft_totals(locked)
    audit.record(
        actor,
        "invoice.line_removed",
        locked,
        client=locked.client,
        data={"description": line.description, "charges_released": released},
    )


@transaction.atomic
def update_draft_invoice(actor, invoice, **fields) -> Invoice:
    """Change a draft's issue date, reference, notes or billing period."""
    require_ledger(actor)
    locked = _locked_draft(invoice)

    allowed = {"issue_date", "reference", "notes", "period_start", "period_end"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationFailed(
            f"These cannot be changed: {', '.join(sorted(unknown))}."
        )
    refuse_lodged(fields.get("issue_date"), "an invoice")

    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(fields))
    audit.record(
        actor,
        "invoice.updated",
        locked,
        client=locked.client,
        data={name: str(value) for name, value in fields.items()},
    )
    return locked


@transaction.atomic
def delete_draft_invoice(actor, invoice) -> None:
    """A draft never numbered may be thrown away; an issued invoice never."""
    require_ledger(actor)
    locked = _locked_draft(invoice)
    # Its charges go back to unbilled; its fee months free with its lines.
    released = UnbilledCharge.objects.filter(invoice_line__invoice=locked).update(
        invoice_line=None
    )
    locked.lines.all().delete()
    audit.record(
        actor,
        "invoice.deleted",
        locked,
        client=locked.client,
        data={"charges_released": released},
    )
    locked.delete()


def payment_terms_days(client) -> int:
    agreement = BillingAgreement.objects.filter(client=client).first()
    return agreement.payment_terms_days if agreement else DEFAULT_PAYMENT_TERMS_DAYS


@transaction.atomic
def issue_invoice(actor, invoice, *, issue_date: date | None = None) -> Invoice:
    """Number, total and post a draft invoice; from here on it never changes."""
    require_ledger(actor)
    locked = _locked_draft(invoice)
    # Today in the MSP's own time zone: just after midnight in Sydney is still
    # yesterday in UTC.
    day = issue_date or locked.issue_date or timezone.localdate(clock.now())
    refuse_lodged(day, "an invoice")

    lines = list(locked.lines.select_related("account"))
    if not lines:
        raise ValidationFailed("An invoice needs at least one line.", code="no_lines")
    _refuse_without_supplier()
    registered = _gst_registered()
    totals = _work_out(lines, locked.rounding, registered=registered)
    if totals.gross <= ZERO:
        raise ValidationFailed("An invoice's total must be more than zero.")
    InvoiceLine.objects.bulk_update(lines, ["net", "gst"])

    # The counter row is locked until this transaction ends, so numbers are gapless:
    # a refused issue below rolls its number back.
    locked.number = take_next(f"invoice:{locked.series}")
    locked.issue_date = day
    locked.due_date = day + timedelta(days=payment_terms_days(locked.client))
    locked.tax_invoice = registered
    locked.net_total = totals.net
    locked.gst_total = totals.gst
    locked.total = totals.gross
    locked.status = InvoiceStatus.ISSUED
    locked.issued_at = clock.now()

    locked.journal_entry = post_entry(
        actor,
        day=day,
        kind=EntryKind.INVOICE,
        memo=f"Invoice {locked.reference_number} to {locked.client}",
        source=locked,
        legs=[
            debit(Account.for_role(SystemAccount.DEBTORS), totals.gross),
            *(
                credit(
                    line.account,
                    line.net,
                    description=line.description,
                    tax_code=line.tax_code,
                )
                for line in lines
            ),
            credit(
                Account.for_role(SystemAccount.GST_COLLECTED),
                totals.gst,
                tax_code=gst.TaxCode.GST,
                bas_label="1A",
            ),
        ],
    )
    locked.save()

    audit.record(
        actor,
        "invoice.issued",
        locked,
        client=locked.client,
        data={"total": str(locked.total), "gst": str(locked.gst_total)},
    )
    # The PDF, then whoever the client's rules name (its billing contacts, with the
    # PDF attached, and its webhooks by default), all queued with the issue.
    documents.queue_render(locked)
    notify(
        NotifyEvent.INVOICE_ISSUED,
        client=locked.client,
        key=locked.pk,
        invoice=locked,
        attach_invoice=locked.pk,
        webhook=(WebhookEvent.INVOICE_ISSUED, webhooks.invoice_data(locked)),
    )
    logger.info(
        "invoice issued",
        extra={"invoice_id": locked.pk, "number": locked.reference_number},
    )
    return locked


def _settle_status(invoice: Invoice) -> str:
    # A balance below zero is a refund owed after a credit; the invoice is settled.
    if invoice.balance > ZERO:
        return (
            InvoiceStatus.PARTLY_PAID
            if invoice.amount_paid > ZERO
            else InvoiceStatus.ISSUED
        )
    if invoice.amount_written_off > ZERO:
        return InvoiceStatus.WRITTEN_OFF
    return InvoiceStatus.PAID


def _locked_issued(invoice) -> Invoice:
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if locked.is_draft:
        raise Conflict(
            "A draft invoice has nothing to pay, credit or write off; issue it first.",
            code="invoice_draft",
        )
    return locked


def _save_settlement(invoice: Invoice, *fields: str) -> None:
    invoice.status = _settle_status(invoice)
    invoice.save(update_fields=[*fields, "status"])


# Adjustment notes -----------------------------------------------------------------


@transaction.atomic
def issue_adjustment_note(actor, invoice, *, day: date, reason: str, lines):
    """Credit part of an issued invoice, stating the reason.

    A note in the invoice's own BAS period reduces the sale; one in a later period is
    a decreasing adjustment (G18 and 1B).
    """
    require_ledger(actor)
    locked = _locked_issued(invoice)
    refuse_lodged(day, "an adjustment note")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            "An adjustment note states its reason.", fields={"reason": ["Required."]}
        )
    if day < locked.issue_date:
        raise ValidationFailed("An adjustment note cannot predate its invoice.")
    _refuse_without_supplier()

    cleaned = _clean_lines(lines, gst.SALE_CODES, Account.for_role(SystemAccount.SALES))
    made = [AdjustmentLine(**line) for line in cleaned]
    totals = _work_out(made, locked.rounding, registered=locked.tax_invoice)
    creditable = locked.creditable
    if totals.gross <= ZERO or totals.gross > creditable:
        raise ValidationFailed(
            f"The credit must be more than zero and at most the {creditable} "
            f"not yet credited or written off on {locked.reference_number}.",
            code="credit_too_large",
        )
    totals = _fit_to_what_was_charged(locked, made, totals)

    # The sale belongs to its accrual period, which a payment before the invoice's
    # date moves back; a credit in a later period than that is an adjustment.
    frequency = LedgerSettings.current().bas_frequency
    sold = gst.accrual_date(
        locked.issue_date, locked.allocations.values_list("payment__date", flat=True)
    )
    earlier = gst.period_containing(sold, frequency) != (
        gst.period_containing(day, frequency)
    )
    note = AdjustmentNote(
        invoice=locked,
        number=take_next("adjustment_note"),
        date=day,
        reason=reason[:300],
        adjusts_earlier_period=earlier,
        net_total=totals.net,
        gst_total=totals.gst,
        total=totals.gross,
    )
    note.save()
    note.journal_entry = post_entry(
        actor,
        source=note,
        day=day,
        kind=EntryKind.ADJUSTMENT,
        memo=f"Adjustment note {note.reference_number} for {locked.reference_number}",
        legs=[
            *(
                debit(
                    line.account,
                    line.net,
                    description=line.description,
                    tax_code=line.tax_code,
                )
                for line in made
            ),
            # Debiting GST collected: at 1A it reduces this period's GST on sales; at
            # 1B it is an adjustment claimed back for an earlier period's sale.
            debit(
                Account.for_role(SystemAccount.GST_COLLECTED),
                totals.gst,
                tax_code=gst.TaxCode.GST,
                bas_label="1B" if earlier else "1A",
            ),
            credit(Account.for_role(SystemAccount.DEBTORS), totals.gross),
        ],
    )
    note.save(update_fields=["journal_entry"])
    for line in made:
        line.note = note
    AdjustmentLine.objects.bulk_create(made)

    locked.amount_credited += totals.gross
    _save_settlement(locked, "amount_credited")
    audit.record(
        actor,
        "adjustment_note.issued",
        note,
        client=locked.client,
        reason=reason,
        data={"invoice": locked.reference_number, "total": str(totals.gross)},
    )
    _announce_note(note)
    return note


def _fit_to_what_was_charged(invoice, made, totals) -> gst.InvoiceTotals:
    """A note credits only what the invoice charged: per tax code, no more than the
    invoice's lines of that code less earlier notes, and no more GST than it bore.

    Otherwise a note could claim back GST that was never reported, or turn a
    GST-free sale into a GST credit. The note that credits the last of the taxable
    lines takes the GST that is left, as the last payment does on the cash basis,
    so rounding never leaves a cent of GST behind or credits one too many.
    Returns the note's totals after that fitting.
    """
    charged: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for line in invoice.lines.all():
        charged[line.tax_code] += line.gross
    for line in AdjustmentLine.objects.filter(note__invoice=invoice):
        charged[line.tax_code] -= line.gross

    asked: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for line in made:
        asked[line.tax_code] += line.gross
    for code, amount in sorted(asked.items()):
        left = max(charged[code], ZERO)
        if amount > left:
            raise ValidationFailed(
                f"{invoice.reference_number} has {left} of {code} lines left to "
                f"credit; this note credits {amount} at {code}.",
                code="credit_too_large",
                fields={"lines": [f"At most {left} at tax code {code}."]},
            )

    gst_left = invoice.gst_total - sum(
        invoice.adjustment_notes.values_list("gst_total", flat=True), ZERO
    )
    taxable = [line for line in made if line.gst]
    crediting_the_rest = asked[gst.TaxCode.GST] == charged[gst.TaxCode.GST] > ZERO
    # Rounding each line can go a cent per line past the GST left; more than that
    # is a credit of GST never charged.
    if taxable and (
        crediting_the_rest or ZERO < totals.gst - gst_left <= len(taxable) * CENT
    ):
        # The price stays as typed; only its split between net and GST moves.
        shift = gst_left - totals.gst
        taxable[-1].gst += shift
        taxable[-1].net -= shift
        totals = gst.InvoiceTotals(
            lines=totals.lines, net=totals.net - shift, gst=gst_left
        )
    if totals.gst > gst_left:
        raise ValidationFailed(
            f"{invoice.reference_number} charged {invoice.gst_total} GST, of which "
            f"{gst_left} is not yet credited; this note credits {totals.gst}.",
            code="credit_too_large",
        )
    return totals


def _announce_note(note: AdjustmentNote) -> None:
    """Queue the note's PDF and tell the client as for an invoice: its billing
    contacts by email with the PDF attached, and its webhooks. Caller holds the
    issuing transaction, so a note that rolls back sends nothing."""
    documents.queue_render(note)
    notify(
        NotifyEvent.ADJUSTMENT_NOTE_ISSUED,
        client=note.invoice.client,
        key=note.pk,
        note=note,
        invoice=note.invoice,
        attach_adjustment_note=note.pk,
        webhook=(
            WebhookEvent.ADJUSTMENT_NOTE_ISSUED,
            webhooks.adjustment_note_data(note),
        ),
    )
    logger.info(
        "adjustment note issued",
        extra={"note_id": note.pk, "invoice_id": note.invoice_id},
    )


# Suppliers and bills --------------------------------------------------------------


def _abn_or_fail(value: str) -> str:
    if not (value or "").strip():
        return ""
    try:
        return normalise_abn(value)
    except ValidationError as exc:
        raise ValidationFailed(
            "The ABN is not valid.", fields={"abn": list(exc.messages)}
        ) from None


@transaction.atomic
def create_supplier(
    actor, *, name: str, abn: str = "", gst_registered: bool = True, **extra
) -> Supplier:
    """A supplier; an ABN typed with spaces or hyphens is stored as 11 digits."""
    require_ledger(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(
            "A supplier needs a name.", fields={"name": ["Required."]}
        )

    supplier = Supplier.objects.create(
        name=name[:200], abn=_abn_or_fail(abn), gst_registered=gst_registered, **extra
    )
    audit.record(actor, "supplier.created", supplier, data={"abn": supplier.abn})
    return supplier


SUPPLIER_FIELDS = {
    "name",
    "abn",
    "gst_registered",
    "email",
    "default_account",
    "is_active",
}


@transaction.atomic
def update_supplier(actor, supplier: Supplier, **fields) -> Supplier:
    """Change a supplier's details; an ABN is checked and stored as 11 digits.

    Bills already recorded keep what they were recorded with (their withholding,
    GST and journal entry): a supplier who quotes an ABN later is withheld from no
    more, but what was withheld stays withheld.
    """
    require_ledger(actor)
    unknown = set(fields) - SUPPLIER_FIELDS
    if unknown:
        raise ValidationFailed(
            f"These cannot be changed: {', '.join(sorted(unknown))}."
        )
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()[:200]
        if not fields["name"]:
            raise ValidationFailed(
                "A supplier needs a name.", fields={"name": ["Required."]}
            )
    if "abn" in fields:
        fields["abn"] = _abn_or_fail(fields["abn"])

    locked = Supplier.objects.select_for_update().get(pk=supplier.pk)
    changed = {
        name: (getattr(locked, name), value)
        for name, value in fields.items()
        if getattr(locked, name) != value
    }
    if not changed:
        return locked
    for name, (_, value) in changed.items():
        setattr(locked, name, value)
    full_clean_or_fail(locked)
    locked.save(update_fields=list(changed))
    audit.record(
        actor,
        "supplier.updated",
        locked,
        data={
            name: {"from": str(old), "to": str(new)}
            for name, (old, new) in changed.items()
        },
    )
    return locked


def _no_credit_reason(supplier: Supplier) -> str:
    """Why a bill from `supplier` can claim no GST credit; "" when it can."""
    if not _gst_registered():
        return "The business is not registered for GST, so it claims no GST credits"
    if not supplier.gst_registered:
        return f"{supplier} is not registered for GST and issues no tax invoice"
    if not supplier.abn:
        # A tax invoice must show the supplier's ABN; without one there is no credit,
        # and the purchase is reported without GST (NCF) as GST_BAS.md lists it.
        return f"{supplier} quoted no ABN, so its bill is not a tax invoice"
    return ""


def _refuse_gst_credit(lines, reason: str) -> None:
    """Refuse GST-bearing purchase codes when no GST credit may be claimed.

    They are refused rather than quietly recorded without GST, because a CAP or NCG
    line would still count at G10 or G11 and so claim a credit through the worksheet.
    """
    if not reason:
        return
    for index, line in enumerate(lines or ()):
        code = line.get("tax_code") or ""
        if code in gst.PURCHASE_CODES and gst.tax_code(code).carries_gst:
            raise ValidationFailed(
                f"{reason}; record tax code {code} as NCF (purchase without GST).",
                code="no_gst_credit",
                fields={f"lines[{index}].tax_code": [f"{reason}; use NCF."]},
            )


@transaction.atomic
def record_bill(
    actor,
    *,
    supplier: Supplier,
    day: date,
    lines,
    supplier_reference: str = "",
    due_date: date | None = None,
) -> Bill:
    """Record and post a supplier's bill.

    A supplier who quoted no ABN has 47% of the bill withheld and owed to the ATO
    (label W4) instead of to them. GST-bearing codes are refused when no credit may
    be claimed: the MSP is not registered, or the supplier is not or quoted no ABN.
    """
    require_ledger(actor)
    refuse_lodged(day, "a bill")

    _refuse_gst_credit(lines, _no_credit_reason(supplier))
    default = supplier.default_account or Account.for_role(SystemAccount.PURCHASES)
    made = [
        BillLine(**line) for line in _clean_lines(lines, gst.PURCHASE_CODES, default)
    ]
    totals = _work_out(made, gst.Rounding.PER_LINE, registered=_gst_registered())
    if totals.gross <= ZERO:
        raise ValidationFailed("A bill's total must be more than zero.")
    withheld = gst.no_abn_withholding(totals.gross) if not supplier.abn else ZERO

    bill = Bill(
        supplier=supplier,
        supplier_reference=supplier_reference[:100],
        date=day,
        due_date=due_date,
        net_total=totals.net,
        gst_total=totals.gst,
        total=totals.gross,
        withheld=withheld,
    )
    bill.save()
    bill.journal_entry = post_entry(
        actor,
        source=bill,
        day=day,
        kind=EntryKind.BILL,
        memo=" ".join(
            filter(None, ["Bill", supplier_reference, "from", str(supplier)])
        ),
        legs=[
            *(
                debit(
                    line.account,
                    line.net,
                    description=line.description,
                    tax_code=line.tax_code,
                )
                for line in made
            ),
            debit(
                Account.for_role(SystemAccount.GST_PAID),
                totals.gst,
                tax_code=gst.TaxCode.NCG,
                bas_label="1B",
            ),
            credit(Account.for_role(SystemAccount.CREDITORS), totals.gross - withheld),
            credit(
                Account.for_role(SystemAccount.PAYG_WITHHOLDING),
                withheld,
                description="Withheld: supplier quoted no ABN",
                bas_label="W4",
            ),
        ],
    )
    bill.save(update_fields=["journal_entry"])
    for line in made:
        line.bill = bill
    BillLine.objects.bulk_create(made)

    audit.record(
        actor,
        "bill.recorded",
        bill,
        data={"supplier": supplier.pk, "total": str(bill.total)},
    )
    return bill


# Payments -------------------------------------------------------------------------


@transaction.atomic
def receive_payment(
    actor, *, client, day: date, amount, allocations, reference: str = ""
) -> Payment:
    """Money in from `client`, allocated to its invoices as [(invoice, amount), ...]."""
    require_ledger(actor)
    refuse_lodged(day, "a payment")
    amount = _money(amount, "amount")
    invoices = _allocate(amount, allocations, day=day, client=client)

    payment = Payment(
        direction=PaymentDirection.RECEIVED,
        date=day,
        amount=amount,
        client=client,
        reference=reference[:100],
    )
    payment.save()
    payment.journal_entry = post_entry(
        actor,
        source=payment,
        day=day,
        kind=EntryKind.PAYMENT_RECEIVED,
        memo=f"Payment from {client} {reference}".strip(),
        legs=[
            debit(Account.for_role(SystemAccount.BANK), amount),
            credit(Account.for_role(SystemAccount.DEBTORS), amount),
        ],
    )
    payment.save(update_fields=["journal_entry"])

    for invoice, share in invoices:
        Allocation.objects.create(payment=payment, invoice=invoice, amount=share)
        invoice.amount_paid += share
        _save_settlement(invoice, "amount_paid")
    audit.record(
        actor,
        "payment.received",
        payment,
        client=client,
        data={
            "amount": str(amount),
            "invoices": [invoice.reference_number for invoice, _ in invoices],
        },
    )
    return payment


def _allocate(amount: Decimal, allocations, *, day, client=None, supplier=None):
    """Lock and check each document an amount is allocated to."""
    if amount <= ZERO:
        raise ValidationFailed("A payment is more than zero.")
    if not allocations:
        raise ValidationFailed(
            "Allocate the payment to at least one document.", code="no_allocation"
        )

    # Each document once: two shares of one invoice would each be checked against
    # the same balance, and the second saved over the first.
    named = [document.pk for document, _ in allocations]
    if len(named) != len(set(named)):
        raise ValidationFailed(
            "Allocate to each document once, with its whole share.",
            code="duplicate_allocation",
        )

    checked = []
    for document, share in allocations:
        share = _money(share, "allocation")
        if supplier is None:
            locked = _locked_issued(document)
            if locked.client_id != client.pk:
                raise ValidationFailed(f"{locked} is not {client}'s invoice.")
        else:
            locked = Bill.objects.select_for_update().get(pk=document.pk)
            if locked.supplier_id != supplier.pk:
                raise ValidationFailed(f"{locked} is not from {supplier}.")
        if share <= ZERO or share > locked.balance:
            raise ValidationFailed(
                f"{share} is more than the {locked.balance} owing on {locked}.",
                code="overallocated",
            )
        _refuse_moving_lodged_gst(locked, day)
        checked.append((locked, share))

    if sum((share for _, share in checked), ZERO) != amount:
        raise ValidationFailed(
            "The allocations must add up to the payment.", code="allocation_mismatch"
        )
    return checked


def _refuse_moving_lodged_gst(document, day: date) -> None:
    """On accruals a payment before a document's date moves its GST to the payment's
    period; a document already reported in a lodged BAS must stay where it is."""
    attributed = gst.accrual_date(
        getattr(document, "issue_date", None) or document.date,
        document.allocations.values_list("payment__date", flat=True),
    )
    period = lodged_period_holding(attributed) if day < attributed else None
    if period is not None:
        raise Conflict(
            f"{document} is reported in the BAS lodged for {period.start} to "
            f"{period.end}; a payment dated {day}, before it, would move its GST "
            "out of that period. Date the payment on or after "
            f"{attributed}.",
            code="period_lodged",
            start=period.start.isoformat(),
            end=period.end.isoformat(),
        )


@transaction.atomic
def make_payment(
    actor, *, supplier, day: date, amount, allocations, reference: str = ""
) -> Payment:
    """Money out to `supplier`, allocated to its bills as [(bill, amount), ...]."""
    require_ledger(actor)
    refuse_lodged(day, "a payment")
    amount = _money(amount, "amount")
    bills = _allocate(amount, allocations, day=day, supplier=supplier)

    payment = Payment(
        direction=PaymentDirection.MADE,
        date=day,
        amount=amount,
        supplier=supplier,
        reference=reference[:100],
    )
    payment.save()
    payment.journal_entry = post_entry(
        actor,
        source=payment,
        day=day,
        kind=EntryKind.PAYMENT_MADE,
        memo=f"Payment to {supplier} {reference}".strip(),
        legs=[
            debit(Account.for_role(SystemAccount.CREDITORS), amount),
            credit(Account.for_role(SystemAccount.BANK), amount),
        ],
    )
    payment.save(update_fields=["journal_entry"])

    for bill, share in bills:
        Allocation.objects.create(payment=payment, bill=bill, amount=share)
        bill.amount_paid += share
        bill.status = (
            BillStatus.PAID if bill.balance == ZERO else BillStatus.PARTLY_PAID
        )
        bill.save(update_fields=["amount_paid", "status"])
    audit.record(
        actor,
        "payment.made",
        payment,
        data={"amount": str(amount), "bills": [bill.pk for bill, _ in bills]},
    )
    return payment


# Bad debts ------------------------------------------------------------------------


def _gst_written_off(invoice: Invoice, amount: Decimal) -> Decimal:
    """The GST in `amount` written off: its share of the GST still on the invoice.

    Credits come off first, with their own GST: once a note has credited the
    taxable lines, what is left owing may be GST-free and carry no GST at all.
    """
    if LedgerSettings.current().basis != Basis.ACCRUALS:
        # On the cash basis unpaid GST was never reported, so there is none to adjust.
        return ZERO
    notes = invoice.adjustment_notes.all()
    gross = invoice.total - sum((note.total for note in notes), ZERO)
    tax = invoice.gst_total - sum((note.gst_total for note in notes), ZERO)
    if gross <= ZERO or tax <= ZERO:
        return ZERO
    write_offs = invoice.bad_debts.filter(kind=BadDebtKind.WRITE_OFF)
    already = sum((debt.gst_adjustment for debt in write_offs), ZERO)
    return min(gst.cents(tax * amount / gross), max(tax - already, ZERO))


def _gst_recovered(invoice: Invoice, amount: Decimal) -> Decimal:
    """The GST in `amount` recovered: the written-off GST in proportion, worked out
    cumulatively so that recovering a debt in parts gives back exactly its GST."""
    debts = list(invoice.bad_debts.all())
    written = [d for d in debts if d.kind == BadDebtKind.WRITE_OFF]
    recovered = [d for d in debts if d.kind == BadDebtKind.RECOVERY]
    written_gst = sum((d.gst_adjustment for d in written), ZERO)
    before = sum((d.amount for d in recovered), ZERO)
    given_back = sum((d.gst_adjustment for d in recovered), ZERO)
    reached = gst.cash_attributed(
        written_gst, sum((d.amount for d in written), ZERO), before + amount
    )
    return max(reached - given_back, ZERO)


@transaction.atomic
def write_off_bad_debt(
    actor, invoice, *, day: date, reason: str, amount=None
) -> BadDebt:
    """Write off what a client will not pay; its GST is a decreasing adjustment."""
    require_ledger(actor)
    locked = _locked_issued(invoice)
    refuse_lodged(day, "a write-off")
    amount = locked.balance if amount is None else _money(amount, "amount")
    if amount <= ZERO or amount > locked.balance:
        raise ValidationFailed(
            f"At most the {locked.balance} owing may be written off.",
            code="overallocated",
        )

    gst_part = _gst_written_off(locked, amount)
    written = BadDebt(
        invoice=locked,
        kind=BadDebtKind.WRITE_OFF,
        date=day,
        amount=amount,
        gst_adjustment=gst_part,
        reason=(reason or "")[:300],
    )
    written.save()
    written.journal_entry = post_entry(
        actor,
        source=written,
        day=day,
        kind=EntryKind.WRITE_OFF,
        memo=f"Bad debt written off: {locked.reference_number}",
        legs=[
            debit(Account.for_role(SystemAccount.BAD_DEBTS), amount - gst_part),
            debit(
                Account.for_role(SystemAccount.GST_COLLECTED),
                gst_part,
                tax_code=gst.TaxCode.GST,
                bas_label="1B",
            ),
            credit(Account.for_role(SystemAccount.DEBTORS), amount),
        ],
    )
    written.save(update_fields=["journal_entry"])

    locked.amount_written_off += amount
    _save_settlement(locked, "amount_written_off")
    audit.record(
        actor,
        "invoice.written_off",
        locked,
        client=locked.client,
        reason=written.reason,
        data={"amount": str(amount), "gst_adjustment": str(gst_part)},
    )
    return written


@transaction.atomic
def recover_bad_debt(actor, invoice, *, day: date, amount, reason: str = "") -> BadDebt:
    """Money received for a debt written off: its GST is an increasing adjustment."""
    require_ledger(actor)
    locked = _locked_issued(invoice)
    refuse_lodged(day, "a recovery")
    amount = _money(amount, "amount")
    recovered = sum(
        (d.amount for d in locked.bad_debts.filter(kind=BadDebtKind.RECOVERY)), ZERO
    )
    if amount <= ZERO or amount > locked.amount_written_off - recovered:
        raise ValidationFailed(
            "Only an amount written off and not yet recovered may be recovered."
        )

    gst_part = _gst_recovered(locked, amount)
    recovery = BadDebt(
        invoice=locked,
        kind=BadDebtKind.RECOVERY,
        date=day,
        amount=amount,
        gst_adjustment=gst_part,
        reason=(reason or "")[:300],
    )
    recovery.save()
    recovery.journal_entry = post_entry(
        actor,
        source=recovery,
        day=day,
        kind=EntryKind.RECOVERY,
        memo=f"Bad debt recovered: {locked.reference_number}",
        legs=[
            debit(Account.for_role(SystemAccount.BANK), amount),
            credit(
                Account.for_role(SystemAccount.BAD_DEBTS_RECOVERED), amount - gst_part
            ),
            credit(
                Account.for_role(SystemAccount.GST_COLLECTED),
                gst_part,
                tax_code=gst.TaxCode.GST,
                bas_label="1A",
            ),
        ],
    )
    recovery.save(update_fields=["journal_entry"])
    audit.record(
        actor,
        "invoice.debt_recovered",
        locked,
        client=locked.client,
        data={"amount": str(amount), "gst_adjustment": str(gst_part)},
    )
    return recovery


# Manual journals ------------------------------------------------------------------


@transaction.atomic
def post_manual_journal(actor, *, day: date, memo: str, lines) -> JournalEntry:
    """A journal typed by Accounts: wages, bank interest, bank fees, adjustments.

    Each line is a dict of account, debit or credit, description, tax_code and
    bas_label. GST-bearing tax codes are refused: GST reaches the ledger only through
    invoices and bills, which keep their documents for the BAS drill-down.
    """
    require_ledger(actor)
    memo = (memo or "").strip()
    if not memo:
        raise ValidationFailed(
            "A journal needs a memo.", fields={"memo": ["Required."]}
        )

    legs = []
    for index, line in enumerate(lines):
        code = line.get("tax_code", "")
        if code and gst.tax_code(code).carries_gst:
            raise ValidationFailed(
                f"Tax code {code} carries GST; record an invoice or bill instead.",
                fields={f"lines[{index}].tax_code": ["Not in a manual journal."]},
            )
        label = line.get("bas_label", "")
        if label not in MANUAL_BAS_LABELS:
            raise ValidationFailed(
                f"BAS label {label!r} cannot be set by hand.",
                fields={f"lines[{index}].bas_label": ["W1, W2 or W3 only."]},
            )
        # Wages are an expense (a debit at W1); what is withheld from them is owed
        # to the ATO (a credit at W2, W3). The other side would net a label down
        # without a trace; a mistake is undone by reversing the journal.
        side = "debit" if label == "W1" else "credit"
        other = "credit" if side == "debit" else "debit"
        if label and _money(line.get(other, ZERO), f"lines[{index}].{other}"):
            raise ValidationFailed(
                f"A {label} line is a {side}.",
                fields={f"lines[{index}].{other}": [f"{label} is a {side}."]},
            )
        legs.append(
            Leg(
                line["account"],
                debit=_money(line.get("debit", ZERO), f"lines[{index}].debit"),
                credit=_money(line.get("credit", ZERO), f"lines[{index}].credit"),
                description=line.get("description", ""),
                tax_code=code,
                bas_label=label,
            )
        )

    entry = post_entry(actor, day=day, kind=EntryKind.MANUAL, memo=memo, legs=legs)
    audit.record(actor, "journal.posted", entry, data={"memo": memo})
    return entry


def post_wages(
    actor, *, day: date, gross, withheld, memo: str = "Wages"
) -> JournalEntry:
    """A pay run: gross wages (W1), PAYG withheld from them (W2), the rest paid."""
    gross = _money(gross, "gross")
    withheld = _money(withheld, "withheld")
    return post_manual_journal(
        actor,
        day=day,
        memo=memo,
        lines=[
            {
                "account": Account.for_role(SystemAccount.WAGES),
                "debit": gross,
                "tax_code": gst.TaxCode.NT,
                "bas_label": "W1",
            },
            {
                "account": Account.for_role(SystemAccount.PAYG_WITHHOLDING),
                "credit": withheld,
                "bas_label": "W2",
            },
            {
                "account": Account.for_role(SystemAccount.BANK),
                "credit": gross - withheld,
            },
        ],
    )


@transaction.atomic
def reverse_entry(actor, entry: JournalEntry, *, day: date, reason: str):
    """Undo a manual journal with a reversing entry; the original stays as posted.

    Documents are corrected by their own documents (adjustment notes, write-offs),
    which keep the BAS drill-down honest, so only manual journals reverse here.
    """
    require_ledger(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            "Say why it is reversed.", fields={"reason": ["Required."]}
        )
    if entry.kind != EntryKind.MANUAL:
        raise Conflict(
            "Only manual journals are reversed; correct a document with its own "
            "adjustment.",
            code="not_reversible",
        )
    if JournalEntry.objects.filter(reverses=entry).exists():
        raise Conflict(f"J{entry.number} is already reversed.", code="already_reversed")

    reversal = post_entry(
        actor,
        day=day,
        kind=EntryKind.REVERSAL,
        memo=f"Reversal of J{entry.number}: {reason}",
        legs=reversal_legs(entry),
        reverses=entry,
    )
    audit.record(
        actor, "journal.reversed", entry, reason=reason, data={"by": reversal.number}
    )
    return reversal


# Lodgement ------------------------------------------------------------------------


@transaction.atomic
def lodge_period(actor, *, start: date, end: date, basis: str | None = None):
    """Mark a BAS period lodged, keeping the report as lodged; it is locked after."""
    from stratadesk.ledger import bas

    require_ledger(actor)
    if end < start:
        raise ValidationFailed("A period ends on or after it starts.")
    # Only a whole BAS period that is over: a typed end of 2099 would otherwise lock
    # the books for good, and half a quarter would split a period's own credits.
    frequency = LedgerSettings.current().bas_frequency
    whole = gst.period_containing(start, frequency)
    if whole != (start, end):
        length = "month" if frequency == gst.Frequency.MONTHLY else "quarter"
        raise ValidationFailed(
            f"A BAS period is a whole {length}: {start} falls in {whole[0]} to "
            f"{whole[1]}.",
            code="not_a_bas_period",
            fields={"end": [f"Lodge {whole[0]} to {whole[1]}."]},
        )
    if end >= timezone.localdate(clock.now()):
        raise ValidationFailed(
            f"The period to {end} is not over yet; lodge it once it has ended.",
            code="period_not_ended",
            fields={"end": ["Not over yet."]},
        )
    # Held until commit, so nothing posts into the period while its report is read.
    lock_lodgement()
    if LodgedPeriod.objects.filter(start__lte=end, end__gte=start).exists():
        raise Conflict("Part of this period is already lodged.", code="period_lodged")

    basis = basis or LedgerSettings.current().basis
    report = bas.bas_report(start, end, basis)
    period = LodgedPeriod.objects.create(
        start=start,
        end=end,
        basis=basis,
        report=bas.as_json(report),
        lodged_by=actor.user,
    )
    audit.record(
        actor,
        "bas.lodged",
        period,
        data={"start": start.isoformat(), "end": end.isoformat(), "basis": basis},
    )
    logger.info("BAS period lodged", extra={"start": str(start), "end": str(end)})
    return period


def get_invoice(pk: int) -> Invoice:
    invoice = Invoice.objects.filter(pk=pk).first()
    if invoice is None:
        raise NotFound(f"No invoice {pk}.")
    return invoice


# Settings -------------------------------------------------------------------------

SETTINGS_FIELDS = {
    "basis",
    "bas_frequency",
    "rounding",
    "gst_method",
    "simpler_bas",
    "invoice_series",
    "bank_account_name",
    "bank_bsb",
    "bank_account_number",
}


@transaction.atomic
def update_settings(actor, **fields) -> LedgerSettings:
    """Change how the books are kept and the bank details printed on invoices."""
    require_ledger(actor)
    unknown = set(fields) - SETTINGS_FIELDS
    if unknown:
        raise ValidationFailed(f"Not ledger settings: {', '.join(sorted(unknown))}.")
    settings = LedgerSettings.current()
    for name, value in fields.items():
        setattr(settings, name, value)
    full_clean_or_fail(settings)
    settings.save(update_fields=list(fields))
    audit.record(
        actor,
        "ledger_settings.updated",
        settings,
        data={name: str(value) for name, value in fields.items()},
    )
    return settings


@transaction.atomic
def update_business_profile(actor, *, abn: str, gst_registered: bool):
    """Change the MSP's ABN and GST registration, which every tax invoice prints.

    Only whoever configures the business may: until now that was the Admin alone, in
    the configuration admin, and a wrong ABN or registration makes every invoice
    issued afterwards a wrong tax document.
    """
    if not (actor.is_system or can(actor.who, Action.CONFIGURE)):
        raise PermissionDenied("Only an Admin changes the business's ABN or GST.")
    profile = BusinessProfile.objects.select_for_update().order_by("pk").first()
    if profile is None:
        raise Conflict(
            "The business profile is not set up yet; an Admin adds it first.",
            code="no_business_profile",
        )
    if not (abn or "").strip():
        raise ValidationFailed(
            "The business needs its ABN.", fields={"abn": ["Required."]}
        )

    profile.abn = _abn_or_fail(abn)
    profile.gst_registered = bool(gst_registered)
    profile.save(update_fields=["abn", "gst_registered", "updated_at"])
    audit.record(
        actor,
        "business_profile.updated",
        profile,
        data={"abn": profile.abn, "gst_registered": profile.gst_registered},
    )
    return profile
