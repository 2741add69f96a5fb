"""Billing agreements and ledger settings change only through their services."""

from decimal import Decimal

import pytest

from stratadesk.core.errors import PermissionDenied, ValidationFailed
from stratadesk.core.models import AuditEvent
from stratadesk.ledger import billing, services
from stratadesk.ledger.models import BillingAgreement, LedgerSettings
from tests.fixtures import actor


def test_accounts_sets_and_changes_a_clients_agreement(books):
    first = billing.set_agreement(
        books.alex, books.client, business_hours_rate="160.00", monthly_fee="500"
    )
    changed = billing.set_agreement(books.alex, books.client, monthly_fee="650.00")

    assert first.pk == changed.pk
    changed.refresh_from_db()
    assert (changed.business_hours_rate, changed.monthly_fee) == (
        Decimal("160.00"),
        Decimal("650.00"),
    )
    actions = AuditEvent.objects.filter(action__startswith="billing_agreement")
    assert list(actions.values_list("action", flat=True)) == [
        "billing_agreement.created",
        "billing_agreement.updated",
    ]


@pytest.mark.parametrize(
    "terms",
    [
        {"monthly_fee": "-1.00"},
        {"after_hours_rate": "10.005"},
        {"travel_rate": "ninety"},
        {"discount": "5"},
    ],
)
def test_a_bad_term_is_refused_and_nothing_is_written(books, terms):
    with pytest.raises(ValidationFailed):
        billing.set_agreement(books.alex, books.client, **terms)

    assert not BillingAgreement.objects.exists()


def test_support_may_not_set_rates_or_settings(books, world):
    sam = actor(world.sam)

    with pytest.raises(PermissionDenied):
        billing.set_agreement(sam, books.client, monthly_fee="1.00")
    with pytest.raises(PermissionDenied):
        services.update_settings(sam, bank_bsb="062-000")


def test_the_bank_details_for_invoices_are_settings(books):
    services.update_settings(
        books.alex, bank_account_name="Stratadesk", bank_bsb="062-000"
    )

    current = LedgerSettings.current()
    assert (current.bank_account_name, current.bank_bsb) == ("Stratadesk", "062-000")
    assert AuditEvent.objects.filter(action="ledger_settings.updated").exists()


def test_an_unknown_or_invalid_setting_is_refused(books):
    with pytest.raises(ValidationFailed):
        services.update_settings(books.alex, colour="blue")
    with pytest.raises(ValidationFailed):
        services.update_settings(books.alex, basis="whenever")

    assert LedgerSettings.current().basis == "accruals"
