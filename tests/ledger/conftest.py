from datetime import date
from decimal import Decimal

import pytest

from stratadesk.core.models import BusinessProfile
from stratadesk.ledger import services
from stratadesk.ledger.models import Account, LedgerSettings
from tests.fixtures import actor


@pytest.fixture
def books(world):
    """The MSP of the worked cases: ABN 53 004 085 616, registered, quarterly."""
    BusinessProfile.objects.create(
        legal_name="Stratadesk Demo MSP Pty Ltd", abn="53004085616", gst_registered=True
    )
    LedgerSettings.current()
    return Books(world)


class Books:
    def __init__(self, world):
        self.world = world
        self.alex = actor(world.alex)
        self.client = world.harbour

    def account(self, code) -> Account:
        return Account.objects.get(code=code)

    def invoice(self, *lines, day=date(2025, 7, 5), issue=True, client=None):
        """An invoice of `lines` given as (amount, tax_code[, inclusive])."""
        invoice = services.create_invoice(
            self.alex,
            client=client or self.client,
            issue_date=day,
            lines=[
                {
                    "description": f"Line {index + 1}",
                    "unit_price": Decimal(str(line[0])),
                    "tax_code": line[1],
                    "prices_include_gst": line[2] if len(line) > 2 else False,
                }
                for index, line in enumerate(lines)
            ],
        )
        return services.issue_invoice(self.alex, invoice) if issue else invoice

    def pay(self, invoice, amount, day):
        return services.receive_payment(
            self.alex,
            client=invoice.client,
            day=day,
            amount=Decimal(str(amount)),
            allocations=[(invoice, Decimal(str(amount)))],
        )
