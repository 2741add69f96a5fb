"""A flushing test still empties the ledger, posted entries and issued invoices too.

Django flushes SQLite with DELETE FROM and PostgreSQL with TRUNCATE, around the
models, so the models' delete guards never see it, and SQLite has no DELETE
triggers to refuse it (see migration 0008).
"""

from datetime import date

import pytest
from django.core.management import call_command

from stratadesk.ledger.models import Invoice, InvoiceLine, JournalEntry, JournalLine
from tests.fixtures import seed_chart_of_accounts

pytestmark = [
    # Not serialized_rollback, as in test_lodgement_lock_postgres.py: the chart is
    # seeded instead.
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _chart_of_accounts(transactional_db):
    seed_chart_of_accounts()


def test_a_flush_empties_posted_entries_and_issued_invoices(books):
    invoice = books.invoice((100, "GST"))
    books.pay(invoice, 110, date(2025, 7, 20))
    assert JournalLine.objects.exists()

    call_command("flush", interactive=False, verbosity=0)

    assert not JournalEntry.objects.exists()
    assert not JournalLine.objects.exists()
    assert not Invoice.objects.exists()
    assert not InvoiceLine.objects.exists()
