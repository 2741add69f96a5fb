"""Every operation of the API document, for every caller, against the matrix.

The operations come from the OpenAPI document itself, so a new endpoint fails this
walk until it is given a row in OPERATIONS: nothing reaches the API unwalked. Each
caller the matrix refuses gets 401, 403 or 404 (another organisation's objects are
"not found", exactly like missing ones) and the database does not change; each it
allows is never told "not found" or "forbidden".
"""

import json
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from stratadesk.api import keys
from stratadesk.api.authentication import ApiClientPrincipal
from stratadesk.api.models import KeyScope
from stratadesk.core.models import AuditEvent, BusinessProfile
from stratadesk.ledger import services as ledger
from stratadesk.ledger.models import (
    BadDebt,
    Invoice,
    InvoiceLine,
    JournalEntry,
    LodgedPeriod,
    Payment,
    Supplier,
)
from stratadesk.notifications import webhooks
from stratadesk.notifications.models import WebhookDelivery, WebhookEndpoint
from stratadesk.people.actors import Actor
from stratadesk.people.permissions import Action, can
from stratadesk.svr.models import ServiceVerificationReport
from stratadesk.tickets import services
from stratadesk.tickets.models import (
    Attachment,
    Comment,
    MaterialEntry,
    Ticket,
    TimeEntry,
)
from tests.fixtures import actor

CALLERS = [
    "anonymous",
    "harbour_key",  # Harbour Legal's own system, every scope
    "harbour_reader",  # Harbour Legal's system, tickets:read only
    "outback_key",  # another organisation's system
    "olivia",  # operations
    "sam",  # support, the assignee
    "sasha",  # support, not the assignee
    "alex",  # accounts
    "ada",  # admin
]

# operation id -> the matrix action it needs and whether it is about the ticket.
OPERATIONS = {
    "tickets_list": (Action.READ_TICKET, False),
    "tickets_create": (Action.RAISE_TICKET, False),
    "tickets_read": (Action.READ_TICKET, True),
    "tickets_attachments_list": (Action.READ_TICKET, True),
    "tickets_attachments_create": (Action.ATTACH, True),
    "tickets_attachments_download": (Action.READ_TICKET, True),
    "tickets_comments_list": (Action.READ_TICKET, True),
    "tickets_comments_create": (Action.COMMENT_PUBLIC, True),
    "tickets_events_list": (Action.READ_TICKET, True),
    "tickets_svr_read": (Action.READ_SVR, True),
    "tickets_svr_versions_list": (Action.READ_SVR, True),
    "tickets_svr_pdf": (Action.READ_SVR, True),
    "tickets_time_list": (Action.READ_COSTS, True),
    "tickets_time_create": (Action.LOG_WORK, True),
    "tickets_materials_list": (Action.READ_COSTS, True),
    "tickets_materials_create": (Action.LOG_WORK, True),
    "tickets_svr_approve": (Action.DECIDE_SVR, True),
    "tickets_svr_reject": (Action.DECIDE_SVR, True),
    # Moves are governed by the lifecycle table too; reading is what the walk checks.
    "tickets_transition": (None, True),
    "invoices_list": (Action.READ_INVOICES, False),
    "invoices_read": (Action.READ_INVOICES, False),
    "invoices_pdf": (Action.READ_INVOICES, False),
    "adjustment_notes_pdf": (Action.READ_INVOICES, False),
    "webhooks_deliveries_replay": (Action.MANAGE_WEBHOOKS, False),
    "webhooks_endpoints_list": (Action.MANAGE_WEBHOOKS, False),
    "webhooks_endpoints_create": (Action.MANAGE_WEBHOOKS, False),
    "webhooks_endpoints_read": (Action.MANAGE_WEBHOOKS, False),
    "webhooks_endpoints_update": (Action.MANAGE_WEBHOOKS, False),
    "webhooks_endpoints_delete": (Action.MANAGE_WEBHOOKS, False),
    "webhooks_deliveries_list": (Action.MANAGE_WEBHOOKS, False),
    "webhooks_endpoints_rotate_secret": (Action.MANAGE_WEBHOOKS, False),
    # The ledger is Accounts' and Admins' alone: no client key reaches it.
    "ledger_accounts_list": (Action.KEEP_LEDGER, False),
    "ledger_adjustment_notes_list": (Action.KEEP_LEDGER, False),
    "ledger_adjustment_notes_create": (Action.KEEP_LEDGER, False),
    "ledger_adjustment_notes_read": (Action.KEEP_LEDGER, False),
    "ledger_adjustment_notes_pdf": (Action.KEEP_LEDGER, False),
    "ledger_bas_read": (Action.KEEP_LEDGER, False),
    "ledger_bas_csv": (Action.KEEP_LEDGER, False),
    "ledger_bas_pdf": (Action.KEEP_LEDGER, False),
    "ledger_bas_label_read": (Action.KEEP_LEDGER, False),
    "ledger_bad_debts_list": (Action.KEEP_LEDGER, False),
    "ledger_bad_debts_read": (Action.KEEP_LEDGER, False),
    "ledger_bills_list": (Action.KEEP_LEDGER, False),
    "ledger_bills_create": (Action.KEEP_LEDGER, False),
    "ledger_bills_read": (Action.KEEP_LEDGER, False),
    "ledger_invoices_list": (Action.KEEP_LEDGER, False),
    "ledger_invoices_create": (Action.KEEP_LEDGER, False),
    "ledger_invoices_read": (Action.KEEP_LEDGER, False),
    "ledger_invoices_update": (Action.KEEP_LEDGER, False),
    "ledger_invoices_delete": (Action.KEEP_LEDGER, False),
    "ledger_invoices_issue": (Action.KEEP_LEDGER, False),
    "ledger_invoices_pdf": (Action.KEEP_LEDGER, False),
    "ledger_invoices_lines_create": (Action.KEEP_LEDGER, False),
    "ledger_invoices_lines_delete": (Action.KEEP_LEDGER, False),
    "ledger_invoices_lines_update": (Action.KEEP_LEDGER, False),
    "ledger_invoices_write_off": (Action.KEEP_LEDGER, False),
    "ledger_invoices_recover": (Action.KEEP_LEDGER, False),
    "ledger_journals_list": (Action.KEEP_LEDGER, False),
    "ledger_journals_create": (Action.KEEP_LEDGER, False),
    "ledger_journals_read": (Action.KEEP_LEDGER, False),
    "ledger_journals_reverse": (Action.KEEP_LEDGER, False),
    "ledger_journals_wages": (Action.KEEP_LEDGER, False),
    "ledger_payments_list": (Action.KEEP_LEDGER, False),
    "ledger_payments_create": (Action.KEEP_LEDGER, False),
    "ledger_payments_read": (Action.KEEP_LEDGER, False),
    "ledger_periods_list": (Action.KEEP_LEDGER, False),
    "ledger_periods_lodge": (Action.KEEP_LEDGER, False),
    "ledger_reports_aged_receivables": (Action.KEEP_LEDGER, False),
    "ledger_reports_gst_detail": (Action.KEEP_LEDGER, False),
    "ledger_reports_profit_and_loss": (Action.KEEP_LEDGER, False),
    "ledger_reports_trial_balance": (Action.KEEP_LEDGER, False),
    "ledger_suppliers_list": (Action.KEEP_LEDGER, False),
    "ledger_suppliers_create": (Action.KEEP_LEDGER, False),
    "ledger_suppliers_read": (Action.KEEP_LEDGER, False),
    "ledger_suppliers_update": (Action.KEEP_LEDGER, False),
    "ledger_tax_codes_list": (Action.KEEP_LEDGER, False),
}
# Operations on Harbour Legal's own endpoint or delivery, not on a list of them.
ENDPOINT_OPERATIONS = {
    "webhooks_deliveries_replay",
    "webhooks_endpoints_read",
    "webhooks_endpoints_update",
    "webhooks_endpoints_delete",
    "webhooks_deliveries_list",
    "webhooks_endpoints_rotate_secret",
}
# Operations on Harbour Legal's issued invoice or its note, not on a list of them.
INVOICE_OPERATIONS = {"invoices_read", "invoices_pdf", "adjustment_notes_pdf"}
# Query strings that make a report's GET a valid one, so allowed callers get answers.
QUARTER = "?start=2025-07-01&end=2025-09-30"
QUERIES = {
    "ledger_bas_read": QUARTER,
    "ledger_bas_csv": QUARTER,
    "ledger_bas_pdf": QUARTER,
    "ledger_bas_label_read": QUARTER,
    "ledger_reports_gst_detail": QUARTER + "&basis=cash",
    "ledger_reports_profit_and_loss": QUARTER,
    "ledger_reports_trial_balance": "?as_of=2025-09-30",
    "ledger_reports_aged_receivables": "?as_of=2025-09-30",
}
REFUSED = {401, 403, 404}


def _operations():
    document = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (method.upper(), path, operation["operationId"])
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]


def test_every_operation_in_the_document_has_a_row_in_the_walk():
    assert {op_id for _, _, op_id in _operations()} == set(OPERATIONS)


class Scene:
    """Harbour Legal's ticket awaiting its SVR, a file, a webhook and a delivery;
    in the ledger, a draft and an issued invoice, a credit, a bill, a payment."""

    def __init__(self, world):
        self.world = world
        self.ticket = world.ticket_at("svr_pending")
        upload = SimpleUploadedFile("photo.png", b"\x89PNG", content_type="image/png")
        self.attachment = services.add_attachment(actor(world.sam), self.ticket, upload)
        self.endpoint = webhooks.create_endpoint(
            actor(world.ada),
            world.harbour,
            url="https://hooks.harbour.test/in",
            events=["ticket.commented"],
        )
        services.add_comment(actor(world.olivia), self.ticket, "Walking the API.")
        self.delivery = WebhookDelivery.objects.get(endpoint=self.endpoint)
        self.delivery.status = "failed"
        self.delivery.save(update_fields=["status"])
        self.ticket.refresh_from_db()
        # The walk asks who may read the PDF, not how it renders: a stand-in file.
        svr = self.ticket.svrs.get()
        svr.pdf.save("walk.pdf", ContentFile(b"%PDF-1.4 walk"), save=True)
        self._books(actor(world.alex))

    def _books(self, alex):
        BusinessProfile.objects.create(
            legal_name="Stratadesk Demo MSP Pty Ltd", abn="53004085616"
        )
        line = {"description": "Support", "unit_price": "110.00", "tax_code": "GST"}
        self.draft = ledger.create_invoice(
            alex, client=self.world.harbour, lines=[line]
        )
        self.issued = issued = ledger.issue_invoice(
            alex,
            ledger.create_invoice(alex, client=self.world.harbour, lines=[line]),
            issue_date=date(2025, 7, 5),
        )
        self.note = ledger.issue_adjustment_note(
            alex, issued, day=date(2025, 7, 6), reason="Walk", lines=[line]
        )
        self.supplier = ledger.create_supplier(
            alex, name="Walk Supplies", abn="53004085616"
        )
        bill = ledger.record_bill(
            alex,
            supplier=self.supplier,
            day=date(2025, 7, 7),
            lines=[{**line, "tax_code": "NCG"}],
        )
        self.bill = bill
        self.payment = ledger.make_payment(
            alex,
            supplier=self.supplier,
            day=date(2025, 7, 8),
            amount=bill.payable,
            allocations=[(bill, bill.payable)],
        )
        self.entry = ledger.post_wages(
            alex, day=date(2025, 7, 9), gross="100.00", withheld="20.00"
        )
        owing = ledger.issue_invoice(
            alex,
            ledger.create_invoice(alex, client=self.world.harbour, lines=[line]),
            issue_date=date(2025, 7, 10),
        )
        self.bad_debt = ledger.write_off_bad_debt(
            alex, owing, day=date(2025, 7, 11), reason="Walk", amount="10.00"
        )

    def url(self, path):
        return (
            path.replace("{number}", str(self.ticket.number))
            .replace("{attachment_id}", str(self.attachment.pk))
            .replace("{endpoint_id}", str(self.endpoint.pk))
            .replace("{delivery_id}", str(self.delivery.pk))
            .replace("{invoice_id}", str(self.draft.pk))
            .replace("{invoice}", self.issued.reference_number)
            .replace("{line_id}", str(self.draft.lines.get().pk))
            .replace("{note_id}", str(self.note.pk))
            .replace("{supplier_id}", str(self.supplier.pk))
            .replace("{bill_id}", str(self.bill.pk))
            .replace("{payment_id}", str(self.payment.pk))
            .replace("{entry_number}", str(self.entry.number))
            .replace("{version}", "1")
            .replace("{label}", "G1")
            .replace("{bad_debt_id}", str(self.bad_debt.pk))
        )

    def state(self):
        self.ticket.refresh_from_db()
        return (
            self.ticket.stage,
            self.ticket.version,
            Ticket.objects.count(),
            Comment.objects.count(),
            Attachment.objects.count(),
            TimeEntry.objects.count(),
            MaterialEntry.objects.count(),
            list(ServiceVerificationReport.objects.values("status", "version")),
            list(WebhookEndpoint.objects.values()),
            list(WebhookDelivery.objects.values("pk", "status", "replay_count")),
            AuditEvent.objects.count(),
            list(Invoice.objects.values("status", "number")),
            JournalEntry.objects.count(),
            Supplier.objects.count(),
            Payment.objects.count(),
            LodgedPeriod.objects.count(),
            BadDebt.objects.count(),
            list(Supplier.objects.values()),
            list(InvoiceLine.objects.values()),
        )


def _caller(world, name):
    """(the principal the matrix is asked about, or None; the secret to send)."""
    if name == "anonymous":
        return None, None
    system = Actor.system("tests")
    if name.endswith(("_key", "_reader")):
        client = world.outback if name == "outback_key" else world.harbour
        scopes = ["tickets:read"] if name == "harbour_reader" else KeyScope.values
        key, secret = keys.create_client_key(system, client, name=name, scopes=scopes)
        return ApiClientPrincipal(key), secret
    user = getattr(world, name)
    _, secret = keys.create_staff_token(system, user, name="walk")
    return user, secret


def _body(op_id, principal, scene):
    is_key = principal is not None and getattr(principal, "key_scopes", None)
    staff_client = {} if is_key else {"client": "harbour-legal"}
    return {
        "tickets_create": {
            "title": "Raised by the walker",
            "description": "Walking every operation.",
            "requester": "harry@harbour.test",
            **staff_client,
        },
        "tickets_comments_create": {"body": "A reply from the walk."},
        "tickets_time_create": {
            "minutes": 15,
            "work_date": scene.ticket.created_at.date().isoformat(),
            "work_type": "business_hours",
        },
        "tickets_materials_create": {
            "item": "Cable",
            "quantity": "1",
            "unit_price": "5.00",
        },
        "tickets_svr_approve": {
            "typed_name": "Hannah Approver",
            "declaration": True,
            **({"approver": "hannah@harbour.test"} if is_key else {}),
        },
        "tickets_svr_reject": {
            "reason": "Still jams",
            **({"approver": "hannah@harbour.test"} if is_key else {}),
        },
        "tickets_transition": {"to": "closed", "reason": "Walked"},
        "webhooks_endpoints_create": {
            "url": "https://hooks.harbour.test/other",
            "events": ["ticket.created"],
            **staff_client,
        },
        "webhooks_endpoints_update": {"description": "Walked"},
    }.get(op_id)


def _send(http, method, url, op_id, body):
    if op_id == "tickets_attachments_create":
        upload = SimpleUploadedFile("log.txt", b"walk", content_type="text/plain")
        return http.post(url, {"file": upload})
    if method == "GET":
        return http.get(url)
    if method == "DELETE":
        return http.delete(url)
    call = http.patch if method == "PATCH" else http.post
    return call(url, json.dumps(body or {}), content_type="application/json")


def _allowed(principal, op_id, scene):
    action, about_ticket = OPERATIONS[op_id]
    if principal is None:
        return False
    readable = can(principal, Action.READ_TICKET, scene.ticket)
    if about_ticket and not readable:
        return False
    if action is None:
        return True
    owns_endpoint = getattr(principal, "client_id", None) in (
        None,
        scene.endpoint.client_id,
    )
    if op_id in ENDPOINT_OPERATIONS and not owns_endpoint:
        return False
    owns_invoice = getattr(principal, "client_id", None) in (
        None,
        scene.issued.client_id,
    )
    if op_id in INVOICE_OPERATIONS and not owns_invoice:
        return False
    return can(principal, action, scene.ticket if about_ticket else None)


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize(("method", "path", "op_id"), _operations())
def test_every_operation_answers_each_caller_as_the_matrix_says(
    world, settings, tmp_path, caller, method, path, op_id
):
    settings.MEDIA_ROOT = tmp_path
    scene = Scene(world)
    principal, secret = _caller(world, caller)
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    http = Client(headers=headers, raise_request_exception=False)
    before = scene.state()

    url = scene.url(path) + QUERIES.get(op_id, "")
    response = _send(http, method, url, op_id, _body(op_id, principal, scene))

    assert response.status_code < 500, (op_id, response.content[:300])
    if caller == "anonymous":
        assert response.status_code == 401
    elif _allowed(principal, op_id, scene):
        # Allowed to reach it: never hidden or forbidden. A move or a decision may
        # still be refused by the lifecycle (409) or a gate (422), changing nothing.
        assert response.status_code not in REFUSED, (op_id, response.content[:300])
        if response.status_code >= 400:
            assert scene.state() == before
    else:
        assert response.status_code in REFUSED | {409}, (op_id, response.status_code)
        assert scene.state() == before
