"""The admin shows the books but cannot change them: only the services post."""

from decimal import Decimal

from stratadesk.ledger.models import Invoice, JournalEntry


def test_an_admin_reads_an_issued_invoice_but_cannot_change_or_delete_it(books, client):
    invoice = books.invoice((100, "GST"))
    client.force_login(books.world.ada)
    page = f"/admin/ledger/invoice/{invoice.pk}/change/"

    shown = client.get(page)
    changed = client.post(page, {"status": "draft", "total": "1.00"})
    delete_page = f"/admin/ledger/invoice/{invoice.pk}/delete/"
    deleted = client.post(delete_page, {"post": "yes"})

    assert shown.status_code == 200
    assert invoice.reference_number in shown.text
    assert changed.status_code == 403
    assert deleted.status_code == 403
    fresh = Invoice.objects.get(pk=invoice.pk)
    assert (fresh.status, fresh.total) == (invoice.status, Decimal("110.00"))


def test_no_journal_entry_can_be_added_in_the_admin(books, client):
    client.force_login(books.world.ada)

    added = client.post("/admin/ledger/journalentry/add/", {"memo": "Sneaky"})

    assert added.status_code == 403
    assert not JournalEntry.objects.filter(memo="Sneaky").exists()
