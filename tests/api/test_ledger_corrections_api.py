"""Correcting the books over the API: bad debts written off and recovered, suppliers
edited, and a draft's lines changed in place.

Alex (Accounts) and Ada (Admin) may; Sam (Support), Olivia (Operations) and Harbour
Legal's own system are refused with 403, and nothing changes.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stratadesk.core.models import AuditEvent
from stratadesk.ledger.models import BadDebt, Bill, Invoice, JournalEntry, Supplier
from tests.api.conftest import field_errors, problem

# The ledger API tests' helpers and fixtures (the worked cases' MSP, Alex's token).
from tests.api.test_ledger_api import LEDGER, _bill, _line, _sale, _supplier
from tests.api.test_ledger_api import alex as alex
from tests.api.test_ledger_api import msp as msp


def _state():
    return (
        BadDebt.objects.count(),
        JournalEntry.objects.count(),
        AuditEvent.objects.count(),
        list(Invoice.objects.values()),
        list(Supplier.objects.values()),
        list(Bill.objects.values()),
    )


def _unpaid(caller, amount="1100.00"):
    return _sale(caller, "2025-07-05", _line(amount, "GST"))


# Bad debts ---------------------------------------------------------------------------


def test_it_writes_off_what_a_client_will_not_pay(alex):
    invoice = _unpaid(alex)

    response = alex.post(
        f"{LEDGER}/invoices/{invoice['id']}/write-off",
        {"date": "2025-12-01", "reason": "Client in liquidation"},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert response["Location"].endswith(f"{LEDGER}/bad-debts/{body['id']}")
    assert (body["kind"], body["amount"], body["gst_adjustment"]) == (
        "write_off",
        "1100.00",
        "100.00",
    )
    assert (body["invoice"], body["client"]) == (invoice["id"], "harbour-legal")
    assert body["journal_entry"] is not None
    after = alex.get(f"{LEDGER}/invoices/{invoice['id']}").json()
    assert (after["status"], after["balance"]) == ("written_off", "0.00")
    assert alex.get(response["Location"]).json() == body


def test_a_retried_write_off_replays_the_first_answer(alex):
    invoice = _unpaid(alex)
    url = f"{LEDGER}/invoices/{invoice['id']}/write-off"
    body = {"date": "2025-12-01", "amount": "110.00", "reason": "Disputed"}

    first = alex.post(url, body, key="write-off-1")
    again = alex.post(url, body, key="write-off-1")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert BadDebt.objects.count() == 1
    assert AuditEvent.objects.filter(action="invoice.written_off").count() == 1


@pytest.mark.parametrize(
    ("body", "status", "fields"),
    [
        ({"date": "2025-12-01", "amount": "1100.01"}, 422, set()),
        ({"date": "2025-12-01", "amount": "-5.00"}, 422, set()),
        ({"date": "01/12/2025"}, 422, {"date"}),
        ({"reason": "No date"}, 422, {"date"}),
        ({"date": "2025-12-01", "gst": "1"}, 422, {"gst"}),
    ],
)
def test_a_bad_write_off_is_refused_and_changes_nothing(alex, body, status, fields):
    invoice = _unpaid(alex)
    before = _state()

    response = alex.post(f"{LEDGER}/invoices/{invoice['id']}/write-off", body)

    assert response.status_code == status, response.content
    assert set(field_errors(response)) == fields
    assert _state() == before


def test_a_draft_has_nothing_to_write_off(alex):
    draft = alex.post(
        f"{LEDGER}/invoices",
        {"client": "harbour-legal", "lines": [_line("110.00", "GST")]},
    ).json()
    before = _state()

    response = alex.post(
        f"{LEDGER}/invoices/{draft['id']}/write-off", {"date": "2025-12-01"}
    )

    assert response.status_code == 409
    assert problem(response)["code"] == "invoice_draft"
    assert _state() == before


def test_an_unknown_invoice_or_bad_debt_is_not_found(alex):
    before = _state()

    answers = [
        alex.post(f"{LEDGER}/invoices/999/write-off", {"date": "2025-12-01"}),
        alex.post(
            f"{LEDGER}/invoices/999/recover", {"date": "2025-12-01", "amount": "1"}
        ),
        alex.get(f"{LEDGER}/bad-debts/999"),
    ]

    assert [a.status_code for a in answers] == [404] * 3
    assert {problem(a)["code"] for a in answers} == {"not_found"}
    assert _state() == before


def test_it_recovers_part_of_a_debt_written_off(alex):
    invoice = _unpaid(alex)
    base = f"{LEDGER}/invoices/{invoice['id']}"
    alex.post(f"{base}/write-off", {"date": "2025-12-01"})

    recovered = alex.post(
        f"{base}/recover",
        {"date": "2026-01-10", "amount": "550.00", "reason": "Liquidator paid"},
    )

    assert recovered.status_code == 201, recovered.content
    body = recovered.json()
    assert (body["kind"], body["amount"], body["gst_adjustment"]) == (
        "recovery",
        "550.00",
        "50.00",
    )


def test_a_recovery_names_its_amount_and_at_most_what_was_written_off(alex):
    invoice = _unpaid(alex)
    base = f"{LEDGER}/invoices/{invoice['id']}"
    alex.post(f"{base}/write-off", {"date": "2025-12-01", "amount": "100.00"})
    before = _state()

    missing = alex.post(f"{base}/recover", {"date": "2026-01-10"})
    too_much = alex.post(f"{base}/recover", {"date": "2026-01-10", "amount": "100.01"})

    assert (missing.status_code, too_much.status_code) == (422, 422)
    assert set(field_errors(missing)) == {"amount"}
    assert _state() == before


def test_bad_debts_are_listed_newest_first_a_page_at_a_time(alex):
    ids = []
    for _ in range(3):
        invoice = _unpaid(alex, "110.00")
        made = alex.post(
            f"{LEDGER}/invoices/{invoice['id']}/write-off", {"date": "2025-12-01"}
        )
        ids.append(made.json()["id"])

    first = alex.get(f"{LEDGER}/bad-debts", {"page_size": 2}).json()
    rest = alex.get(first["next"]).json()

    assert [row["id"] for row in first["results"]] == ids[::-1][:2]
    assert [row["id"] for row in rest["results"]] == ids[:1]
    assert rest["next"] is None


def test_the_bad_debt_list_runs_as_many_queries_for_1_as_for_5(alex):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert alex.get(f"{LEDGER}/bad-debts").status_code == 200
        return len(captured)

    def write_off():
        invoice = _unpaid(alex, "110.00")
        alex.post(
            f"{LEDGER}/invoices/{invoice['id']}/write-off", {"date": "2025-12-01"}
        )

    write_off()
    one = queries()
    for _ in range(4):
        write_off()

    assert queries() == one


# Suppliers ---------------------------------------------------------------------------


def test_it_edits_a_supplier_and_leaves_its_bills_as_recorded(alex):
    supplier = _supplier(alex, "Sub Contractor", "", registered=False)
    bill = _bill(alex, supplier, "2025-09-15", _line("1000.00", "NCF"))

    response = alex.patch(
        f"{LEDGER}/suppliers/{supplier['id']}",
        {
            "name": "Sub Contractor Pty Ltd",
            "abn": "53-004-085-616",
            "gst_registered": True,
            "email": "accounts@sub.test",
            "default_account": "6-2000",
        },
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["name"], body["abn"], body["abn_display"]) == (
        "Sub Contractor Pty Ltd",
        "53004085616",
        "53 004 085 616",
    )
    assert (body["email"], body["default_account"]) == ("accounts@sub.test", "6-2000")
    again = alex.get(f"{LEDGER}/bills/{bill['id']}").json()
    assert {k: v for k, v in again.items() if k != "supplier_name"} == {
        k: v for k, v in bill.items() if k != "supplier_name"
    }
    assert again["withheld"] == "470.00"
    assert AuditEvent.objects.filter(action="supplier.updated").count() == 1


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"abn": "53 004 085 617"}, {"abn"}),
        ({"name": "   "}, {"name"}),
        ({"email": "not an email"}, {"email"}),
        ({"default_account": "9-9999"}, {"default_account"}),
        ({"bills": []}, {"bills"}),
    ],
)
def test_a_bad_supplier_edit_is_refused_and_changes_nothing(alex, body, fields):
    supplier = _supplier(alex, "Telco", "51 824 753 556")
    before = _state()

    response = alex.patch(f"{LEDGER}/suppliers/{supplier['id']}", body)

    assert response.status_code == 422, response.content
    assert set(field_errors(response)) == fields
    assert _state() == before


def test_an_unknown_supplier_is_not_found(alex):
    response = alex.patch(f"{LEDGER}/suppliers/999", {"name": "Ghost"})

    assert response.status_code == 404
    assert problem(response)["code"] == "not_found"


# Draft lines -------------------------------------------------------------------------


def _draft(caller, *lines):
    made = caller.post(
        f"{LEDGER}/invoices", {"client": "harbour-legal", "lines": list(lines)}
    )
    assert made.status_code == 201, made.content
    return made.json()


def test_it_edits_a_draft_line_and_the_totals_follow(alex):
    draft = _draft(alex, _line("100.00", "GST", False), _line("50.00", "FRE", False))
    line = draft["lines"][0]

    response = alex.patch(
        f"{LEDGER}/invoices/{draft['id']}/lines/{line['id']}",
        {"description": "Onsite", "quantity": "2.50", "unit_price": "80.00"},
    )

    assert response.status_code == 200, response.content
    body = response.json()
    edited = body["lines"][0]
    assert (edited["description"], edited["quantity"], edited["net"]) == (
        "Onsite",
        "2.50",
        "200.00",
    )
    assert (body["net_total"], body["gst_total"], body["total"]) == (
        "250.00",
        "20.00",
        "270.00",
    )
    assert AuditEvent.objects.filter(action="invoice.line_updated").count() == 1


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"tax_code": "NCG"}, {"tax_code"}),
        ({"tax_code": "XYZ"}, {"tax_code"}),
        ({"quantity": "0"}, {"line"}),
        ({"unit_price": "1.005"}, {"unit_price"}),
        ({"account": "4-2000"}, {"account"}),
    ],
)
def test_a_bad_line_edit_is_refused_and_changes_nothing(alex, body, fields):
    draft = _draft(alex, _line("100.00", "GST", False))
    line = draft["lines"][0]
    before = (_state(), alex.get(f"{LEDGER}/invoices/{draft['id']}").json())

    response = alex.patch(f"{LEDGER}/invoices/{draft['id']}/lines/{line['id']}", body)

    assert response.status_code == 422, response.content
    assert set(field_errors(response)) == fields
    assert (_state(), alex.get(f"{LEDGER}/invoices/{draft['id']}").json()) == before


def test_an_issued_invoices_line_cannot_be_edited(alex):
    issued = _unpaid(alex)
    before = _state()

    response = alex.patch(
        f"{LEDGER}/invoices/{issued['id']}/lines/{issued['lines'][0]['id']}",
        {"unit_price": "1.00"},
    )

    assert response.status_code == 409
    assert problem(response)["code"] == "invoice_issued"
    assert _state() == before


def test_a_line_of_another_invoice_is_not_found(alex):
    mine = _draft(alex, _line("100.00", "GST"))
    other = _draft(alex, _line("50.00", "GST"))

    answers = [
        alex.patch(
            f"{LEDGER}/invoices/{mine['id']}/lines/{other['lines'][0]['id']}",
            {"description": "x"},
        ),
        alex.patch(f"{LEDGER}/invoices/999/lines/1", {"description": "x"}),
    ]

    assert [a.status_code for a in answers] == [404, 404]


# Who may ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["sam", "olivia", "harbour_key"])
def test_only_accounts_and_admin_reach_the_corrections(
    alex, world, as_staff, harbour, who
):
    invoice = _unpaid(alex)
    draft = _draft(alex, _line("10.00", "GST"))
    supplier = _supplier(alex, "Telco", "51 824 753 556")
    caller = harbour if who == "harbour_key" else as_staff(getattr(world, who))
    before = _state()

    answers = [
        caller.post(
            f"{LEDGER}/invoices/{invoice['id']}/write-off", {"date": "2025-12-01"}
        ),
        caller.post(
            f"{LEDGER}/invoices/{invoice['id']}/recover",
            {"date": "2025-12-01", "amount": "1.00"},
        ),
        caller.get(f"{LEDGER}/bad-debts"),
        caller.patch(f"{LEDGER}/suppliers/{supplier['id']}", {"name": "Hacked"}),
        caller.patch(
            f"{LEDGER}/invoices/{draft['id']}/lines/{draft['lines'][0]['id']}",
            {"unit_price": "0.00"},
        ),
    ]

    assert [a.status_code for a in answers] == [403] * 5
    assert {problem(a)["code"] for a in answers} == {"permission_denied"}
    assert _state() == before


def test_an_admin_may_make_every_correction(alex, world, as_staff):
    ada = as_staff(world.ada)
    invoice = _unpaid(alex)
    draft = _draft(alex, _line("10.00", "GST"))
    supplier = _supplier(alex, "Telco", "51 824 753 556")
    base = f"{LEDGER}/invoices/{invoice['id']}"

    answers = [
        ada.post(f"{base}/write-off", {"date": "2025-12-01"}),
        ada.post(f"{base}/recover", {"date": "2025-12-02", "amount": "1.00"}),
        ada.get(f"{LEDGER}/bad-debts"),
        ada.patch(f"{LEDGER}/suppliers/{supplier['id']}", {"name": "Telco Pty"}),
        ada.patch(
            f"{LEDGER}/invoices/{draft['id']}/lines/{draft['lines'][0]['id']}",
            {"unit_price": "20.00"},
        ),
    ]

    assert [a.status_code for a in answers] == [201, 201, 200, 200, 200]
