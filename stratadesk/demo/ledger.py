"""The demo's books: billing agreements, two months of invoices, payments and bills.

Agreements are written before the ticket stories replay, so every approved SVR is
charged at its client's rates. Afterwards each client is invoiced for the month
before last (and pays it) and for last month (one pays part, the others owe it);
this month's work stays unbilled for Accounts to invoice. All through the ledger's
own services, dated as bookkeeping is: on the day it happened.
"""

import logging
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from stratadesk.core.errors import ValidationFailed
from stratadesk.ledger import billing, services

logger = logging.getLogger(__name__)

D = Decimal

# By client slug: what each pays (ex GST), as demo/world.py names them.
AGREEMENTS = {
    "kestrel-lane": {
        "business_hours_rate": D("165.00"),
        "after_hours_rate": D("247.50"),
        "travel_rate": D("95.00"),
        "monthly_fee": D("1450.00"),
        "payment_terms_days": 14,
    },
    "yarra-valley-engineering": {
        "business_hours_rate": D("150.00"),
        "after_hours_rate": D("225.00"),
        "travel_rate": D("85.00"),
        "monthly_fee": D("980.00"),
        "payment_terms_days": 30,
    },
    "goldfields-haulage": {
        "business_hours_rate": D("175.00"),
        "after_hours_rate": D("262.50"),
        "travel_rate": D("120.00"),
        "monthly_fee": D("2100.00"),
        "payment_terms_days": 14,
    },
}

BANK = {
    "bank_account_name": "Stratadesk Demo MSP Pty Ltd",
    "bank_bsb": "062-000",
    "bank_account_number": "1234 5678",
}

# (supplier, ABN or "" for none quoted, [(description, inclusive amount, tax code)])
BILLS = (
    (
        "Harbourside Property Trust",
        "50 110 219 460",
        [("Office rent", D("2200.00"), "NCG")],
    ),
    (
        "Cloudline Software",
        "33 051 775 556",
        [("Remote monitoring licences", D("1100.00"), "NCG")],
    ),
    (
        "Metro Tech Supplies",
        "52 170 214 042",
        [("Laptops for the service bench", D("4950.00"), "CAP")],
    ),
)


def create_agreements(actor, cast) -> None:
    for each in cast.clients:
        terms = AGREEMENTS.get(each.client.slug)
        if terms:
            billing.set_agreement(actor, each.client, **terms)


def create_books(actor, cast, now) -> None:
    """Invoices, payments and bills of the story's last two months."""
    services.update_settings(actor, **BANK)
    today = timezone.localdate(now)
    this_month = today.replace(day=1)
    last_month = _month_before(this_month)
    month_before = _month_before(last_month)

    for index, each in enumerate(cast.clients):
        client = each.client
        older = _invoice(actor, client, month_before, last_month - timedelta(days=1))
        newer = _invoice(actor, client, last_month, this_month - timedelta(days=1))
        if older is not None:
            _pay(actor, client, older, older.total, older.issue_date + timedelta(9))
        if newer is not None and index == 0:
            part = (newer.total / 2).quantize(D("0.01"))
            _pay(
                actor, client, newer, part, min(today, newer.issue_date + timedelta(5))
            )

    _bills(actor, last_month)
    logger.info("demo: invoices, payments and bills written")


def _month_before(first: date) -> date:
    return (first - timedelta(days=1)).replace(day=1)


def _invoice(actor, client, start: date, end: date):
    # Issued on the first day after the period, as an MSP bills a month in arrears.
    try:
        draft = billing.build_invoice(actor, client, start, end)
    except ValidationFailed:
        return None
    return services.issue_invoice(actor, draft, issue_date=end + timedelta(days=1))


def _pay(actor, client, invoice, amount, day: date) -> None:
    services.receive_payment(
        actor,
        client=client,
        day=day,
        amount=amount,
        allocations=[(invoice, amount)],
        reference=f"EFT {invoice.reference_number}",
    )


def _bills(actor, month: date) -> None:
    for offset, (name, abn, lines) in enumerate(BILLS):
        supplier = services.create_supplier(actor, name=name, abn=abn)
        services.record_bill(
            actor,
            supplier=supplier,
            day=month + timedelta(days=2 + 7 * offset),
            supplier_reference=f"{name.split()[0].upper()}-{month:%y%m}",
            lines=[
                {
                    "description": description,
                    "unit_price": amount,
                    "tax_code": code,
                    "prices_include_gst": True,
                }
                for description, amount, code in lines
            ],
        )
