"""Credits and payments across BAS periods: what each period reports stays put.

On the cash basis a period reports the change in the part of each invoice paid so
far; on accruals the GST of an invoice follows its accrual date. Either way, a
document dated after a period never changes that period's figures.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from stratadesk.core.errors import Conflict, ValidationFailed
from stratadesk.core.models import BusinessProfile
from stratadesk.ledger import bas, gst, services
from stratadesk.ledger.models import AdjustmentNote, Invoice, LedgerSettings, Payment
from tests.fixtures import World, actor

D = Decimal
QUARTERS = [
    (date(2025, 7, 1), date(2025, 9, 30)),
    (date(2025, 10, 1), date(2025, 12, 31)),
    (date(2026, 1, 1), date(2026, 3, 31)),
    (date(2026, 4, 1), date(2026, 6, 30)),
]


def _labels(start, end, basis="cash"):
    return bas.bas_report(start, end, basis).labels


def _credit(books, invoice, amount, day, code="GST", inclusive=True):
    return services.issue_adjustment_note(
        books.alex,
        invoice,
        day=day,
        reason="Overcharged",
        lines=[
            {
                "description": "Labour",
                "unit_price": D(str(amount)),
                "tax_code": code,
                "prices_include_gst": inclusive,
            }
        ],
    )


# Cash basis ------------------------------------------------------------------------


def test_a_credit_after_full_payment_is_an_adjustment_in_its_own_period(books):
    invoice = books.invoice((1000, "GST"), day=date(2025, 7, 5))
    books.pay(invoice, 1100, date(2025, 7, 20))
    september = _labels(*QUARTERS[0])

    _credit(books, invoice, 550, date(2025, 11, 3))

    assert _labels(*QUARTERS[0]) == september
    assert (september["G1"], september["1A"]) == (1100, 100)
    december = _labels(*QUARTERS[1])
    assert (december["G1"], december["1A"]) == (0, 0)
    assert (december["G18"], december["1B"]) == (550, 50)


def test_a_credit_of_an_unpaid_part_leaves_the_paid_part_alone(books):
    invoice = books.invoice((1000, "GST"), day=date(2025, 7, 5))
    books.pay(invoice, 550, date(2025, 7, 20))
    september = _labels(*QUARTERS[0])

    _credit(books, invoice, 550, date(2025, 11, 3))

    assert _labels(*QUARTERS[0]) == september
    assert (september["G1"], september["1A"]) == (550, 50)
    december = _labels(*QUARTERS[1])
    assert [december[k] for k in ("G1", "1A", "G18", "1B")] == [0, 0, 0, 0]


def test_money_recovered_after_a_write_off_counts_as_paid(books):
    settings_ = LedgerSettings.current()
    settings_.basis = "cash"
    settings_.save()
    invoice = books.invoice((1000, "GST"), day=date(2025, 7, 5))
    services.write_off_bad_debt(
        books.alex, invoice, day=date(2025, 8, 1), reason="Client wound up"
    )

    services.recover_bad_debt(books.alex, invoice, day=date(2025, 11, 1), amount=550)

    assert _labels(*QUARTERS[0])["1A"] == 0
    december = _labels(*QUARTERS[1])
    assert (december["G1"], december["1A"]) == (550, 50)


# Accruals --------------------------------------------------------------------------


def test_a_payment_before_the_invoice_moves_its_gst_with_its_sale(books):
    invoice = books.invoice((1000, "GST"), day=date(2025, 10, 2))
    books.pay(invoice, 1100, date(2025, 9, 28))

    september = bas.bas_report(*QUARTERS[0], "accruals")
    december = bas.bas_report(*QUARTERS[1], "accruals")

    assert (september.labels["G1"], september.labels["1A"]) == (1100, 100)
    assert september.difference["1A"] == 0
    assert (december.labels["G1"], december.labels["1A"]) == (0, 0)


def test_an_invoice_first_paid_before_a_period_is_not_counted_in_it(books):
    invoice = books.invoice((1000, "GST"), day=date(2026, 1, 10))
    books.pay(invoice, 500, date(2025, 9, 28))
    books.pay(invoice, 600, date(2025, 11, 2))

    september = _labels(*QUARTERS[0], basis="accruals")
    december = _labels(*QUARTERS[1], basis="accruals")

    assert (september["G1"], september["1A"]) == (1100, 100)
    assert (december["G1"], december["1A"]) == (0, 0)


def test_a_payment_cannot_pull_gst_out_of_a_lodged_period(books):
    invoice = books.invoice((1000, "GST"), day=date(2025, 10, 2))
    services.lodge_period(books.alex, start=QUARTERS[1][0], end=QUARTERS[1][1])

    with pytest.raises(Conflict) as refused:
        books.pay(invoice, 1100, date(2025, 9, 28))

    assert refused.value.code == "period_lodged"
    assert not Payment.objects.exists()


def test_a_credit_after_a_prepayment_period_is_an_adjustment(books):
    invoice = books.invoice((1000, "GST"), day=date(2025, 10, 2))
    books.pay(invoice, 1100, date(2025, 9, 28))

    note = _credit(books, invoice, 110, date(2025, 10, 10))

    assert note.adjusts_earlier_period
    december = _labels(*QUARTERS[1], basis="accruals")
    assert (december["G18"], december["1B"]) == (110, 10)


# What a note may credit ------------------------------------------------------------


def test_a_note_cannot_credit_gst_on_a_gst_free_sale(books):
    invoice = books.invoice((1000, "FRE"))

    with pytest.raises(ValidationFailed) as refused:
        _credit(books, invoice, 110, date(2025, 7, 20), code="GST")

    assert refused.value.code == "credit_too_large"
    assert not AdjustmentNote.objects.exists()


def test_a_note_credits_each_tax_code_at_most_what_is_left(books):
    invoice = books.invoice((1000, "GST"), (500, "FRE"))
    _credit(books, invoice, 300, date(2025, 7, 20), code="FRE")

    with pytest.raises(ValidationFailed):
        _credit(books, invoice, D("200.01"), date(2025, 7, 21), code="FRE")
    _credit(books, invoice, 200, date(2025, 7, 21), code="FRE")
    _credit(books, invoice, 1100, date(2025, 7, 22), code="GST")

    fresh = Invoice.objects.get(pk=invoice.pk)
    assert fresh.amount_credited == fresh.total


def test_the_note_crediting_the_last_taxable_part_takes_the_gst_left(books):
    invoice = books.invoice((D("7.40"), "GST"))
    first = _credit(books, invoice, D("0.06"), date(2025, 7, 20))

    rest = _credit(books, invoice, D("8.08"), date(2025, 7, 21))

    assert first.gst_total + rest.gst_total == invoice.gst_total == D("0.74")
    assert rest.total == D("8.08")


# Property --------------------------------------------------------------------------

events = st.lists(
    st.tuples(
        st.sampled_from(["pay", "credit_gst", "credit_free"]),
        st.integers(min_value=4, max_value=364),
        st.integers(min_value=1, max_value=100),
    ),
    max_size=6,
)


class TestCashPeriodsStayPut(HypothesisTestCase):
    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        taxable=st.integers(min_value=1, max_value=500000).map(lambda c: D(c) / 100),
        free=st.sampled_from([D("0"), D("250.00"), D("99.99")]),
        happenings=events,
    )
    def test_later_documents_never_change_an_earlier_period(
        self, taxable, free, happenings
    ):
        world = World()
        alex = actor(world.alex)
        BusinessProfile.objects.create(
            legal_name="MSP", abn="53004085616", gst_registered=True
        )
        lines = [{"description": "Work", "unit_price": taxable, "tax_code": "GST"}]
        if free:
            lines.append({"description": "Free", "unit_price": free, "tax_code": "FRE"})
        invoice = services.create_invoice(
            alex, client=world.harbour, issue_date=date(2025, 7, 1), lines=lines
        )
        invoice = services.issue_invoice(alex, invoice)

        frozen: dict[int, dict] = {}
        for kind, offset, percent in sorted(happenings, key=lambda e: e[1]):
            day = date(2025, 7, 1) + timedelta(days=offset)
            self._freeze_quarters_before(day, frozen)
            self._happen(alex, world, invoice, kind, day, percent)

        # Settle what is left in the last quarter so the whole GST is reported.
        balance = Invoice.objects.get(pk=invoice.pk).balance
        if balance > 0:
            self._pay(alex, world, invoice, balance, QUARTERS[3][1])

        final = [bas.bas_report(start, end, "cash").exact for start, end in QUARTERS]
        for index, figures in frozen.items():
            assert _nonzero(final[index]) == _nonzero(figures)

        fresh = Invoice.objects.get(pk=invoice.pk)
        credited_gst = sum(
            fresh.adjustment_notes.values_list("gst_total", flat=True), D("0")
        )
        reported = sum(
            (f.get("1A", D("0")) - f.get("1B", D("0")) for f in final), D("0")
        )
        assert credited_gst <= fresh.gst_total
        assert reported == fresh.gst_total - credited_gst
        for figures in final:
            assert figures.get("G18", D("0")) == figures.get("1B", D("0")) * 11

    def _freeze_quarters_before(self, day, frozen):
        for index, (start, end) in enumerate(QUARTERS):
            if end < day and index not in frozen:
                frozen[index] = bas.bas_report(start, end, "cash").exact

    def _happen(self, alex, world, invoice, kind, day, percent):
        fresh = Invoice.objects.get(pk=invoice.pk)
        if kind == "pay":
            amount = gst.cents(fresh.balance * percent / 100)
            if amount > 0:
                self._pay(alex, world, invoice, amount, day)
            return
        code = "GST" if kind == "credit_gst" else "FRE"
        charged = sum((ln.gross for ln in fresh.lines.filter(tax_code=code)), D(0))
        credited = sum(
            (
                ln.gross
                for note in fresh.adjustment_notes.all()
                for ln in note.lines.filter(tax_code=code)
            ),
            D("0"),
        )
        amount = gst.cents((charged - credited) * percent / 100)
        if amount <= 0:
            return
        services.issue_adjustment_note(
            alex,
            fresh,
            day=day,
            reason="Partly credited",
            lines=[
                {
                    "description": "Credit",
                    "unit_price": amount,
                    "tax_code": code,
                    "prices_include_gst": True,
                }
            ],
        )

    def _pay(self, alex, world, invoice, amount, day):
        services.receive_payment(
            alex,
            client=world.harbour,
            day=day,
            amount=amount,
            allocations=[(invoice, amount)],
        )


def _nonzero(figures: dict) -> dict:
    return {label: value for label, value in figures.items() if value}


# Review findings: allocations and bad debts ----------------------------------------


def test_one_invoice_twice_in_a_payment_is_refused(books):
    invoice = books.invoice((D("160"), "GST", True))

    with pytest.raises(ValidationFailed) as refused:
        services.receive_payment(
            books.alex,
            client=invoice.client,
            day=date(2025, 7, 10),
            amount=D("200"),
            allocations=[(invoice, D("100")), (invoice, D("100"))],
        )

    assert refused.value.code == "duplicate_allocation"
    assert not Payment.objects.exists()
    assert Invoice.objects.get(pk=invoice.pk).amount_paid == 0


def test_a_write_off_after_crediting_the_taxable_part_carries_no_gst(books):
    invoice = books.invoice((D("1100"), "GST", True), (D("1000"), "FRE", True))
    _credit(books, invoice, 1100, date(2025, 7, 10))

    debt = services.write_off_bad_debt(
        books.alex, invoice, day=date(2025, 10, 5), reason="Gone"
    )

    assert debt.gst_adjustment == 0
    assert _labels(*QUARTERS[1], basis="accruals")["1B"] == 0


def test_a_write_off_after_crediting_the_free_part_carries_all_the_gst(books):
    invoice = books.invoice((D("1100"), "GST", True), (D("1000"), "FRE", True))
    _credit(books, invoice, 1000, date(2025, 7, 10), code="FRE")

    debt = services.write_off_bad_debt(
        books.alex, invoice, day=date(2025, 10, 5), reason="Gone"
    )

    assert debt.gst_adjustment == D("100.00")


def test_a_debt_recovered_in_parts_gives_back_exactly_its_gst(books):
    invoice = books.invoice((D("100"), "GST", True))
    written = services.write_off_bad_debt(
        books.alex, invoice, day=date(2025, 8, 1), reason="Gone"
    )

    parts = [
        services.recover_bad_debt(
            books.alex, invoice, day=date(2025, 11, 1), amount=D("50")
        ).gst_adjustment
        for _ in range(2)
    ]

    assert written.gst_adjustment == D("9.09")
    assert sum(parts) == D("9.09")


def test_no_invoice_is_issued_before_the_business_profile_names_its_supplier(world):
    alex = actor(world.alex)
    draft = services.create_invoice(
        alex,
        client=world.harbour,
        issue_date=date(2025, 7, 5),
        lines=[{"description": "Work", "unit_price": D("909.09"), "tax_code": "GST"}],
    )

    with pytest.raises(ValidationFailed) as refused:
        services.issue_invoice(alex, draft)
    BusinessProfile.objects.create(legal_name="MSP", abn="", gst_registered=True)
    with pytest.raises(ValidationFailed) as no_abn:
        services.issue_invoice(alex, draft)

    assert refused.value.code == "business_profile_missing"
    assert no_abn.value.code == "business_abn_missing"
    assert Invoice.objects.get(pk=draft.pk).status == "draft"


def test_a_line_too_large_for_the_ledger_is_refused_not_a_crash(books):
    with pytest.raises(ValidationFailed):
        services.create_invoice(
            books.alex,
            client=books.client,
            lines=[
                {
                    "description": "Huge",
                    "quantity": "9999999999.99",
                    "unit_price": "999999999999.99",
                    "tax_code": "GST",
                }
            ],
        )

    assert not Invoice.objects.exists()


@pytest.mark.parametrize(
    ("start", "end"), [("0001-01-01", "9999-12-31"), ("2025-07-01", "2026-07-01")]
)
def test_a_bas_over_more_than_a_year_is_refused_everywhere(books, client, start, end):
    from django.core.management import CommandError, call_command

    client.force_login(books.world.alex)
    page = client.get("/console/ledger/bas/", {"start": start, "end": end})

    assert page.status_code in (200, 422)
    assert "A BAS covers at most a year." in page.text or "Enter a valid date" in (
        page.text
    )
    with pytest.raises(CommandError):
        call_command("bas", "--start", start, "--end", end)


def test_the_api_refuses_a_bas_over_more_than_a_year(books):
    from django.test import Client

    from stratadesk.api import keys
    from stratadesk.people.actors import Actor

    _, secret = keys.create_staff_token(Actor.system("t"), books.world.alex, name="t")
    http = Client(headers={"Authorization": f"Bearer {secret}"})

    wide = http.get("/api/v1/ledger/bas", {"start": "0001-01-01", "end": "9999-12-31"})
    year = http.get("/api/v1/ledger/bas", {"start": "2025-07-01", "end": "2026-06-30"})

    assert wide.status_code == 422
    assert year.status_code == 200


@pytest.mark.parametrize("days", [-30, "abc", 366])
def test_bad_payment_terms_are_refused_plainly(books, days):
    from stratadesk.ledger import billing

    with pytest.raises(ValidationFailed):
        billing.set_agreement(books.alex, books.client, payment_terms_days=days)


def test_a_w1_line_on_the_credit_side_is_refused(books):
    from stratadesk.ledger.models import Account, JournalEntry

    wages = Account.objects.get(system_role="wages")
    bank = Account.objects.get(system_role="bank")
    before = JournalEntry.objects.count()

    with pytest.raises(ValidationFailed):
        services.post_manual_journal(
            books.alex,
            day=date(2025, 8, 1),
            memo="Backwards",
            lines=[
                {"account": wages, "credit": D("100"), "bas_label": "W1"},
                {"account": bank, "debit": D("100")},
            ],
        )

    assert JournalEntry.objects.count() == before


@pytest.mark.parametrize("code", ["1-1200", "2-1000", "4-1000"])
def test_a_bill_line_cannot_post_to_a_control_or_income_account(books, code):
    from stratadesk.ledger.models import Account, Bill

    supplier = services.create_supplier(books.alex, name="Acme", abn="53004085616")

    with pytest.raises(ValidationFailed):
        services.record_bill(
            books.alex,
            supplier=supplier,
            day=date(2025, 8, 1),
            lines=[
                {
                    "description": "Stuff",
                    "unit_price": D("100"),
                    "tax_code": "NCG",
                    "account": Account.objects.get(code=code),
                }
            ],
        )

    assert not Bill.objects.exists()


@pytest.mark.parametrize("code", ["2-1100", "1-1100", "1-1000", "3-1000"])
def test_a_sale_line_posts_to_income_only(books, code):
    from stratadesk.ledger.models import Account

    with pytest.raises(ValidationFailed):
        services.create_invoice(
            books.alex,
            client=books.client,
            lines=[
                {
                    "description": "Work",
                    "unit_price": D("100"),
                    "tax_code": "GST",
                    "account": Account.objects.get(code=code),
                }
            ],
        )

    assert not Invoice.objects.exists()
