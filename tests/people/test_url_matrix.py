"""Every URL of the product, for every persona, against the permission matrix.

The URLs come from the URL configuration itself, so a new page or endpoint is walked
the day it is added. Expectations come from stratadesk.people.permissions: a persona
the matrix refuses gets 403 or 404 (or a sign-in redirect when anonymous) and the
database does not change; a persona it lets read is never told "not found", and any
write it refuses changes nothing either.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from stratadesk.api import keys
from stratadesk.api.models import ClientApiKey, StaffToken
from stratadesk.core.models import AuditEvent, BusinessProfile
from stratadesk.ledger.models import (
    AdjustmentNote,
    BadDebt,
    Bill,
    BillingAgreement,
    Invoice,
    JournalEntry,
    LodgedPeriod,
    Payment,
    Supplier,
    UnbilledCharge,
)
from stratadesk.notifications import webhooks
from stratadesk.notifications.models import (
    EmailDelivery,
    EmailPreference,
    Notice,
    NotificationRule,
    WebhookDelivery,
    WebhookEndpoint,
)
from stratadesk.people.permissions import Action, can
from stratadesk.sla.models import (
    Calendar,
    CalendarHoliday,
    CalendarSegment,
    EscalationRule,
    SlaPolicy,
    SlaTarget,
)
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

PERSONAS = [
    "anonymous",
    "harry",  # client, requester of the ticket
    "hannah",  # client, approver at the same organisation
    "oscar",  # client of another organisation
    "olivia",  # operations
    "sam",  # support, the assignee
    "sasha",  # support, not the assignee
    "alex",  # accounts
    "ada",  # admin
]
SIDE_ACTION = {"console": Action.USE_CONSOLE, "portal": Action.USE_PORTAL}
# Pages that need more than the side's own action, by URL name prefix.
PAGE_ACTION = {
    "webhook_": Action.CONFIGURE,
    "api_key": Action.MANAGE_API_KEYS,
    "sla_report": Action.READ_SLA_REPORT,
    "sla_config_": Action.CONFIGURE,
    "ledger_": Action.KEEP_LEDGER,
    # The MSP's ABN and GST registration: seen by the ledger's keepers, changed by
    # whoever configures the business.
    "ledger_business_profile": Action.CONFIGURE,
    "invoice_": Action.READ_INVOICES,
    "inbound_": Action.MANAGE_INBOUND,
    # The email outbox and each client's notification rules: Admins only.
    "outbox": Action.CONFIGURE,
    "notification_rule": Action.CONFIGURE,
}
REFUSED = {403, 404}
# Pages of an object the walk may not have (the ticket has no SVR, the client no
# branding): "not found" is a right answer there even for a persona allowed in.
# The walk has no invoice, note, bill, line or journal entry: their pages are "not
# found" for everyone.
# A notice is its owner's alone: everyone else is told it does not exist.
MAY_BE_MISSING = {
    "inbound_accept",
    "inbound_discard",
    "svr_pdf",
    "svr_detail",
    "branding_css",
    "branding_logo",
    "ledger_invoice",
    "ledger_invoice_line_add",
    "ledger_invoice_line_edit",
    "ledger_invoice_line_remove",
    "ledger_invoice_issue",
    "ledger_invoice_delete",
    "ledger_invoice_pdf",
    "ledger_bill",
    "ledger_bill_pay",
    "ledger_invoice_bad_debt",
    "ledger_invoice_recover",
    "ledger_journal",
    "ledger_journal_reverse",
    "ledger_note",
    "ledger_note_new",
    "ledger_note_pdf",
    "invoice_pdf",
    "invoice_note_pdf",
    "notice_read",
    # The walk's client is on the default rules: it has no rule rows to open.
    "notification_rule_channels",
    "notification_rule_remove",
}
# Open to anyone (sign-in), or needing query parameters to mean anything.
ADMIN_SKIPPED = {"login", "logout", "autocomplete"}


def _walk(resolver, prefix="", namespace=None):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or namespace
            yield from _walk(
                resolver=entry, prefix=prefix + str(entry.pattern), namespace=inner
            )
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), namespace, entry.name


ROUTES = [
    (route, namespace, name)
    for route, namespace, name in _walk(get_resolver())
    # Sign-in pages are open to everyone by design; tests/people/test_sign_in.py.
    if namespace in SIDE_ACTION and name != "login"
]


def _fill(route, ticket, attachment, delivery, credentials, notice, sla):
    key, token = credentials
    calendar, holiday, policy, rule = sla
    return "/" + (
        route.replace("<int:number>", str(ticket.number))
        .replace("<int:attachment_id>", str(attachment.pk))
        .replace("<slug:name>", "await_client")
        .replace("<int:client_id>", str(ticket.client_id))
        .replace("<int:endpoint_id>", str(delivery.endpoint_id))
        .replace("<int:delivery_id>", str(delivery.pk))
        .replace("<int:message_id>", "1")
        .replace("<int:notice_id>", str(notice.pk))
        .replace("<int:version>", "1")
        .replace("<slug:key_prefix>", key.prefix)
        .replace("<slug:token_prefix>", token.prefix)
        .replace("<int:invoice_id>", "1")
        .replace("<int:line_id>", "1")
        .replace("<int:bill_id>", "1")
        .replace("<int:entry_number>", "1")
        .replace("<int:note_id>", "1")
        .replace("<str:label>", "G1")
        .replace("<int:calendar_id>", str(calendar.pk))
        .replace("<int:holiday_id>", str(holiday.pk))
        .replace("<int:policy_id>", str(policy.pk))
        .replace("<int:rule_id>", str(rule.pk))
        .replace("<int:email_id>", str(EmailDelivery.objects.order_by("pk")[0].pk))
    )


def _payload(ticket):
    """Every field any of the work forms reads, so a refused write is a real try."""
    return {
        "version": str(ticket.version),
        "await_client-message": "Which tray?",
        "body": "A reply.",
        "comment-body": "A note.",
        "comment-visibility": "public",
        "time-minutes": "15",
        "time-work_date": ticket.created_at.date().isoformat(),
        "time-work_type": "business_hours",
        "material-item": "Cable",
        "material-quantity": "1",
        "material-unit_price": "5.00",
        "title": "Raised by the walker",
        "description": "Walking every URL.",
    }


def _state(ticket):
    ticket.refresh_from_db()
    return (
        ticket.stage,
        ticket.version,
        Ticket.objects.count(),
        Comment.objects.count(),
        TimeEntry.objects.count(),
        MaterialEntry.objects.count(),
        Attachment.objects.count(),
        ServiceVerificationReport.objects.count(),
        AuditEvent.objects.count(),
        list(WebhookEndpoint.objects.values()),
        list(WebhookDelivery.objects.values()),
        list(ClientApiKey.objects.values()),
        list(StaffToken.objects.values()),
        Invoice.objects.count(),
        AdjustmentNote.objects.count(),
        UnbilledCharge.objects.count(),
        Payment.objects.count(),
        Bill.objects.count(),
        Supplier.objects.count(),
        LodgedPeriod.objects.count(),
        JournalEntry.objects.count(),
        BadDebt.objects.count(),
        list(BillingAgreement.objects.values()),
        list(BusinessProfile.objects.values()),
        list(Notice.objects.values()),
        list(Calendar.objects.values()),
        list(CalendarSegment.objects.values()),
        list(CalendarHoliday.objects.values()),
        list(SlaPolicy.objects.values()),
        list(SlaTarget.objects.values()),
        list(EscalationRule.objects.values()),
        list(EmailDelivery.objects.values()),
        list(NotificationRule.objects.values()),
        list(EmailPreference.objects.values()),
    )


def _allowed(user, namespace, ticket, route, name):
    if user is None or not can(user, SIDE_ACTION[namespace]):
        return False
    for prefix, action in PAGE_ACTION.items():
        if name.startswith(prefix) and not can(user, action):
            return False
    if "<int:number>" in route:
        return can(user, Action.READ_TICKET, ticket)
    return True


@pytest.fixture
def ticket(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    ticket = world.ticket_at("in_progress")
    upload = SimpleUploadedFile("photo.png", b"\x89PNG", content_type="image/png")
    services.add_attachment(actor(world.sam), ticket, upload)
    return Ticket.objects.get(pk=ticket.pk)


@pytest.fixture
def delivery(world, ticket):
    """A webhook endpoint of the ticket's client, with one delivery still pending."""
    endpoint = webhooks.create_endpoint(
        actor(world.ada),
        ticket.client,
        url="https://hooks.harbour.test/in",
        events=["ticket.commented"],
    )
    services.add_comment(actor(world.olivia), ticket, "Walking the URLs.")
    return WebhookDelivery.objects.get(endpoint=endpoint)


@pytest.fixture
def notice(world, ticket):
    """Harry's notice of his own ticket: anyone else marking it read is refused."""
    return Notice.objects.filter(user=world.harry, ticket=ticket).first()


@pytest.fixture
def credentials(world, ticket):
    """A client key of the ticket's client, and Sam's own staff token."""
    key, _ = keys.create_client_key(
        actor(world.ada), ticket.client, name="ITSM", scopes=["tickets:read"]
    )
    token, _ = keys.create_staff_token(actor(world.sam), world.sam, name="script")
    return key, token


@pytest.fixture
def sla(world, ticket):
    """A calendar with a closed day, and the ticket's client's policy with one rule."""
    calendar = Calendar.objects.create(name="Walk hours", timezone="Australia/Sydney")
    calendar.segments.create(weekday=0, starts="09:00", ends="17:00")
    holiday = calendar.holidays.create(
        date=ticket.created_at.date(), name="Walk day", source="msp"
    )
    policy = SlaPolicy.objects.create(client=ticket.client, name="Walk SLA")
    for priority in ("P1", "P2", "P3", "P4"):
        policy.targets.create(
            priority=priority,
            response_minutes=60,
            resolution_minutes=240,
            calendar=calendar,
        )
    rule = policy.escalations.create(trigger="breach", action="notify_contacts")
    return calendar, holiday, policy, rule


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("route", "namespace", "name"), ROUTES)
def test_every_url_answers_each_persona_as_the_matrix_says(
    world,
    ticket,
    delivery,
    credentials,
    notice,
    sla,
    client,
    persona,
    route,
    namespace,
    name,
):
    user = None if persona == "anonymous" else getattr(world, persona)
    if user is not None:
        client.force_login(user)
    attachment = ticket.attachments.get()
    url = _fill(route, ticket, attachment, delivery, credentials, notice, sla)
    allowed = _allowed(user, namespace, ticket, route, name)
    before = _state(ticket)

    got = client.get(url)
    posted = client.post(url, _payload(ticket))

    if allowed:
        # May read, so never "not found"; a write may still be refused (Support on a
        # ticket assigned to someone else, a gate unmet), and then changes nothing.
        if name not in MAY_BE_MISSING:
            assert got.status_code not in REFUSED, (url, got.status_code)
        assert posted.status_code != 500, url
        if posted.status_code >= 400:
            assert _state(ticket) == before, (url, posted.status_code)
    elif user is None:
        assert got.status_code == posted.status_code == 302
        assert "login" in got["Location"]
        assert _state(ticket) == before
    else:
        assert got.status_code in REFUSED | {405}, (url, got.status_code)
        assert posted.status_code in REFUSED, (url, posted.status_code)
        assert _state(ticket) == before


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_admin_site_opens_only_to_admins(world, client, persona):
    user = None if persona == "anonymous" else getattr(world, persona)
    if user is not None:
        client.force_login(user)
    pages = [
        "/" + route
        for route, namespace, name in _walk(get_resolver())
        if namespace == "admin" and "<" not in route and name not in ADMIN_SKIPPED
    ]

    statuses = {page: client.get(page).status_code for page in pages}

    if user is not None and can(user, Action.USE_ADMIN_SITE):
        # 403 only where a model is read-only by design (no "add" for audit events).
        assert statuses["/admin/"] == 200
        assert set(statuses.values()) <= {200, 403}, statuses
        assert all(s == 200 for p, s in statuses.items() if not p.endswith("/add/"))
    else:
        assert all(status == 302 for status in statuses.values()), statuses


# SVR decision links (stratadesk/portal/decision_links.py) answer to the token in the
# address alone, whoever is signed in: a token that works opens its page, and one
# that does not is "not found" and changes nothing, for every persona alike.
LINK_ROUTES = [
    (route, name)
    for route, namespace, name in _walk(get_resolver())
    if namespace == "svr_link"
]
# Branding and the PDF exist only when the client has them or the worker has run.
LINK_MAY_BE_MISSING = {"pdf", "branding_css", "branding_logo"}


@pytest.fixture
def live_link(world):
    """A pending SVR's link for an approver without a login, and its ticket."""
    from stratadesk.svr import links
    from tests.fixtures import make_contact

    lee = make_contact(
        world.harbour, "Lee Nologin", "lee@harbour.test", is_approver=True
    )
    ticket = world.ticket_at("svr_pending")
    return links.mint(ticket.svrs.get(), lee), ticket


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("route", "name"), LINK_ROUTES)
def test_decision_links_answer_the_token_not_the_persona(
    world, live_link, client, persona, route, name
):
    from django.core.cache import cache

    cache.clear()
    user = None if persona == "anonymous" else getattr(world, persona)
    if user is not None:
        client.force_login(user)
    token, ticket = live_link
    before = _state(ticket)

    works = client.get("/" + route.replace("<str:token>", token))
    wrong = "/" + route.replace("<str:token>", "A" * 43)
    got = client.get(wrong)
    posted = client.post(wrong, {"decision": "reject_svr", "reject_svr-reason": "x"})

    if name not in LINK_MAY_BE_MISSING:
        assert works.status_code == 200, (route, works.status_code)
    assert got.status_code == 404
    assert posted.status_code in {404, 405}
    assert _state(ticket) == before
    cache.clear()
