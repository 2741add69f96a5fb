"""The console's BAS of a lodged period, its PDF, and a draft's line edited in place.

Alex (Accounts) lodges the July quarter and reads it back as lodged on the page, in
the CSV and in the PDF; on a draft built from approved work Alex corrects a line.
"""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from stratadesk.core.models import AuditEvent
from stratadesk.ledger import bas, services
from stratadesk.ledger.models import InvoiceLine, LedgerSettings
from tests.console.test_ledger_pages import QUARTER, _issued
from tests.console.test_ledger_pages import books as books
from tests.console.test_ledger_pages import quarter as quarter
from tests.fixtures import actor

D = Decimal
PERIOD = {"start": QUARTER["start"], "end": QUARTER["end"]}


def _lodge(world):
    services.lodge_period(
        actor(world.alex), start=date(2025, 7, 1), end=date(2025, 9, 30)
    )


@pytest.fixture
def lodged_quarter(quarter, books):
    """The quarter lodged on accruals; the books change basis afterwards."""
    _lodge(books)
    LedgerSettings.objects.update(basis="cash")
    return quarter


@pytest.fixture
def lodged(lodged_quarter, monkeypatch):
    """The lodged quarter, any recomputation of which fails the test."""
    computed = bas.bas_report

    def only_other_periods(start, end, basis=None):
        if (start, end) == (date(2025, 7, 1), date(2025, 9, 30)) and basis in (
            None,
            "accruals",
        ):
            raise AssertionError("a lodged period was recomputed")
        return computed(start, end, basis)

    monkeypatch.setattr(bas, "bas_report", only_other_periods)
    return lodged_quarter


def _pdf_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_bas_downloads_as_a_pdf(quarter, login, books):
    client = login(books.alex)

    text = _pdf_text(client.get("/console/ledger/bas/pdf/", QUARTER))

    for name in bas.FORM_LABELS:
        assert bas.LABEL_NAMES[name] in text, name
    assert "$360" in text and "$10 payable" in text
    assert "Accounts method" in text and "Not lodged" in text


def test_a_lodged_period_is_shown_as_lodged_not_recomputed(lodged, login, books):
    client = login(books.alex)

    page = client.get("/console/ledger/bas/", PERIOD)
    as_csv = client.get("/console/ledger/bas/csv/", PERIOD)
    text = _pdf_text(client.get("/console/ledger/bas/pdf/", PERIOD))

    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="bas-stored"' in html and "accruals basis" in html
    assert "$10 payable" in html
    rows = list(csv.reader(io.StringIO(as_csv.content.decode())))
    assert ["G1", "Total sales", "360"] in rows
    assert ["basis", "accruals"] in rows
    assert "LODGED" in text and "$360" in text


def test_the_other_basis_of_a_lodged_period_is_worked_out_afresh(lodged, login, books):
    client = login(books.alex)

    page = client.get("/console/ledger/bas/", {**PERIOD, "basis": "cash"})

    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="bas-stored"' not in html and "cash basis" in html


def test_a_lodged_label_drills_down_saying_so(lodged_quarter, login, books):
    # The documents behind a lodged figure are those the ledger holds now.
    taxable, _ = lodged_quarter
    client = login(books.alex)

    page = client.get("/console/ledger/bas/labels/G1/", PERIOD).content.decode()

    assert 'id="lodged-note"' in page
    assert "still come to the lodged figure" in page
    assert f'href="/console/ledger/invoices/{taxable.pk}/"' in page


# Editing a draft's line ------------------------------------------------------------


def _draft(world):
    return services.create_invoice(
        actor(world.alex),
        client=world.harbour,
        lines=[
            {"description": "Support", "unit_price": D("100.00"), "tax_code": "GST"}
        ],
    )


def _edit(line, **values):
    return {
        "edit-description": line.description,
        "edit-quantity": str(line.quantity),
        "edit-unit_price": str(line.unit_price),
        "edit-tax_code": line.tax_code,
        **{f"edit-{key}": value for key, value in values.items()},
    }


def test_accounts_edits_a_draft_line_in_place(books, login):
    draft = _draft(books)
    line = draft.lines.get()
    client = login(books.alex)
    page = f"/console/ledger/invoices/{draft.pk}/"

    form = client.get(page, {"edit": line.pk}).content.decode()
    saved = client.post(
        f"{page}lines/{line.pk}/",
        _edit(line, description="Onsite support", quantity="2"),
    )

    assert 'id="edit-line-heading"' in form and 'value="Support"' in form
    assert saved.status_code == 302 and saved["Location"] == page
    line.refresh_from_db()
    assert (line.description, line.quantity, line.net) == (
        "Onsite support",
        D("2.00"),
        D("200.00"),
    )
    review = client.get(page).content.decode()
    assert "220.00" in review


def test_a_bad_line_edit_is_shown_on_the_form_and_changes_nothing(books, login):
    draft = _draft(books)
    line = draft.lines.get()
    client = login(books.alex)
    before = (list(InvoiceLine.objects.values()), AuditEvent.objects.count())

    response = client.post(
        f"/console/ledger/invoices/{draft.pk}/lines/{line.pk}/",
        _edit(line, quantity="0"),
    )

    assert response.status_code == 422
    assert 'id="edit-line-heading"' in response.content.decode()
    assert (list(InvoiceLine.objects.values()), AuditEvent.objects.count()) == before


def test_an_issued_invoices_line_is_not_edited(books, login):
    issued = _issued(books)
    line = issued.lines.get()
    client = login(books.alex)

    response = client.post(
        f"/console/ledger/invoices/{issued.pk}/lines/{line.pk}/",
        _edit(line, unit_price="1.00"),
    )

    assert response.status_code == 409
    assert issued.lines.get().unit_price == D("100.00")


@pytest.mark.parametrize("persona", ["sam", "olivia"])
def test_other_staff_cannot_edit_a_line(books, login, persona):
    draft = _draft(books)
    line = draft.lines.get()
    client = login(getattr(books, persona))

    response = client.post(
        f"/console/ledger/invoices/{draft.pk}/lines/{line.pk}/",
        _edit(line, unit_price="1.00"),
    )

    assert response.status_code == 403
    assert draft.lines.get().unit_price == D("100.00")
