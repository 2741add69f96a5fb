"""From an approved SVR to a draft invoice: unbilled charges and monthly fees."""

from datetime import date
from decimal import Decimal

import pytest

from stratadesk.core.errors import Conflict, ValidationFailed
from stratadesk.ledger import billing, services
from stratadesk.ledger.models import BillingAgreement, UnbilledCharge

D = Decimal


@pytest.fixture
def agreement(books):
    return BillingAgreement.objects.create(
        client=books.client,
        business_hours_rate=D("160.00"),
        after_hours_rate=D("240.00"),
        monthly_fee=D("500.00"),
        payment_terms_days=7,
    )


@pytest.fixture
def approved_svr(world):
    ticket = world.ticket_at("closed")
    svr = ticket.svrs.get()
    # The approval itself recorded them; these tests call the function afresh.
    UnbilledCharge.objects.filter(svr=svr).delete()
    return svr


def test_approving_the_svr_records_its_charges(world, agreement):
    ticket = world.ticket_at("closed")

    [charge] = UnbilledCharge.objects.filter(svr__ticket=ticket)
    assert (charge.quantity, charge.unit_price) == (D("0.75"), D("160.00"))


def test_a_rejected_svr_records_no_charges(world, agreement):
    ticket = world.ticket_at("svr_pending")
    world.move(ticket, "reject_svr", world.hannah, reason="Still jams.")

    assert not UnbilledCharge.objects.exists()


def test_an_approved_svr_becomes_charges_at_the_clients_rates(agreement, approved_svr):
    charges = billing.record_unbilled_charges(approved_svr)

    assert [(c.quantity, c.unit_price) for c in charges] == [(D("0.75"), D("160.00"))]
    assert charges[0].client == approved_svr.ticket.client
    assert "business hours" in charges[0].description


def test_recording_charges_twice_changes_nothing(agreement, approved_svr):
    billing.record_unbilled_charges(approved_svr)
    billing.record_unbilled_charges(approved_svr)

    assert UnbilledCharge.objects.count() == 1


def test_materials_and_after_hours_are_charged_and_unbillable_work_is_not(
    agreement, approved_svr
):
    approved_svr.content = {
        "ticket": "TCK-1",
        "time_entries": [
            {"minutes": 90, "work_type": "after_hours", "billable": True},
            {"minutes": 30, "work_type": "business_hours", "billable": False},
        ],
        "materials": [
            {
                "item": "Toner",
                "quantity": "2.00",
                "unit_price": "85.50",
                "billable": True,
            },
            {
                "item": "Cable",
                "quantity": "1.00",
                "unit_price": "9.00",
                "billable": False,
            },
        ],
    }

    charges = billing.record_unbilled_charges(approved_svr)

    assert [(c.quantity, c.unit_price) for c in charges] == [
        (D("1.50"), D("240.00")),
        (D("2.00"), D("85.50")),
    ]


def test_a_pending_svr_is_not_billed(world, agreement):
    svr = world.ticket_at("svr_pending").svrs.get()

    with pytest.raises(Conflict):
        billing.record_unbilled_charges(svr)


def test_build_invoice_bills_charges_and_the_monthly_fee(
    books, agreement, approved_svr
):
    billing.record_unbilled_charges(approved_svr)
    UnbilledCharge.objects.update(date=date(2025, 7, 20))

    draft = billing.build_invoice(
        books.alex, books.client, date(2025, 7, 1), date(2025, 8, 31)
    )
    lines = list(draft.lines.order_by("position"))

    assert [line.description[:30] for line in lines[:2]] == [
        "Managed services, monthly fee,",
        "Managed services, monthly fee,",
    ]
    assert [line.amount for line in lines] == [D("500.00"), D("500.00"), D("120.00")]
    assert UnbilledCharge.objects.get().invoice_line == lines[2]

    issued = services.issue_invoice(books.alex, draft, issue_date=date(2025, 9, 1))
    assert (issued.gst_total, issued.total) == (D("112.00"), D("1232.00"))
    assert issued.due_date == date(2025, 9, 8)


def test_charges_once_invoiced_are_not_billed_again(books, agreement, approved_svr):
    agreement.monthly_fee = 0
    agreement.save()
    billing.record_unbilled_charges(approved_svr)
    today = UnbilledCharge.objects.get().date
    billing.build_invoice(books.alex, books.client, today, today)

    with pytest.raises(ValidationFailed):
        billing.build_invoice(books.alex, books.client, today, today)
