"""The console's bookkeeping pages: Accounts writes off and recovers bad debts, reads
the journal, types manual journals and pay runs, reverses a journal, sets a client's
billing agreement and the ledger settings; other staff and clients never get in, and
anything refused changes nothing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stratadesk.core.models import AuditEvent, BusinessProfile
from stratadesk.ledger import bas, services
from stratadesk.ledger.models import (
    Account,
    BadDebt,
    BadDebtKind,
    BillingAgreement,
    EntryKind,
    InvoiceStatus,
    JournalEntry,
    LedgerSettings,
)
from tests.fixtures import actor

D = Decimal
OCTOBER = date(2025, 10, 15)
# The July quarter of 2025 is lodged in the tests that need a locked period.
IN_LODGED = "2025-08-15"


@pytest.fixture
def books(world):
    BusinessProfile.objects.create(
        legal_name="Stratadesk Demo MSP Pty Ltd", abn="53004085616"
    )
    LedgerSettings.current()
    return world


@pytest.fixture
def lodged(books):
    return services.lodge_period(
        actor(books.alex), start=date(2025, 7, 1), end=date(2025, 9, 30)
    )


def _issued(world, amount="100.00", day=OCTOBER):
    alex = actor(world.alex)
    draft = services.create_invoice(
        alex,
        client=world.harbour,
        issue_date=day,
        lines=[{"description": "Support", "unit_price": D(amount), "tax_code": "GST"}],
    )
    return services.issue_invoice(alex, draft)


def _wages(world, gross="1000.00", withheld="200.00", day=OCTOBER):
    return services.post_wages(
        actor(world.alex), day=day, gross=gross, withheld=withheld
    )


def _counts():
    return (
        JournalEntry.objects.count(),
        BadDebt.objects.count(),
        BillingAgreement.objects.count(),
        AuditEvent.objects.count(),
    )


def _text(response) -> str:
    return response.content.decode()


# Who gets in ------------------------------------------------------------------------


def _pages(world):
    invoice = _issued(world)
    entry = _wages(world)
    return [
        "/console/ledger/bad-debts/",
        f"/console/ledger/invoices/{invoice.pk}/bad-debt/",
        "/console/ledger/journals/",
        "/console/ledger/journals/new/",
        "/console/ledger/journals/wages/",
        f"/console/ledger/journals/{entry.number}/",
        f"/console/ledger/clients/{world.harbour.pk}/agreement/",
        "/console/ledger/settings/",
    ]


@pytest.mark.parametrize("persona", ["alex", "ada"])
def test_every_bookkeeping_page_opens_for_accounts_and_admin(books, login, persona):
    client = login(getattr(books, persona))

    statuses = {page: client.get(page).status_code for page in _pages(books)}

    assert set(statuses.values()) == {200}, statuses


@pytest.mark.parametrize(
    ("persona", "status"), [("sam", 403), ("olivia", 403), ("hannah", 404)]
)
def test_support_operations_and_clients_are_refused_and_change_nothing(
    books, login, persona, status
):
    pages = _pages(books)
    invoice_page = pages[1]
    entry_page = pages[5]
    client = login(getattr(books, persona))
    before = _counts()

    statuses = {page: client.get(page).status_code for page in pages}
    posts = [
        client.post(
            invoice_page,
            {
                "write_off-day": "2025-11-01",
                "write_off-amount": "10.00",
                "write_off-reason": "Gone",
            },
        ),
        client.post(f"{invoice_page}recover/", {"recover-day": "2025-11-01"}),
        client.post(
            "/console/ledger/journals/wages/",
            {"day": "2025-11-01", "gross": "100.00", "withheld": "0.00", "memo": "W"},
        ),
        client.post(
            f"{entry_page}reverse/",
            {"reverse-day": "2025-11-01", "reverse-reason": "x"},
        ),
        client.post("/console/ledger/settings/", {"settings-basis": "cash"}),
        client.post(
            "/console/ledger/settings/business/", {"business-abn": "51824753556"}
        ),
    ]

    assert set(statuses.values()) == {status}, statuses
    assert {response.status_code for response in posts} == {status}
    assert _counts() == before
    assert LedgerSettings.current().basis == "accruals"
    assert BusinessProfile.current().abn == "53004085616"


def test_the_nav_links_the_new_pages(books, login):
    page = _text(login(books.alex).get("/console/ledger/"))

    for url in ("journals/", "bad-debts/", "settings/"):
        assert f'href="/console/ledger/{url}"' in page


# Bad debts --------------------------------------------------------------------------


def test_accounts_writes_off_part_of_a_debt_and_recovers_it(books, login):
    invoice = _issued(books)
    client = login(books.alex)
    url = f"/console/ledger/invoices/{invoice.pk}/bad-debt/"

    linked = _text(client.get(f"/console/ledger/invoices/{invoice.pk}/"))
    form = _text(client.get(url))
    written = client.post(
        url,
        {
            "write_off-day": "2025-11-01",
            "write_off-amount": "55.00",
            "write_off-reason": "Client in liquidation",
        },
    )

    assert f'href="{url}"' in linked
    assert 'value="110.00"' in form
    assert written.status_code == 302
    debt = BadDebt.objects.get()
    assert (debt.kind, debt.amount, debt.gst_adjustment) == (
        BadDebtKind.WRITE_OFF,
        D("55.00"),
        D("5.00"),
    )
    assert debt.journal_entry.kind == EntryKind.WRITE_OFF
    invoice.refresh_from_db()
    assert (invoice.amount_written_off, invoice.balance) == (D("55.00"), D("55.00"))
    listed = _text(client.get("/console/ledger/bad-debts/"))
    assert "Client in liquidation" in listed
    assert invoice.reference_number in listed

    recovered = client.post(
        f"{url}recover/",
        {"recover-day": "2025-12-01", "recover-amount": "55.00"},
    )

    assert recovered.status_code == 302
    recovery = BadDebt.objects.get(kind=BadDebtKind.RECOVERY)
    assert (recovery.amount, recovery.gst_adjustment) == (D("55.00"), D("5.00"))
    assert AuditEvent.objects.filter(action="invoice.debt_recovered").count() == 1


def test_writing_off_the_whole_balance_marks_the_invoice_written_off(books, login):
    invoice = _issued(books)
    client = login(books.alex)

    client.post(
        f"/console/ledger/invoices/{invoice.pk}/bad-debt/",
        {
            "write_off-day": "2025-11-01",
            "write_off-amount": "110.00",
            "write_off-reason": "Gone",
        },
    )

    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.WRITTEN_OFF
    assert invoice.balance == D("0.00")


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("110.01", "At most the 110.00 owing may be written off."),
        ("-5.00", "At most the 110.00 owing may be written off."),
        ("ten", "Enter a number."),
    ],
)
def test_a_write_off_too_large_or_negative_is_refused(books, login, amount, message):
    invoice = _issued(books)
    client = login(books.alex)
    before = _counts()

    response = client.post(
        f"/console/ledger/invoices/{invoice.pk}/bad-debt/",
        {
            "write_off-day": "2025-11-01",
            "write_off-amount": amount,
            "write_off-reason": "Gone",
        },
    )

    assert response.status_code == 422
    assert message in _text(response)
    assert _counts() == before
    invoice.refresh_from_db()
    assert invoice.amount_written_off == D("0.00")


def test_a_write_off_dated_in_a_lodged_period_is_refused(books, login):
    invoice = _issued(books, day=date(2025, 7, 5))
    services.lodge_period(
        actor(books.alex), start=date(2025, 7, 1), end=date(2025, 9, 30)
    )
    client = login(books.alex)
    before = _counts()

    response = client.post(
        f"/console/ledger/invoices/{invoice.pk}/bad-debt/",
        {
            "write_off-day": IN_LODGED,
            "write_off-amount": "10.00",
            "write_off-reason": "Gone",
        },
    )

    assert response.status_code == 409
    assert "The BAS period 2025-07-01 to 2025-09-30 is lodged" in _text(response)
    assert _counts() == before


def test_recovering_more_than_was_written_off_is_refused(books, login):
    invoice = _issued(books)
    services.write_off_bad_debt(
        actor(books.alex), invoice, day=OCTOBER, reason="Gone", amount="20.00"
    )
    client = login(books.alex)
    before = _counts()

    response = client.post(
        f"/console/ledger/invoices/{invoice.pk}/bad-debt/recover/",
        {"recover-day": "2025-11-01", "recover-amount": "20.01"},
    )

    assert response.status_code == 422
    assert "Only an amount written off and not yet recovered" in _text(response)
    assert _counts() == before


# Journals -----------------------------------------------------------------------------


def test_the_journal_lists_entries_with_totals_and_reversals(books, login):
    invoice = _issued(books)
    wages = _wages(books)
    reversal = services.reverse_entry(
        actor(books.alex), wages, day=OCTOBER, reason="Wrong run"
    )
    client = login(books.alex)

    page = _text(client.get("/console/ledger/journals/"))
    only_invoices = _text(client.get("/console/ledger/journals/", {"kind": "invoice"}))

    assert f'id="entry-{invoice.journal_entry.number}"' in page
    assert "$110.00" in page and "$1,000.00" in page
    assert f'href="/console/ledger/journals/{reversal.number}/"' in page
    assert f"Reversal of J{wages.number}: Wrong run" in page
    assert f'id="entry-{wages.number}"' not in only_invoices


def test_the_journal_list_reads_the_same_number_of_queries_however_long(books, login):
    client = login(books.alex)
    _wages(books)
    with CaptureQueriesContext(connection) as one:
        assert client.get("/console/ledger/journals/").status_code == 200
    for _ in range(3):
        entry = _wages(books)
        services.reverse_entry(actor(books.alex), entry, day=OCTOBER, reason="x")
    _issued(books)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/console/ledger/journals/").status_code == 200

    assert JournalEntry.objects.count() == 8
    assert len(many) == len(one)


def test_an_entry_shows_its_lines_and_the_document_behind_it(books, login):
    invoice = _issued(books)
    client = login(books.alex)

    page = _text(
        client.get(f"/console/ledger/journals/{invoice.journal_entry.number}/")
    )

    assert "1-1100 Trade debtors" in page
    assert "2-1100 GST collected" in page
    assert f'href="/console/ledger/invoices/{invoice.pk}/"' in page
    assert "Only manual journals are reversed here" in page


def _journal(**lines):
    data = {"day": "2025-10-31", "memo": "Bank interest, October"}
    for key, value in lines.items():
        data[key] = value
    return data


def test_accounts_posts_a_balanced_manual_journal(books, login):
    bank = Account.objects.get(code="1-1000")
    interest = Account.objects.get(code="4-2000")
    client = login(books.alex)

    form = _text(client.get("/console/ledger/journals/new/"))
    posted = client.post(
        "/console/ledger/journals/new/",
        _journal(
            **{
                "line0-account": bank.pk,
                "line0-debit": "23.47",
                "line1-account": interest.pk,
                "line1-credit": "23.47",
                "line1-tax_code": "ITS",
                "line1-description": "Interest",
            }
        ),
    )

    assert 'for="id_line5-account"' in form
    entry = JournalEntry.objects.get(kind=EntryKind.MANUAL)
    assert posted.status_code == 302
    assert posted["Location"] == f"/console/ledger/journals/{entry.number}/"
    lines = list(entry.lines.order_by("id").values_list("debit", "credit", "tax_code"))
    assert lines == [(D("23.47"), D("0.00"), ""), (D("0.00"), D("23.47"), "ITS")]
    assert AuditEvent.objects.filter(action="journal.posted").count() == 1


@pytest.mark.parametrize(
    ("lines", "status", "message"),
    [
        (
            {"line0-debit": "100.00", "line1-credit": "99.99"},
            422,
            "The entry does not balance: debits 100.00, credits 99.99.",
        ),
        (
            {"line0-debit": "-10.00", "line1-credit": "-10.00"},
            422,
            "Journal amounts are positive and in whole cents.",
        ),
        ({"line0-debit": "10.00"}, 422, "A journal entry needs at least two lines."),
        (
            {"line0-debit": "10.00", "line1-credit": "10.00", "line1-tax_code": "GST"},
            422,
            "Select a valid choice.",
        ),
    ],
)
def test_a_bad_manual_journal_is_refused_and_posts_nothing(
    books, login, lines, status, message
):
    bank = Account.objects.get(code="1-1000")
    fees = Account.objects.get(code="6-2300")
    data = _journal(**{"line0-account": fees.pk, "line1-account": bank.pk})
    if "line1-credit" not in lines:
        del data["line1-account"]
    client = login(books.alex)
    before = _counts()

    response = client.post("/console/ledger/journals/new/", {**data, **lines})

    assert response.status_code == status
    assert message in _text(response)
    assert _counts() == before


def test_a_line_with_an_amount_needs_an_account(books, login):
    bank = Account.objects.get(code="1-1000")
    client = login(books.alex)

    response = client.post(
        "/console/ledger/journals/new/",
        _journal(
            **{"line0-account": bank.pk, "line0-debit": "5.00", "line1-credit": "5.00"}
        ),
    )

    assert response.status_code == 422
    assert "Choose the account of this line." in _text(response)
    assert not JournalEntry.objects.exists()


def test_a_pay_run_shows_at_w1_and_w2_on_the_bas(books, login):
    client = login(books.alex)

    posted = client.post(
        "/console/ledger/journals/wages/",
        {
            "day": "2025-10-15",
            "gross": "30000.00",
            "withheld": "6000.00",
            "memo": "Wages, October",
        },
    )

    entry = JournalEntry.objects.get()
    assert posted["Location"] == f"/console/ledger/journals/{entry.number}/"
    report = bas.bas_report(date(2025, 10, 1), date(2025, 12, 31), "accruals")
    assert (report.labels["W1"], report.labels["W2"], report.labels["W5"]) == (
        30000,
        6000,
        6000,
    )
    page = _text(
        client.get(
            "/console/ledger/bas/",
            {"start": "2025-10-01", "end": "2025-12-31", "basis": "accruals"},
        )
    )
    assert "$30000" in page and "$6000" in page


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        (
            {"day": IN_LODGED, "gross": "1000.00", "withheld": "200.00"},
            409,
            "The BAS period 2025-07-01 to 2025-09-30 is lodged",
        ),
        (
            {"day": "2025-10-15", "gross": "100.00", "withheld": "200.00"},
            422,
            "Journal amounts are positive and in whole cents.",
        ),
        (
            {"day": "2025-10-15", "gross": "", "withheld": "200.00"},
            422,
            "This field is required.",
        ),
    ],
)
def test_a_refused_pay_run_posts_nothing(books, lodged, login, data, status, message):
    client = login(books.alex)
    before = _counts()

    response = client.post("/console/ledger/journals/wages/", {**data, "memo": "W"})

    assert response.status_code == status
    assert message in _text(response)
    assert _counts() == before


def test_a_manual_journal_is_reversed_once(books, login):
    wages = _wages(books)
    client = login(books.alex)
    url = f"/console/ledger/journals/{wages.number}/"

    page = _text(client.get(url))
    reversed_ = client.post(
        f"{url}reverse/",
        {"reverse-day": "2025-10-20", "reverse-reason": "Paid twice"},
    )
    again = client.post(
        f"{url}reverse/", {"reverse-day": "2025-10-20", "reverse-reason": "Again"}
    )

    assert f"Reverse J{wages.number}" in page
    reversal = JournalEntry.objects.get(kind=EntryKind.REVERSAL)
    assert reversed_["Location"] == f"/console/ledger/journals/{reversal.number}/"
    assert reversal.reverses == wages
    assert again.status_code == 409
    assert "is already reversed" in _text(again)
    assert JournalEntry.objects.filter(kind=EntryKind.REVERSAL).count() == 1
    shown = _text(client.get(url))
    assert 'id="reversed-by"' in shown
    assert f"Reverse J{wages.number}" not in shown


@pytest.mark.parametrize(
    ("which", "day", "message"),
    [
        ("wages", IN_LODGED, "The BAS period 2025-07-01 to 2025-09-30 is lodged"),
        ("invoice", "2025-10-20", "Only manual journals are reversed"),
    ],
)
def test_a_refused_reversal_posts_nothing(books, lodged, login, which, day, message):
    entries = {"wages": _wages(books), "invoice": _issued(books).journal_entry}
    client = login(books.alex)
    before = _counts()

    response = client.post(
        f"/console/ledger/journals/{entries[which].number}/reverse/",
        {"reverse-day": day, "reverse-reason": "Mistake"},
    )

    assert response.status_code == 409
    assert message in _text(response)
    assert _counts() == before


# Billing agreements -----------------------------------------------------------------


AGREEMENT = {
    "agreement-business_hours_rate": "160.00",
    "agreement-after_hours_rate": "240.00",
    "agreement-travel_rate": "80.00",
    "agreement-monthly_fee": "500.00",
    "agreement-monthly_fee_description": "Managed services, monthly fee",
    "agreement-payment_terms_days": "30",
}


def test_accounts_sets_up_and_changes_a_clients_agreement(books, login):
    client = login(books.alex)
    url = f"/console/ledger/clients/{books.harbour.pk}/agreement/"

    linked = _text(client.get(f"/console/ledger/clients/{books.harbour.pk}/"))
    created = client.post(url, AGREEMENT)
    changed = client.post(url, {**AGREEMENT, "agreement-monthly_fee": "650.00"})

    assert f'href="{url}"' in linked
    assert created.status_code == changed.status_code == 302
    agreement = BillingAgreement.objects.get()
    assert (
        agreement.business_hours_rate,
        agreement.after_hours_rate,
        agreement.travel_rate,
        agreement.monthly_fee,
        agreement.payment_terms_days,
    ) == (D("160.00"), D("240.00"), D("80.00"), D("650.00"), 30)
    assert 'value="650.00"' in _text(client.get(url))
    actions = AuditEvent.objects.filter(action__startswith="billing_agreement")
    assert list(actions.values_list("action", flat=True)) == [
        "billing_agreement.created",
        "billing_agreement.updated",
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("agreement-after_hours_rate", "-1.00", "Whole cents, not negative."),
        ("agreement-monthly_fee", "ninety", "Enter a number."),
        ("agreement-payment_terms_days", "-3", "greater than or equal to 0"),
    ],
)
def test_a_bad_term_is_refused_and_nothing_is_saved(
    books, login, field, value, message
):
    client = login(books.alex)
    before = _counts()

    response = client.post(
        f"/console/ledger/clients/{books.harbour.pk}/agreement/",
        {**AGREEMENT, field: value},
    )

    assert response.status_code == 422
    assert message in _text(response)
    assert "field--invalid" in _text(response)
    assert _counts() == before


# Settings ---------------------------------------------------------------------------


SETTINGS = {
    "settings-basis": "cash",
    "settings-bas_frequency": "monthly",
    "settings-rounding": "whole_invoice",
    "settings-gst_method": "accounts",
    "settings-simpler_bas": "on",
    "settings-invoice_series": "INV",
    "settings-bank_account_name": "Stratadesk Demo MSP",
    "settings-bank_bsb": "062-000",
    "settings-bank_account_number": "1234 5678",
}


def test_accounts_changes_how_the_books_are_kept(books, login):
    client = login(books.alex)

    saved = client.post("/console/ledger/settings/", SETTINGS)

    assert saved.status_code == 302
    current = LedgerSettings.current()
    assert (
        current.basis,
        current.bas_frequency,
        current.rounding,
        current.bank_bsb,
    ) == ("cash", "monthly", "whole_invoice", "062-000")
    event = AuditEvent.objects.get(action="ledger_settings.updated")
    # Only what changed is recorded: simpler BAS and the series were already so.
    assert set(event.data) == {
        "basis",
        "bas_frequency",
        "rounding",
        "bank_account_name",
        "bank_bsb",
        "bank_account_number",
    }


def test_an_invalid_setting_is_refused_and_nothing_changes(books, login):
    client = login(books.alex)
    before = _counts()

    response = client.post(
        "/console/ledger/settings/", {**SETTINGS, "settings-basis": "whenever"}
    )

    assert response.status_code == 422
    assert "Select a valid choice." in _text(response)
    assert LedgerSettings.current().basis == "accruals"
    assert _counts() == before


def test_accounts_reads_the_abn_and_registration_but_may_not_change_them(books, login):
    client = login(books.alex)

    page = _text(client.get("/console/ledger/settings/"))
    refused = client.post(
        "/console/ledger/settings/business/",
        {"business-abn": "51 824 753 556", "business-gst_registered": "on"},
    )

    assert "53 004 085 616" in page
    assert "Only an Admin changes the ABN" in page
    assert 'name="business-abn"' not in page
    assert refused.status_code == 403
    assert BusinessProfile.current().abn == "53004085616"
    assert not AuditEvent.objects.filter(action="business_profile.updated").exists()


def test_an_admin_changes_the_abn_and_gst_registration(books, login):
    client = login(books.ada)

    page = _text(client.get("/console/ledger/settings/"))
    saved = client.post(
        "/console/ledger/settings/business/", {"business-abn": "51-824-753-556"}
    )

    assert 'name="business-abn"' in page
    assert saved.status_code == 302
    profile = BusinessProfile.current()
    assert (profile.abn, profile.gst_registered) == ("51824753556", False)
    assert AuditEvent.objects.filter(action="business_profile.updated").count() == 1


def test_an_invalid_abn_is_refused_and_nothing_changes(books, login):
    client = login(books.ada)
    before = _counts()

    response = client.post(
        "/console/ledger/settings/business/",
        {"business-abn": "53 004 085 617", "business-gst_registered": "on"},
    )

    assert response.status_code == 422
    assert "This ABN fails the official check-digit test." in _text(response)
    assert BusinessProfile.current().abn == "53004085616"
    assert _counts() == before


# Debts a year overdue ---------------------------------------------------------------


def test_debts_a_year_overdue_are_listed_for_a_decision(books, client):
    from django.utils import timezone

    from stratadesk.core import clock
    from stratadesk.ledger.selectors import overdue_a_year

    old = _issued(books, day=date(2024, 3, 1))
    today = timezone.localdate(clock.now())
    recent = _issued(books, day=today - timedelta(days=30))
    paid = _issued(books, day=date(2024, 3, 1))
    services.receive_payment(
        actor(books.alex),
        client=books.harbour,
        day=date(2024, 4, 1),
        amount=paid.total,
        allocations=[(paid, paid.total)],
    )
    client.force_login(books.alex)

    as_of = old.due_date.replace(year=old.due_date.year + 1)
    listed = _text(client.get("/console/ledger/bad-debts/"))

    assert list(overdue_a_year(as_of)) == [old]
    assert list(overdue_a_year(as_of - timedelta(days=1))) == []
    assert old.reference_number in listed
    assert recent.reference_number not in listed.split("records-heading")[0]
    assert paid.reference_number not in listed
