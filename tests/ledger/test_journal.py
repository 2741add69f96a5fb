"""The journal: every posted entry balances, nothing posted changes, reversals undo."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from stratadesk.core.errors import Conflict, ValidationFailed
from stratadesk.ledger import services
from stratadesk.ledger.models import (
    Account,
    JournalEntry,
    JournalLine,
    LodgedPeriod,
)
from stratadesk.ledger.selectors import unbalanced_entries
from tests.fixtures import World, actor

D = Decimal
DAY = date(2025, 7, 10)


def _all_entries_balance() -> bool:
    return not unbalanced_entries() and all(
        entry.is_balanced() for entry in JournalEntry.objects.all()
    )


def test_an_unbalanced_manual_journal_is_refused(books):
    with pytest.raises(ValidationFailed) as refused:
        services.post_manual_journal(
            books.alex,
            day=DAY,
            memo="Typo",
            lines=[
                {"account": books.account("6-2300"), "debit": D("30.00")},
                {"account": books.account("1-1000"), "credit": D("3.00")},
            ],
        )

    assert refused.value.code == "unbalanced"
    assert not JournalEntry.objects.exists()


def test_a_manual_journal_may_not_carry_gst(books):
    with pytest.raises(ValidationFailed):
        services.post_manual_journal(
            books.alex,
            day=DAY,
            memo="Sneaky GST",
            lines=[
                {"account": books.account("1-1000"), "debit": D("11")},
                {
                    "account": books.account("4-1000"),
                    "credit": D("11"),
                    "tax_code": "GST",
                },
            ],
        )


def test_a_reversal_undoes_a_manual_journal_and_keeps_it(books):
    wages = services.post_wages(books.alex, day=DAY, gross=D("1000"), withheld=D("200"))

    reversal = services.reverse_entry(
        books.alex, wages, day=date(2025, 7, 11), reason="Wrong employee"
    )

    assert reversal.reverses == wages
    assert JournalLine.objects.filter(entry=wages).count() == 3
    sums = {}
    for line in JournalLine.objects.all():
        sums[line.account_id] = sums.get(line.account_id, 0) + line.debit - line.credit
    assert set(sums.values()) == {0}
    with pytest.raises(Conflict):
        services.reverse_entry(books.alex, wages, day=DAY, reason="Again")


def test_document_entries_are_corrected_by_documents_not_reversals(books):
    invoice = books.invoice((100, "GST"))

    with pytest.raises(Conflict):
        services.reverse_entry(books.alex, invoice.journal_entry, day=DAY, reason="x")


def test_the_chart_of_accounts_is_seeded_with_every_posting_role(db):
    roles = set(Account.objects.exclude(system_role=None).values_list("system_role"))

    assert len(roles) == 11
    assert Account.objects.get(code="2-1200").name == "PAYG withholding payable"


# Property: whatever documents are posted, every entry balances ------------------

line = st.fixed_dictionaries(
    {
        "description": st.just("Work"),
        "quantity": st.decimals(min_value=D("0.25"), max_value=D("40"), places=2),
        "unit_price": st.decimals(min_value=D("1.00"), max_value=D("5000"), places=2),
        "tax_code": st.sampled_from(["GST", "EXP", "FRE", "ITS"]),
        "prices_include_gst": st.booleans(),
    }
)


class TestEveryPostedEntryBalances(HypothesisTestCase):
    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        st.lists(line, min_size=1, max_size=6),
        st.sampled_from(["per_line", "whole_invoice"]),
        st.lists(st.integers(min_value=1, max_value=99), max_size=4),
    )
    def test_invoices_credits_and_payments_balance(self, lines, rule, percents):
        from stratadesk.core.models import BusinessProfile
        from stratadesk.ledger.models import LedgerSettings

        world = World()
        alex = actor(world.alex)
        BusinessProfile.objects.create(legal_name="MSP", abn="53004085616")
        LedgerSettings.objects.update_or_create(pk=1, defaults={"rounding": rule})

        invoice = services.create_invoice(
            alex, client=world.harbour, issue_date=DAY, lines=lines
        )
        invoice = services.issue_invoice(alex, invoice)
        expected = _expected_gst(invoice, rule)
        assert invoice.gst_total == expected

        for percent in percents:
            invoice.refresh_from_db()
            share = (invoice.balance * percent / 100).quantize(D("0.01"))
            if share > 0:
                services.receive_payment(
                    alex,
                    client=world.harbour,
                    day=DAY,
                    amount=share,
                    allocations=[(invoice, share)],
                )
        invoice.refresh_from_db()
        if invoice.balance > 0:
            services.write_off_bad_debt(alex, invoice, day=DAY, reason="Gone")

        assert _all_entries_balance()
        debtors = Account.objects.get(system_role="debtors")
        owing = sum(
            (
                ln.debit - ln.credit
                for ln in JournalLine.objects.filter(account=debtors)
            ),
            D("0"),
        )
        assert owing == 0


def _expected_gst(invoice, rule):
    from stratadesk.ledger import gst

    exact = [
        gst.unrounded_gst(ln.amount, ln.tax_code, inclusive=ln.prices_include_gst)
        for ln in invoice.lines.all()
    ]
    if rule == "per_line":
        return sum((gst.cents(x) for x in exact), D("0"))
    return gst.cents(sum(exact, D("0")))


# PostgreSQL refuses at the database what the services refuse ------------------

postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL triggers"
)


def _refused(action) -> bool:
    try:
        with transaction.atomic():
            action()
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    except DatabaseError:
        return True
    return False


def _sql(statement, *params):
    """Raw SQL, around the models' and querysets' own refusals, to reach the
    triggers themselves."""

    def run():
        with connection.cursor() as cursor:
            cursor.execute(statement, params)

    return run


@postgres
@pytest.mark.postgres_only
def test_postgres_refuses_changing_a_posted_line(books):
    invoice = books.invoice((100, "GST"))
    posted = invoice.journal_entry.lines.first()

    assert _refused(
        _sql("UPDATE ledger_journalline SET debit = 1 WHERE id = %s", posted.pk)
    )
    assert _refused(_sql("DELETE FROM ledger_journalline WHERE id = %s", posted.pk))
    assert _refused(
        _sql(
            "UPDATE ledger_journalentry SET memo = 'rewritten' WHERE id = %s",
            invoice.journal_entry_id,
        )
    )


@pytest.mark.skipif(
    connection.vendor == "postgresql", reason="PostgreSQL refuses the entry itself"
)
def test_the_balance_check_finds_an_entry_written_around_the_services(books):
    entry = JournalEntry.objects.create(number=999, date=DAY, kind="manual", memo="Raw")
    JournalLine.objects.create(entry=entry, account=books.account("1-1000"), debit=5)

    assert list(unbalanced_entries()) == [entry]


@postgres
@pytest.mark.postgres_only
def test_postgres_refuses_an_unbalanced_entry_at_commit(books):
    def unbalanced():
        entry = JournalEntry.objects.create(
            number=999, date=DAY, kind="manual", memo="Raw"
        )
        JournalLine.objects.create(
            entry=entry, account=books.account("1-1000"), debit=D("5")
        )

    assert _refused(unbalanced)


@postgres
@pytest.mark.postgres_only
def test_postgres_refuses_changing_an_issued_invoice(books):
    invoice = books.invoice((100, "GST"))
    line = invoice.lines.get()

    assert _refused(
        _sql("UPDATE ledger_invoice SET total = 1 WHERE id = %s", invoice.pk)
    )
    assert _refused(
        _sql("UPDATE ledger_invoiceline SET unit_price = 1 WHERE id = %s", line.pk)
    )
    assert _refused(_sql("DELETE FROM ledger_invoice WHERE id = %s", invoice.pk))
    assert not _refused(
        _sql("UPDATE ledger_invoice SET status = 'paid' WHERE id = %s", invoice.pk)
    )


@postgres
@pytest.mark.postgres_only
def test_postgres_refuses_posting_into_a_lodged_period(books):
    services.lodge_period(books.alex, start=date(2025, 7, 1), end=date(2025, 9, 30))

    def raw_entry():
        entry = JournalEntry.objects.create(
            number=999, date=DAY, kind="manual", memo="Backdated"
        )
        JournalLine.objects.bulk_create(
            [
                JournalLine(entry=entry, account=books.account("1-1000"), debit=1),
                JournalLine(entry=entry, account=books.account("4-1000"), credit=1),
            ]
        )

    assert _refused(raw_entry)
    assert _refused(lambda: LodgedPeriod.objects.all().delete())
