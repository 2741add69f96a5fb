"""From the service desk to invoices: approved work becomes unbilled charges, and
Accounts builds a client's draft invoice for a period from them and its monthly fee.
"""

import logging
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from stratadesk.core import audit, clock
from stratadesk.core.errors import Conflict, ValidationFailed
from stratadesk.ledger import gst
from stratadesk.ledger.models import BillingAgreement, InvoiceLine, UnbilledCharge
from stratadesk.ledger.posting import require_ledger
from stratadesk.ledger.services import create_invoice

logger = logging.getLogger(__name__)

# The lifecycle makes work billable when its SVR closes: approved by the client,
# automatically, or by an Admin's override.
APPROVED = {"approved", "auto_approved", "overridden"}
WORK_TYPE_LABELS = {
    "business_hours": "Labour, business hours",
    "after_hours": "Labour, after hours",
    "travel": "Travel",
}


@transaction.atomic
def record_unbilled_charges(svr) -> list[UnbilledCharge]:
    """Turn an approved SVR's frozen content into the client's unbilled charges.

    Billable minutes are charged per work type at the client's rates; billable
    materials at the price logged (ex GST). Calling it again for the same SVR
    changes nothing, so the approval hook may safely be retried.
    """
    if svr.status not in APPROVED:
        raise Conflict("Only an approved SVR is billed.", code="svr_not_approved")
    existing = list(UnbilledCharge.objects.filter(svr=svr))
    if existing:
        return existing

    content = svr.content
    if content.get("not_billable"):
        return []
    client = svr.ticket.client
    agreement = BillingAgreement.objects.filter(client=client).first()
    if agreement is None:
        # Charges are still recorded, at no rate, so the draft invoice shows them
        # for Accounts to price rather than the work silently going unbilled.
        agreement = BillingAgreement(client=client)
        logger.warning(
            "client has no billing agreement", extra={"client_id": client.pk}
        )

    decided = svr.decided_at or clock.now()
    day = timezone.localdate(decided)
    reference = content.get("ticket", "")
    charges = [
        *_time_charges(content, agreement, reference),
        *_material_charges(content, reference),
    ]
    for charge in charges:
        charge.client = client
        charge.svr = svr
        charge.date = day
    UnbilledCharge.objects.bulk_create(charges)
    logger.info(
        "unbilled charges recorded", extra={"svr_id": svr.pk, "charges": len(charges)}
    )
    return charges


def _time_charges(content, agreement, reference):
    minutes = defaultdict(int)
    for entry in content.get("time_entries", []):
        if entry.get("billable"):
            minutes[entry.get("work_type", "business_hours")] += int(entry["minutes"])
    return [
        UnbilledCharge(
            description=f"{WORK_TYPE_LABELS.get(kind, kind)}, {reference} (hours)",
            quantity=gst.cents(Decimal(total) / 60),
            unit_price=agreement.rate_for(kind),
        )
        for kind, total in sorted(minutes.items())
    ]


def _material_charges(content, reference):
    return [
        UnbilledCharge(
            description=f"{item['item']}, {reference}"[:300],
            quantity=Decimal(item["quantity"]),
            unit_price=Decimal(item["unit_price"]),
        )
        for item in content.get("materials", [])
        if item.get("billable")
    ]


def _months(start: date, end: date) -> list[date]:
    """The first day of every month that `start`..`end` touches."""
    months = []
    day = start.replace(day=1)
    while day <= end:
        months.append(day)
        # Any day of the next month, then its first.
        day = (day + timedelta(days=32)).replace(day=1)
    return months


def _unbilled_fee_months(client, start: date, end: date) -> list[date]:
    """The months of `start`..`end` whose fee is on none of the client's invoices.

    Drafts count as well as issued invoices; a fee line removed from a draft, or a
    draft deleted, frees its month again.
    """
    months = _months(start, end)
    billed = set(
        InvoiceLine.objects.filter(
            invoice__client=client, fee_month__in=months
        ).values_list("fee_month", flat=True)
    )
    return [month for month in months if month not in billed]


@transaction.atomic
def build_invoice(actor, client, start: date, end: date, *, issue_date=None):
    """A draft invoice of `client`'s unbilled charges up to `end`, plus the monthly
    fee of each month of `start`..`end`; Accounts reviews it and issues it."""
    require_ledger(actor)
    charges = list(
        UnbilledCharge.objects.select_for_update()
        .filter(client=client, invoice_line__isnull=True, date__lte=end)
        .order_by("date", "id")
    )
    # The agreement row is locked so two builds for the client cannot both see a
    # month as unbilled and bill its fee twice.
    agreement = (
        BillingAgreement.objects.select_for_update().filter(client=client).first()
    )
    fee = agreement.monthly_fee if agreement else Decimal("0")
    fee_months = _unbilled_fee_months(client, start, end) if fee > 0 else []

    lines = [
        {
            "description": f"{agreement.monthly_fee_description}, {month:%B %Y}",
            "quantity": 1,
            "unit_price": fee,
            "tax_code": gst.TaxCode.GST,
        }
        for month in fee_months
    ]
    lines += [
        {
            "description": charge.description,
            "quantity": charge.quantity,
            "unit_price": charge.unit_price,
            "tax_code": charge.tax_code,
        }
        for charge in charges
    ]
    if not lines:
        raise ValidationFailed(
            f"{client} has nothing to invoice for this period.", code="nothing_to_bill"
        )

    invoice = create_invoice(
        actor,
        client=client,
        lines=lines,
        issue_date=issue_date,
        period_start=start,
        period_end=end,
    )
    made = list(invoice.lines.order_by("position"))
    fee_lines, charge_lines = made[: len(fee_months)], made[len(fee_months) :]
    for month, line in zip(fee_months, fee_lines, strict=True):
        line.fee_month = month
    InvoiceLine.objects.bulk_update(fee_lines, ["fee_month"])
    for charge, line in zip(charges, charge_lines, strict=True):
        charge.invoice_line = line
    UnbilledCharge.objects.bulk_update(charges, ["invoice_line"])
    audit.record(
        actor,
        "invoice.built",
        invoice,
        client=client,
        data={"charges": len(charges), "start": str(start), "end": str(end)},
    )
    return invoice


MONEY_TERMS = {"business_hours_rate", "after_hours_rate", "travel_rate", "monthly_fee"}
AGREEMENT_TERMS = MONEY_TERMS | {"payment_terms_days", "monthly_fee_description"}


@transaction.atomic
def set_agreement(actor, client, **terms) -> BillingAgreement:
    """Create or change `client`'s billing agreement; charges already recorded keep
    the rates they were recorded at."""
    require_ledger(actor)
    unknown = set(terms) - AGREEMENT_TERMS
    if unknown:
        raise ValidationFailed(f"Not billing terms: {', '.join(sorted(unknown))}.")
    for name in MONEY_TERMS & set(terms):
        terms[name] = _rate(terms[name], name)
    if "payment_terms_days" in terms:
        terms["payment_terms_days"] = _terms_days(terms["payment_terms_days"])

    agreement, created = BillingAgreement.objects.select_for_update().get_or_create(
        client=client, defaults=terms
    )
    if not created:
        for name, value in terms.items():
            setattr(agreement, name, value)
        agreement.save(update_fields=list(terms))
    audit.record(
        actor,
        "billing_agreement.created" if created else "billing_agreement.updated",
        agreement,
        client=client,
        data={name: str(value) for name, value in terms.items()},
    )
    return agreement


def _terms_days(value) -> int:
    """Days to pay: a whole number from 0 (due on issue) to a year."""
    try:
        days = int(str(value).strip())
    except ValueError:
        days = -1
    if not 0 <= days <= 365:
        raise ValidationFailed(
            "Payment terms are whole days, from 0 to 365.",
            fields={"payment_terms_days": ["From 0 to 365."]},
        )
    return days


def _rate(value, name: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite() or amount < 0 or amount != gst.cents(amount):
        raise ValidationFailed(
            f"{name} is an amount in whole cents, not negative.",
            fields={name: ["Whole cents, not negative."]},
        )
    return amount
