"""Property: an issued invoice and a lodged period stay as they are, whatever the
console, the API or the admin are asked to do to them.

tests/ledger/test_locks.py asks the services; this asks every interface in front of
them, so a view that forgot to go through a service, or caught its refusal and
carried on, shows up as a changed snapshot.
"""

import json
from datetime import date, timedelta
from decimal import Decimal

from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from stratadesk.api import keys
from stratadesk.core.models import BusinessProfile
from stratadesk.ledger import services
from stratadesk.ledger.models import (
    AdjustmentNote,
    BadDebt,
    Invoice,
    JournalEntry,
    JournalLine,
    Payment,
)
from stratadesk.people.actors import Actor
from tests.fixtures import World, actor

D = Decimal
LODGED_START, LODGED_END = date(2025, 7, 1), date(2025, 9, 30)
LINE = {"description": "Work", "unit_price": "100.00", "tax_code": "GST"}


class Scene:
    """An invoice issued in August 2025 and a manual journal, both in the lodged
    July quarter, with a signed-in Accounts console, an Accounts API token and a
    signed-in Admin for the Django admin."""

    def __init__(self):
        self.world = World()
        alex = actor(self.world.alex)
        BusinessProfile.objects.create(legal_name="MSP", abn="53004085616")
        draft = services.create_invoice(
            alex,
            client=self.world.harbour,
            issue_date=date(2025, 8, 1),
            lines=[{**LINE, "unit_price": D("100.00")}],
        )
        self.invoice = services.issue_invoice(alex, draft)
        self.line = self.invoice.lines.get()
        self.wages = services.post_wages(
            alex, day=date(2025, 8, 15), gross="1000.00", withheld="200.00"
        )
        services.lodge_period(alex, start=LODGED_START, end=LODGED_END)

        self.console = Client(raise_request_exception=False)
        self.console.force_login(self.world.alex)
        self.admin = Client(raise_request_exception=False)
        self.admin.force_login(self.world.ada)
        _, secret = keys.create_staff_token(
            Actor.system("tests"), self.world.alex, name="locks"
        )
        self.api = Client(
            raise_request_exception=False,
            headers={"Authorization": f"Bearer {secret}"},
        )

    def snapshot(self):
        fresh = Invoice.objects.get(pk=self.invoice.pk)
        return (
            fresh.number,
            fresh.status,
            fresh.issue_date,
            fresh.reference,
            fresh.total,
            fresh.gst_total,
            fresh.amount_paid,
            fresh.amount_credited,
            fresh.amount_written_off,
            list(fresh.lines.values_list("description", "net", "gst", "tax_code")),
            JournalEntry.objects.count(),
            JournalLine.objects.count(),
            Payment.objects.count(),
            AdjustmentNote.objects.count(),
            BadDebt.objects.count(),
        )

    # The attempts ---------------------------------------------------------------

    def attempt(self, name: str, day: date):
        invoice, line, day_text = self.invoice.pk, self.line.pk, day.isoformat()
        client_id, entry = self.world.harbour.pk, self.wages.number
        ledger = "/console/ledger"
        api = "/api/v1/ledger"
        console = {
            "console_add_line": (
                f"{ledger}/invoices/{invoice}/lines/",
                {"line-quantity": "1", **{f"line-{k}": v for k, v in LINE.items()}},
            ),
            "console_edit_line": (
                f"{ledger}/invoices/{invoice}/lines/{line}/",
                {"edit-quantity": "2", **{f"edit-{k}": v for k, v in LINE.items()}},
            ),
            "console_credit": (
                f"{ledger}/invoices/{invoice}/adjustment-note/",
                {
                    "note-day": day_text,
                    "note-reason": "Wrong",
                    "line0-quantity": "1",
                    **{f"line0-{k}": v for k, v in LINE.items()},
                },
            ),
            "console_remove_line": (
                f"{ledger}/invoices/{invoice}/lines/{line}/remove/",
                {},
            ),
            "console_issue": (f"{ledger}/invoices/{invoice}/issue/", {}),
            "console_delete": (f"{ledger}/invoices/{invoice}/delete/", {}),
            "console_payment": (
                f"{ledger}/clients/{client_id}/payment/",
                {
                    "payment-day": day_text,
                    "payment-amount": "10.00",
                    f"payment-allocate_{invoice}": "10.00",
                },
            ),
            "console_write_off": (
                f"{ledger}/invoices/{invoice}/bad-debt/",
                {
                    "write_off-day": day_text,
                    "write_off-amount": "10.00",
                    "write_off-reason": "Gone",
                },
            ),
            "console_wages": (
                f"{ledger}/journals/wages/",
                {"day": day_text, "gross": "10.00", "withheld": "1.00", "memo": "Pay"},
            ),
            "console_reverse": (
                f"{ledger}/journals/{entry}/reverse/",
                {"reverse-day": day_text, "reverse-reason": "Wrong"},
            ),
        }
        if name in console:
            url, data = console[name]
            return self.console.post(url, data), False

        admin = {
            "admin_change": (
                f"/admin/ledger/invoice/{invoice}/change/",
                {"status": "draft", "total": "1.00"},
            ),
            "admin_delete": (
                f"/admin/ledger/invoice/{invoice}/delete/",
                {"post": "yes"},
            ),
        }
        if name in admin:
            url, data = admin[name]
            return self.admin.post(url, data), True

        api_calls = {
            "api_patch": ("patch", f"{api}/invoices/{invoice}", {"reference": "x"}),
            "api_delete": ("delete", f"{api}/invoices/{invoice}", None),
            "api_add_line": ("post", f"{api}/invoices/{invoice}/lines", LINE),
            "api_remove_line": (
                "delete",
                f"{api}/invoices/{invoice}/lines/{line}",
                None,
            ),
            "api_issue": ("post", f"{api}/invoices/{invoice}/issue", {}),
            "api_edit_line": (
                "patch",
                f"{api}/invoices/{invoice}/lines/{line}",
                {"quantity": "2"},
            ),
            "api_write_off": (
                "post",
                f"{api}/invoices/{invoice}/write-off",
                {"date": day_text, "amount": "10.00", "reason": "Gone"},
            ),
            "api_credit": (
                "post",
                f"{api}/adjustment-notes",
                {
                    "invoice": invoice,
                    "date": day_text,
                    "reason": "Wrong",
                    "lines": [LINE],
                },
            ),
            "api_payment": (
                "post",
                f"{api}/payments",
                {
                    "direction": "received",
                    "date": day_text,
                    "amount": "10.00",
                    "client": self.world.harbour.slug,
                    "allocations": [{"invoice": invoice, "amount": "10.00"}],
                },
            ),
            "api_wages": (
                "post",
                f"{api}/journals/wages",
                {"date": day_text, "gross": "10.00", "withheld": "1.00"},
            ),
            "api_reverse": (
                "post",
                f"{api}/journals/{entry}/reverse",
                {"date": day_text, "reason": "Wrong"},
            ),
        }
        method, url, body = api_calls[name]
        call = getattr(self.api, method)
        if body is None:
            return call(url), True
        return call(url, json.dumps(body), content_type="application/json"), True


ATTEMPTS = [
    "console_add_line",
    "console_edit_line",
    "console_credit",
    "console_remove_line",
    "console_issue",
    "console_delete",
    "console_payment",
    "console_write_off",
    "console_wages",
    "console_reverse",
    "admin_change",
    "admin_delete",
    "api_patch",
    "api_delete",
    "api_add_line",
    "api_remove_line",
    "api_issue",
    "api_edit_line",
    "api_write_off",
    "api_credit",
    "api_payment",
    "api_wages",
    "api_reverse",
]


class TestNoInterfaceChangesWhatIsLocked(HypothesisTestCase):
    @settings(
        max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(
        st.lists(st.sampled_from(ATTEMPTS), min_size=1, max_size=6),
        st.integers(min_value=0, max_value=(LODGED_END - LODGED_START).days),
    )
    def test_every_attempt_is_refused_and_nothing_changes(self, attempts, offset):
        scene = Scene()
        before = scene.snapshot()
        day = LODGED_START + timedelta(days=offset)

        for name in attempts:
            response, strict = scene.attempt(name, day)
            # The API and the admin answer a refusal with its status; a console
            # form re-renders with its error, or (a stale button) redirects back.
            if strict:
                assert response.status_code >= 400, (name, response.status_code)
            else:
                assert response.status_code in {302, 409}, (name, response.status_code)

        assert scene.snapshot() == before

    def test_every_attempt_is_refused_by_the_lock_itself(self):
        # A typo in a URL or a form field would make an attempt a 404 or a 422 and
        # the property vacuous: each must reach the service and meet the lock (the
        # admin refuses every change outright).
        scene = Scene()
        for name in ATTEMPTS:
            response, _ = scene.attempt(name, LODGED_START)
            expected = 403 if name.startswith("admin_") else 409
            assert response.status_code == expected, (name, response.status_code)
