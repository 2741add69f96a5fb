"""The portal's invoices: a client sees its own organisation's issued invoices."""

from decimal import Decimal

import pytest

from stratadesk.core.models import BusinessProfile
from stratadesk.ledger import services
from stratadesk.ledger.documents import render_invoice_pdf
from tests.fixtures import actor


@pytest.fixture
def invoices(world, settings, tmp_path):
    """Harbour's issued and draft invoices, and Outback's issued one, all rendered."""
    settings.MEDIA_ROOT = tmp_path
    BusinessProfile.objects.create(legal_name="Stratadesk MSP", abn="53004085616")
    alex = actor(world.alex)

    def make(client, amount, *, issue=True):
        line = {"description": "Support", "unit_price": Decimal(amount)}
        draft = services.create_invoice(
            alex, client=client, lines=[{**line, "tax_code": "GST"}]
        )
        if not issue:
            return draft
        issued = services.issue_invoice(alex, draft)
        render_invoice_pdf.call(invoice_id=issued.pk)
        return issued

    return {
        "harbour": make(world.harbour, "100.00"),
        "draft": make(world.harbour, "70.00", issue=False),
        "outback": make(world.outback, "300.00"),
    }


def test_a_client_sees_its_issued_invoices_with_status_and_pdf(world, invoices, login):
    page = login(world.harry).get("/portal/invoices/").content.decode()

    mine = invoices["harbour"]
    assert mine.reference_number in page
    assert "Issued" in page
    assert f'href="/portal/invoices/{mine.pk}/pdf/"' in page
    assert "$110.00" in page
    assert invoices["outback"].reference_number not in page
    assert "$77.00" not in page  # the draft


def test_the_pdf_downloads_for_its_own_organisation(world, invoices, login):
    response = login(world.hannah).get(
        f"/portal/invoices/{invoices['harbour'].pk}/pdf/"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_another_organisations_invoice_is_as_missing_as_one_never_issued(
    world, invoices, login
):
    client = login(world.oscar)

    theirs = client.get(f"/portal/invoices/{invoices['harbour'].pk}/pdf/")
    draft = client.get(f"/portal/invoices/{invoices['draft'].pk}/pdf/")
    missing = client.get("/portal/invoices/999999/pdf/")

    assert theirs.status_code == draft.status_code == missing.status_code == 404


def test_a_draft_is_not_shown_even_to_its_own_client(world, invoices, login):
    response = login(world.harry).get(f"/portal/invoices/{invoices['draft'].pk}/pdf/")

    assert response.status_code == 404


def test_client_users_have_an_invoices_link_and_staff_are_kept_out(
    world, invoices, login
):
    page = login(world.harry).get("/portal/").content.decode()
    staff = login(world.alex).get("/portal/invoices/")

    assert 'href="/portal/invoices/"' in page
    assert staff.status_code == 404
