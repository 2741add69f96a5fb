"""A bill posted while its period is being lodged, on two PostgreSQL connections.

Lodging and posting both lock the LedgerSettings row, so the bill either lands before
the BAS report is read, and is in it, or waits and is refused. It never lands inside
the lodged period unreported.
"""

import threading
import time
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction

from stratadesk.core.errors import Conflict
from stratadesk.ledger import services
from stratadesk.ledger.models import Account, LodgedPeriod
from tests.fixtures import seed_chart_of_accounts

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent PostgreSQL"
    ),
    # Not serialized_rollback: restoring its snapshot collides with the content types
    # an earlier flushing test's post_migrate recreated. The chart is seeded instead.
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _chart_of_accounts(transactional_db):
    seed_chart_of_accounts()


START, END = date(2025, 7, 1), date(2025, 9, 30)


def test_a_bill_posted_while_lodging_is_in_the_lodged_report(books):
    assert Account.objects.exists(), "the chart of accounts is seeded"
    vendor = services.create_supplier(books.alex, name="Parts", abn="53004085616")
    lodged = {}

    def lodge():
        try:
            lodged["period"] = services.lodge_period(books.alex, start=START, end=END)
        finally:
            connection.close()

    with transaction.atomic():
        services.record_bill(
            books.alex,
            supplier=vendor,
            day=date(2025, 8, 1),
            lines=[
                {
                    "description": "Parts",
                    "unit_price": Decimal("1100"),
                    "tax_code": "NCG",
                }
            ],
        )
        lodger = threading.Thread(target=lodge)
        lodger.start()
        # Give the lodger time to read the BAS before this bill commits, which it
        # would do without the lock.
        time.sleep(0.5)
        assert lodger.is_alive(), "lodging waits for the posting transaction"

    lodger.join(timeout=30)
    assert not lodger.is_alive()
    assert lodged["period"].report["1B"] == 110


def test_a_bill_waiting_on_lodging_is_refused(books):
    vendor = services.create_supplier(books.alex, name="Parts", abn="53004085616")
    outcome = {}

    def post():
        try:
            services.record_bill(
                books.alex,
                supplier=vendor,
                day=date(2025, 8, 1),
                lines=[
                    {
                        "description": "Parts",
                        "unit_price": Decimal("1100"),
                        "tax_code": "NCG",
                    }
                ],
            )
            outcome["posted"] = True
        except Conflict as refused:
            outcome["refused"] = refused.code
        finally:
            connection.close()

    with transaction.atomic():
        services.lodge_period(books.alex, start=START, end=END)
        poster = threading.Thread(target=post)
        poster.start()
        time.sleep(0.5)
        assert poster.is_alive(), "posting waits for the lodging transaction"

    poster.join(timeout=30)
    assert outcome == {"refused": "period_lodged"}
    assert LodgedPeriod.objects.count() == 1
