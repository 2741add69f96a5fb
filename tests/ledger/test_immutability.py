"""What is posted or issued never changes, on SQLite as on PostgreSQL.

The models and their querysets refuse first, with a Conflict; raw SQL around them
meets the database's triggers (0003 and 0006 on PostgreSQL, 0008 on SQLite).
Every refusal also checks that the row is as it was.
"""

import importlib
from datetime import date
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from stratadesk.core.errors import Conflict
from stratadesk.ledger import services
from stratadesk.ledger.models import (
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    JournalEntry,
    JournalLine,
    LodgedPeriod,
)

D = Decimal
DAY = date(2025, 7, 10)
REFUSED = (Conflict, DatabaseError)


def _refuse(action) -> Exception:
    """Run `action` in its own transaction; it must be refused."""
    with pytest.raises(REFUSED) as refused, transaction.atomic():
        action()
    return refused.value


def _sql(statement, *params):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(statement, params)

    return run


def _stored(model, pk, *fields):
    return model._base_manager.filter(pk=pk).values(*fields).get()


@pytest.fixture
def issued(books):
    return books.invoice((100, "GST"), (50, "FRE"))


@pytest.fixture
def posted_line(issued):
    return issued.journal_entry.lines.order_by("id").first()


# The reviewer's five attempts -------------------------------------------------------


def test_a_posted_lines_debit_cannot_be_saved_again(posted_line):
    before = _stored(JournalLine, posted_line.pk, "debit", "credit")

    def save_more():
        posted_line.debit += 1
        posted_line.save()

    refused = _refuse(save_more)

    assert isinstance(refused, Conflict)
    assert refused.code == "entry_posted"
    assert _stored(JournalLine, posted_line.pk, "debit", "credit") == before


def test_a_posted_line_cannot_be_updated_through_its_queryset(posted_line):
    before = _stored(JournalLine, posted_line.pk, "debit")

    _refuse(lambda: JournalLine.objects.filter(pk=posted_line.pk).update(debit=D("1")))

    assert _stored(JournalLine, posted_line.pk, "debit") == before


def test_a_posted_line_cannot_be_deleted(posted_line):
    _refuse(lambda: JournalLine.objects.filter(pk=posted_line.pk).delete())
    _refuse(posted_line.delete)

    assert JournalLine.objects.filter(pk=posted_line.pk).exists()


def test_an_issued_invoices_line_cannot_be_saved_with_a_new_price(issued):
    line = issued.lines.order_by("position").first()
    before = _stored(InvoiceLine, line.pk, "unit_price", "net", "gst")

    def reprice():
        line.unit_price = D("1.00")
        line.save()

    refused = _refuse(reprice)

    assert isinstance(refused, Conflict)
    assert refused.code == "invoice_issued"
    assert _stored(InvoiceLine, line.pk, "unit_price", "net", "gst") == before


def test_an_issued_invoices_total_cannot_be_saved(issued):
    def retotal():
        issued.total = 1
        issued.save()

    refused = _refuse(retotal)

    assert isinstance(refused, Conflict)
    assert _stored(Invoice, issued.pk, "total")["total"] == D("160.00")


# The rest of the model and queryset guards -------------------------------------------


def test_a_posted_entry_cannot_be_saved_or_deleted(issued):
    entry = issued.journal_entry

    def rewrite():
        entry.memo = "Rewritten"
        entry.save()

    _refuse(rewrite)
    _refuse(entry.delete)
    _refuse(lambda: JournalEntry.objects.filter(pk=entry.pk).update(memo="Bulk"))
    _refuse(lambda: JournalEntry.objects.filter(pk=entry.pk).delete())

    entry.refresh_from_db()
    assert entry.memo.startswith("Invoice INV-00001")


def test_related_and_base_managers_refuse_too(issued):
    entry = issued.journal_entry

    _refuse(lambda: entry.lines.update(description="Bulk"))
    _refuse(lambda: JournalLine._base_manager.filter(entry=entry).delete())

    assert entry.lines.filter(description="Bulk").count() == 0
    assert entry.lines.count() == 4


def test_an_issued_invoices_printed_text_and_state_cannot_go_back(issued):
    _refuse(lambda: Invoice.objects.filter(pk=issued.pk).update(notes="Rewritten"))
    _refuse(lambda: Invoice.objects.filter(pk=issued.pk).update(status="draft"))

    def reopen():
        issued.status = InvoiceStatus.DRAFT
        issued.save(update_fields=["status"])

    _refuse(reopen)

    assert _stored(Invoice, issued.pk, "notes", "status") == {
        "notes": "",
        "status": "issued",
    }


def test_an_issued_invoice_cannot_be_deleted(issued):
    _refuse(issued.delete)
    _refuse(lambda: Invoice.objects.filter(pk=issued.pk).delete())
    _refuse(lambda: issued.lines.all().delete())

    assert Invoice.objects.filter(pk=issued.pk).exists()
    assert issued.lines.count() == 2


def test_a_stale_copy_of_the_draft_cannot_overwrite_the_issued_invoice(books):
    draft = books.invoice((100, "GST"), issue=False)
    stale = Invoice.objects.get(pk=draft.pk)
    services.issue_invoice(books.alex, draft)

    stale.reference = "PO-1"
    _refuse(stale.save)

    assert _stored(Invoice, draft.pk, "reference", "status") == {
        "reference": "",
        "status": "issued",
    }


def test_no_line_joins_an_issued_invoice(books, issued):
    draft = books.invoice((100, "GST"), issue=False)
    line = draft.lines.get()
    account = line.account

    def move():
        line.invoice = issued
        line.save()

    _refuse(move)
    _refuse(lambda: InvoiceLine.objects.filter(pk=line.pk).update(invoice_id=issued.pk))
    _refuse(
        lambda: InvoiceLine.objects.create(
            invoice=issued,
            description="Extra",
            unit_price=1,
            tax_code="GST",
            account=account,
        )
    )
    # bulk_create skips save(); the database's insert trigger refuses it.
    _refuse(
        lambda: InvoiceLine.objects.bulk_create(
            [
                InvoiceLine(
                    invoice=issued,
                    description="Extra",
                    unit_price=1,
                    tax_code="GST",
                    account=account,
                )
            ]
        )
    )

    assert issued.lines.count() == 2
    assert _stored(InvoiceLine, line.pk, "invoice")["invoice"] == draft.pk


def test_an_issued_invoices_payment_state_and_pdf_still_save(issued):
    issued.amount_paid = D("10.00")
    issued.status = InvoiceStatus.PARTLY_PAID
    issued.save(update_fields=["amount_paid", "status"])
    Invoice.objects.filter(pk=issued.pk).update(
        pdf="invoices/INV-00001.pdf", pdf_rendered_at=issued.issued_at
    )

    assert _stored(Invoice, issued.pk, "amount_paid", "status", "pdf") == {
        "amount_paid": D("10.00"),
        "status": "partly_paid",
        "pdf": "invoices/INV-00001.pdf",
    }


def test_a_drafts_lines_and_text_still_change(books):
    draft = books.invoice((100, "GST"), (20, "GST"), issue=False)
    first, second = draft.lines.order_by("position")

    services.update_invoice_line(books.alex, first, unit_price=D("200"))
    services.remove_invoice_line(books.alex, second)
    services.update_draft_invoice(books.alex, draft, notes="Thanks")
    draft.refresh_from_db()

    assert (draft.total, draft.notes) == (D("220.00"), "Thanks")
    assert draft.lines.count() == 1


# The database's own triggers, reached with raw SQL ----------------------------------


def test_the_database_refuses_updating_posted_rows(issued, posted_line):
    _refuse(
        _sql("UPDATE ledger_journalline SET debit = 1 WHERE id = %s", posted_line.pk)
    )
    _refuse(
        _sql(
            "UPDATE ledger_journalentry SET memo = 'Rewritten' WHERE id = %s",
            issued.journal_entry_id,
        )
    )

    assert _stored(JournalLine, posted_line.pk, "debit") == {"debit": posted_line.debit}
    assert JournalEntry.objects.get(pk=issued.journal_entry_id).memo != "Rewritten"


@pytest.mark.parametrize(
    "assignment",
    [
        "total = 1",
        "notes = 'Rewritten'",
        "reference = 'PO-999'",
        "period_start = '2025-06-01'",
        "journal_entry_id = NULL",
        "status = 'draft'",
    ],
)
def test_the_database_refuses_changing_an_issued_invoice(issued, assignment):
    before = _stored(Invoice, issued.pk, "total", "notes", "status", "journal_entry")

    _refuse(_sql(f"UPDATE ledger_invoice SET {assignment} WHERE id = %s", issued.pk))  # noqa: S608

    assert _stored(Invoice, issued.pk, *before) == before


def test_the_database_refuses_repricing_an_issued_invoices_line(issued):
    line = issued.lines.order_by("position").first()

    _refuse(_sql("UPDATE ledger_invoiceline SET unit_price = 1 WHERE id = %s", line.pk))

    assert _stored(InvoiceLine, line.pk, "unit_price") == {"unit_price": D("100.00")}


def test_the_database_lets_payment_state_and_drafts_change(books, issued):
    draft = books.invoice((100, "GST"), issue=False)

    _sql(
        "UPDATE ledger_invoice SET status = 'paid', amount_paid = total, "
        "pdf = 'invoices/x.pdf' WHERE id = %s",
        issued.pk,
    )()
    _sql("UPDATE ledger_invoice SET notes = 'Still a draft' WHERE id = %s", draft.pk)()
    _sql(
        "UPDATE ledger_invoiceline SET unit_price = 5 WHERE invoice_id = %s", draft.pk
    )()

    assert _stored(Invoice, issued.pk, "status")["status"] == "paid"
    assert _stored(Invoice, draft.pk, "notes")["notes"] == "Still a draft"


def test_the_database_refuses_posting_into_or_changing_a_lodged_period(books):
    services.lodge_period(books.alex, start=date(2025, 7, 1), end=date(2025, 9, 30))

    _refuse(
        lambda: JournalEntry.objects.create(
            number=999, date=DAY, kind="manual", memo="Backdated"
        )
    )
    _refuse(_sql("UPDATE ledger_lodgedperiod SET \"end\" = '2025-08-31'"))

    assert not JournalEntry.objects.filter(number=999).exists()
    assert LodgedPeriod.objects.get().end == date(2025, 9, 30)


# The services still do their work ---------------------------------------------------


def test_the_services_issue_pay_credit_write_off_recover_reverse_and_lodge(books):
    invoice = books.invoice((100, "GST"))
    books.pay(invoice, 55, date(2025, 7, 20))
    services.issue_adjustment_note(
        books.alex,
        invoice,
        day=date(2025, 7, 25),
        reason="Discount agreed",
        lines=[{"description": "Discount", "unit_price": D("10"), "tax_code": "GST"}],
    )
    written = services.write_off_bad_debt(
        books.alex, invoice, day=date(2025, 8, 30), reason="Client wound up"
    )
    services.recover_bad_debt(
        books.alex, invoice, day=date(2025, 9, 10), amount=D("22.00")
    )
    wages = services.post_wages(
        books.alex, day=date(2025, 9, 15), gross=D("1000"), withheld=D("200")
    )
    reversal = services.reverse_entry(
        books.alex, wages, day=date(2025, 9, 16), reason="Posted twice"
    )
    period = services.lodge_period(
        books.alex, start=date(2025, 7, 1), end=date(2025, 9, 30)
    )
    invoice.refresh_from_db()

    assert (invoice.status, invoice.amount_paid, invoice.amount_credited) == (
        InvoiceStatus.WRITTEN_OFF,
        D("55.00"),
        D("11.00"),
    )
    assert written.amount == D("44.00")
    assert reversal.reverses == wages
    assert JournalEntry.objects.count() == 7
    assert period.report["1A"] == 11  # 10 sold, 1 credited, 2 recovered
    with pytest.raises(Conflict) as late:
        books.pay(books.invoice((10, "GST"), day=date(2025, 10, 2)), 1, DAY)
    assert late.value.code == "period_lodged"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own triggers")
def test_every_sqlite_trigger_is_installed(db):
    # SQLite rebuilds a table to alter it, dropping its triggers with it; a later
    # migration that alters a ledger table must install them again.
    migration = importlib.import_module(
        "stratadesk.ledger.migrations.0008_sqlite_ledger_guards"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        installed = {name for (name,) in cursor.fetchall()}

    assert set(migration.TRIGGERS) <= installed
