"""Who sees which invoices."""

from stratadesk.ledger import services
from stratadesk.ledger.selectors import invoices_for


def test_a_client_sees_only_its_own_issued_invoices(books):
    world = books.world
    mine = books.invoice((100, "GST"))
    services.create_invoice(books.alex, client=world.harbour)
    books.invoice((100, "GST"), client=world.outback)

    assert list(invoices_for(world.hannah)) == [mine]
    assert invoices_for(world.oscar).count() == 1


def test_accounts_sees_every_invoice_and_support_none(books):
    books.invoice((100, "GST"))
    services.create_invoice(books.alex, client=books.client)

    assert invoices_for(books.world.alex).count() == 2
    assert invoices_for(books.world.sam).count() == 0
