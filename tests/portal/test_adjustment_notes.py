"""The portal's invoices page lists each invoice's adjustment notes, with their PDFs."""

from datetime import date
from decimal import Decimal

import pytest

from stratadesk.core.models import BusinessProfile
from stratadesk.ledger import services
from stratadesk.ledger.documents import render_adjustment_note_pdf
from tests.fixtures import actor


@pytest.fixture
def notes(world, settings, tmp_path):
    """A rendered note on Harbour's invoice, and one on Outback's."""
    settings.MEDIA_ROOT = tmp_path
    BusinessProfile.objects.create(legal_name="Stratadesk MSP", abn="53004085616")
    alex = actor(world.alex)

    def credited(client, reason):
        line = {"description": "Support", "unit_price": Decimal("100.00")}
        invoice = services.issue_invoice(
            alex,
            services.create_invoice(
                alex,
                client=client,
                issue_date=date(2025, 7, 5),
                lines=[{**line, "tax_code": "GST"}],
            ),
        )
        note = services.issue_adjustment_note(
            alex,
            invoice,
            day=date(2025, 7, 9),
            reason=reason,
            lines=[{**line, "unit_price": Decimal("20.00"), "tax_code": "GST"}],
        )
        render_adjustment_note_pdf.call(note_id=note.pk)
        return note

    return {
        "harbour": credited(world.harbour, "Two hours billed twice"),
        "outback": credited(world.outback, "Outback's own credit"),
    }


def test_each_invoice_shows_its_notes_with_a_download(world, notes, login):
    page = login(world.harry).get("/portal/invoices/").content.decode()

    mine = notes["harbour"]
    assert f"Adjustment note {mine.reference_number}" in page
    assert "Two hours billed twice" in page
    assert "-$22.00" in page
    assert f'href="/portal/invoices/notes/{mine.pk}/pdf/"' in page
    assert "Outback's own credit" not in page


def test_the_note_pdf_downloads_for_its_own_organisation(world, notes, login):
    response = login(world.hannah).get(
        f"/portal/invoices/notes/{notes['harbour'].pk}/pdf/"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_another_organisations_note_is_as_missing_as_one_never_issued(
    world, notes, login
):
    client = login(world.oscar)

    theirs = client.get(f"/portal/invoices/notes/{notes['harbour'].pk}/pdf/")
    missing = client.get("/portal/invoices/notes/999999/pdf/")
    own = client.get(f"/portal/invoices/notes/{notes['outback'].pk}/pdf/")

    assert theirs.status_code == missing.status_code == 404
    assert own.status_code == 200


def test_staff_do_not_download_notes_through_the_portal(world, notes, login):
    response = login(world.alex).get(
        f"/portal/invoices/notes/{notes['harbour'].pk}/pdf/"
    )

    assert response.status_code == 404
