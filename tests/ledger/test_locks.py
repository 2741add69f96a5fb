"""Property: an issued invoice and a lodged period stay as they are, whatever the
services are asked to do to them."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from stratadesk.core.errors import Conflict
from stratadesk.core.models import BusinessProfile
from stratadesk.ledger import services
from stratadesk.ledger.models import Account, Invoice, JournalEntry, JournalLine
from tests.fixtures import World, actor

D = Decimal
LODGED_START, LODGED_END = date(2025, 7, 1), date(2025, 9, 30)
LINE = {"description": "Work", "unit_price": D("100"), "tax_code": "GST"}

ATTEMPTS = [
    "add_line",
    "edit",
    "reissue",
    "delete",
    "pay",
    "credit",
    "write_off",
    "new_invoice",
    "bill",
    "wages",
]


def _attempt(name, alex, world, invoice, day):
    bank = Account.objects.get(system_role="bank")
    calls = {
        "add_line": lambda: services.add_invoice_line(alex, invoice, **LINE),
        "edit": lambda: services.update_draft_invoice(alex, invoice, notes="new"),
        "reissue": lambda: services.issue_invoice(alex, invoice, issue_date=day),
        "delete": lambda: services.delete_draft_invoice(alex, invoice),
        "pay": lambda: services.receive_payment(
            alex,
            client=world.harbour,
            day=day,
            amount=D("10"),
            allocations=[(invoice, D("10"))],
        ),
        "credit": lambda: services.issue_adjustment_note(
            alex, invoice, day=day, reason="Wrong", lines=[LINE]
        ),
        "write_off": lambda: services.write_off_bad_debt(
            alex, invoice, day=day, reason="Gone"
        ),
        "new_invoice": lambda: services.create_invoice(
            alex, client=world.harbour, issue_date=day, lines=[LINE]
        ),
        "bill": lambda: services.record_bill(
            alex,
            supplier=services.create_supplier(alex, name="S", abn="53004085616"),
            day=day,
            lines=[{**LINE, "tax_code": "NCG"}],
        ),
        "wages": lambda: services.post_manual_journal(
            alex,
            day=day,
            memo="Wages",
            lines=[
                {"account": bank, "debit": D("1")},
                {"account": bank, "credit": D("1")},
            ],
        ),
    }
    return calls[name]()


def _snapshot(invoice):
    fresh = Invoice.objects.get(pk=invoice.pk)
    lines = list(fresh.lines.values_list("description", "net", "gst"))
    return (
        fresh.number,
        fresh.status,
        fresh.total,
        fresh.gst_total,
        fresh.amount_paid,
        lines,
        JournalEntry.objects.count(),
        JournalLine.objects.count(),
    )


class TestLockedThingsStayLocked(HypothesisTestCase):
    @settings(
        max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(
        st.lists(st.sampled_from(ATTEMPTS), min_size=1, max_size=5),
        st.integers(min_value=0, max_value=(LODGED_END - LODGED_START).days),
    )
    def test_every_attempt_is_refused_and_nothing_changes(self, attempts, offset):
        world = World()
        alex = actor(world.alex)
        BusinessProfile.objects.create(legal_name="MSP", abn="53004085616")
        invoice = services.create_invoice(
            alex, client=world.harbour, issue_date=date(2025, 8, 1), lines=[LINE]
        )
        invoice = services.issue_invoice(alex, invoice)
        services.lodge_period(alex, start=LODGED_START, end=LODGED_END)
        before = _snapshot(invoice)
        day = LODGED_START + timedelta(days=offset)

        for name in attempts:
            with self.assertRaises(Conflict):
                _attempt(name, alex, world, invoice, day)

        assert _snapshot(invoice) == before
