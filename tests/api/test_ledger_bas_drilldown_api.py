"""The BAS drilled into and printed over the API, open and lodged.

Alex (Accounts) asks which documents make up a label of worked case G-6, downloads
the BAS as a PDF, and after lodging gets the figures as lodged from every one of
`bas`, `bas.csv`, `bas.pdf` and the drill-down.
"""

import csv
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from stratadesk.ledger import bas
from stratadesk.ledger.models import LedgerSettings, LodgedPeriod
from tests.api.conftest import field_errors, problem

# The ledger API tests' helpers and fixtures (the worked cases' MSP, Alex's token,
# G-6 entered through the API).
from tests.api.test_ledger_api import LEDGER, QUARTER
from tests.api.test_ledger_api import alex as alex
from tests.api.test_ledger_api import msp as msp
from tests.api.test_ledger_api import quarter_g6 as quarter_g6

ACCRUALS = {**QUARTER, "basis": "accruals"}


def _label(caller, label, params=ACCRUALS):
    return caller.get(f"{LEDGER}/bas/labels/{label}", params)


def _pdf_text(response) -> str:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def _lodge(caller):
    lodged = caller.post(f"{LEDGER}/periods", ACCRUALS)
    assert lodged.status_code == 201, lodged.content


def _no_recomputing(monkeypatch):
    def recompute(*args, **kwargs):
        raise AssertionError("a lodged period was recomputed")

    monkeypatch.setattr(bas, "bas_report", recompute)


# The drill-down --------------------------------------------------------------------


def test_g1_lists_every_sale_of_g6(alex, quarter_g6):
    response = _label(alex, "G1")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["label"], body["value"], body["lodged"]) == ("G1", 19323, False)
    assert body["documents_match"] is True
    [part] = body["parts"]
    assert (part["label"], part["name"], part["exact"]) == (
        "G1",
        "Total sales",
        "19323.47",
    )
    assert sorted((d["amount"] for d in part["documents"]), key=Decimal) == [
        "23.47",
        "800.00",
        "2000.00",
        "5500.00",
        "11000.00",
    ]
    s1 = next(d for d in part["documents"] if d["amount"] == "11000.00")
    assert (s1["source_type"], s1["source_id"]) == ("invoice", quarter_g6["s1"]["id"])


def test_a_derived_label_lists_the_documents_of_its_parts(alex, quarter_g6):
    body = _label(alex, "G5").json()

    assert body["value"] == 2823
    assert [(p["label"], p["value"]) for p in body["parts"]] == [
        ("G2", 2000),
        ("G3", 800),
        ("G4", 23),
    ]
    assert [len(p["documents"]) for p in body["parts"]] == [1, 1, 1]


def test_label_9_is_made_of_the_summary_labels(alex, quarter_g6):
    body = _label(alex, "9").json()

    assert body["value"] == 7420
    assert [p["label"] for p in body["parts"]] == ["1A", "W2", "W3", "W4", "1B"]
    w4 = next(p for p in body["parts"] if p["label"] == "W4")
    assert w4["value"] == 470
    assert [d["source_type"] for d in w4["documents"]] == ["journalentry"]


def test_an_unknown_label_is_not_found(alex, quarter_g6):
    response = _label(alex, "G99")

    assert response.status_code == 404
    assert problem(response)["code"] == "not_found"


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"end": "2025-09-30"}, {"start"}),
        ({"start": "2025-07-01", "end": "30/09/2025"}, {"end"}),
        ({"start": "2025-09-30", "end": "2025-07-01"}, {"end"}),
        ({**QUARTER, "basis": "hybrid"}, {"basis"}),
        ({**QUARTER, "label": "G2"}, {"label"}),
    ],
)
def test_it_names_the_bad_fields_of_a_drilldown_query(alex, params, fields):
    response = _label(alex, "G1", params)

    assert response.status_code == 422
    assert set(field_errors(response)) == fields


def test_a_lodged_period_drills_into_its_figures_as_lodged(alex, quarter_g6):
    _lodge(alex)
    # The books change basis afterwards: what was lodged was on accruals.
    LedgerSettings.objects.update(basis="cash")

    lodged = _label(alex, "G1", QUARTER).json()
    cash = _label(alex, "G1", {**QUARTER, "basis": "cash"}).json()

    stored = LodgedPeriod.objects.get().report
    assert (lodged["lodged"], lodged["basis"], lodged["value"]) == (
        True,
        "accruals",
        stored["G1"],
    )
    assert lodged["documents_match"] is True
    assert alex.get(f"{LEDGER}/bas", QUARTER).json()["G1"] == lodged["value"]
    assert (cash["lodged"], cash["basis"]) == (False, "cash")


def test_a_lodged_figure_is_answered_even_when_the_documents_no_longer_make_it(
    alex, quarter_g6, monkeypatch
):
    _lodge(alex)
    computed = bas.bas_report

    def drifted(*args, **kwargs):
        report = computed(*args, **kwargs)
        report.labels["G1"] += 1
        return report

    monkeypatch.setattr(bas, "bas_report", drifted)

    body = _label(alex, "G1").json()

    assert (body["lodged"], body["value"], body["documents_match"]) == (
        True,
        19323,
        False,
    )


# Files -----------------------------------------------------------------------------


def test_the_bas_pdf_shows_every_label_both_methods_and_the_due_date(alex, quarter_g6):
    text = _pdf_text(alex.get(f"{LEDGER}/bas.pdf", ACCRUALS))

    for name in bas.FORM_LABELS:
        assert bas.LABEL_NAMES[name] in text, name
    for figure in ("$19323", "$2000", "$4330", "$7420 payable", "$1500", "$550"):
        assert figure in text, figure
    assert "Accounts method" in text and "Worksheet" in text and "Difference" in text
    assert "28 October 2025" in text
    assert "Accruals" in text
    assert "Not lodged" in text


@pytest.mark.parametrize("chosen", [True, False])
def test_the_bas_pdf_shows_the_simpler_bas_only_when_it_is_chosen(
    alex, quarter_g6, chosen
):
    LedgerSettings.objects.update(simpler_bas=chosen)

    text = _pdf_text(alex.get(f"{LEDGER}/bas.pdf", ACCRUALS))

    assert ("Simpler BAS" in text) is chosen


def test_a_lodged_period_downloads_as_lodged_without_recomputing(
    alex, quarter_g6, monkeypatch
):
    _lodge(alex)
    _no_recomputing(monkeypatch)

    text = _pdf_text(alex.get(f"{LEDGER}/bas.pdf", QUARTER))
    as_csv = alex.get(f"{LEDGER}/bas.csv", QUARTER)

    assert "LODGED" in text and "$7420 payable" in text
    assert as_csv.status_code == 200
    rows = list(csv.reader(io.StringIO(as_csv.content.decode())))
    assert ["bas", "G1", "19323"] in rows
    assert ["bas", "9", "7420"] in rows


def test_a_bad_pdf_query_is_a_problem_not_a_pdf(alex):
    response = alex.get(f"{LEDGER}/bas.pdf", {"start": "2025-07-01"})

    assert response.status_code == 422
    assert set(field_errors(response)) == {"end"}


# Who may ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["sam", "olivia", "harbour_key"])
def test_only_accounts_and_admin_drill_down_or_download(
    msp, world, as_staff, harbour, who
):
    caller = harbour if who == "harbour_key" else as_staff(getattr(world, who))

    answers = [
        caller.get(f"{LEDGER}/bas/labels/G1", QUARTER),
        caller.get(f"{LEDGER}/bas.pdf", QUARTER),
    ]

    assert [a.status_code for a in answers] == [403, 403]
    assert {problem(a)["code"] for a in answers} == {"permission_denied"}


def test_an_admin_drills_down_and_downloads_too(msp, world, as_staff):
    ada = as_staff(world.ada)

    label = ada.get(f"{LEDGER}/bas/labels/1A", QUARTER)
    pdf = ada.get(f"{LEDGER}/bas.pdf", QUARTER)

    assert (label.status_code, pdf.status_code) == (200, 200)
    assert label.json()["value"] == 0
