"""notify(): one event, told to whoever the client's rules name, by their channels.

Every service that changes something a client or the desk should hear of calls
notify() inside its own transaction. The rules (notifications.rules) say who is told
and how; this module finds those people, and queues an email per address, an in-app
notice per user and, when a rule names them, the client's webhook deliveries.
"""

import logging
import uuid
from collections.abc import Iterable

from stratadesk.clients.models import Contact
from stratadesk.notifications import services, webhooks
from stratadesk.notifications.models import (
    CLIENT_AUDIENCES,
    Audience,
    Notice,
    NotifyEvent,
)
from stratadesk.notifications.rules import Rule, rules_for
from stratadesk.notifications.services import Recipient
from stratadesk.people.actors import ContactPrincipal
from stratadesk.people.models import Role, User
from stratadesk.people.permissions import Action, can

logger = logging.getLogger(__name__)

# The template each event is told with unless the caller names another.
TEMPLATE_OF_EVENT = {
    NotifyEvent.TICKET_CREATED: "ticket_created",
    NotifyEvent.TICKET_ASSIGNED: "ticket_assigned",
    NotifyEvent.STAGE_CHANGED: "ticket_stage_changed",
    NotifyEvent.PUBLIC_COMMENT: "ticket_commented",
    NotifyEvent.SLA_WARNING: "sla_warning",
    NotifyEvent.SLA_BREACHED: "sla_breached",
    NotifyEvent.ESCALATION: "sla_escalated",
    NotifyEvent.SVR_ISSUED: "svr_issued",
    NotifyEvent.SVR_REMINDER: "svr_reminder",
    NotifyEvent.SVR_DECIDED: "svr_decided",
    NotifyEvent.INVOICE_ISSUED: "invoice_issued",
    NotifyEvent.ADJUSTMENT_NOTE_ISSUED: "adjustment_note_issued",
}
# Written for the desk: they may name due times, escalation rules, who issued what.
# A client a rule points at one of these hears only that the ticket moved on.
STAFF_TEMPLATES = frozenset(
    {"ticket_assigned", "sla_warning", "sla_breached", "sla_escalated", "svr_decided"}
)
CLIENT_SAFE_TEMPLATE = "ticket_update"


def notify(
    event: str,
    ticket=None,
    *,
    client=None,
    key=None,
    template: str = "",
    stage: str = "",
    targets: Iterable = (),
    exclude: Iterable = (),
    webhook=None,
    attach_svr=None,
    attach_invoice=None,
    attach_adjustment_note=None,
    people: bool = True,
    personal=None,
    **context,
) -> dict[str, int]:
    """Tell `event` about `ticket` (or `client`) by the client's rules.

    `key` names the event uniquely (a comment's id, a ticket's version): each
    recipient gets one email and one notice per key, however often this runs.
    `targets` are the people an SLA escalation rule names; `exclude` users are told
    nothing (the person who made the change); `webhook` is (event type, payload
    data) for the client's endpoints; with `people` False only they are told.
    `personal(recipient)` gives context for one email alone (an SVR decision link),
    called only for an email that is queued.
    Caller holds the transaction of the change.
    """
    if event not in NotifyEvent.values:
        raise ValueError(f"{event!r} is not a notification event")
    counts = {"emails": 0, "notices": 0, "webhooks": 0}
    if services.is_suppressed():
        return counts

    client = client or ticket.client
    rules = rules_for(client, event, stage)
    event_key = f"{event}:{key if key is not None else uuid.uuid4().hex}"
    facts = {"ticket": ticket, "client": client, **context}

    if webhook is not None and any(r.audience == Audience.WEBHOOKS for r in rules):
        event_type, data = webhook
        queued = webhooks.queue_event(
            event_type, client=client, data=data, ticket=ticket
        )
        counts["webhooks"] = len(queued)

    if not people:
        rules = []
    emails, notices = _recipients(rules, facts, list(targets), set(exclude))
    base = template or TEMPLATE_OF_EVENT[event]
    for recipient in emails:
        chosen = _template_for(base, recipient)
        for wanted in services.wanting(chosen, [recipient]):
            counts["emails"] += services.queue_delivery(
                event_key,
                wanted,
                template=chosen,
                context=_context_for(facts, wanted),
                event=event,
                ticket=ticket,
                client=client,
                attach_svr=attach_svr if wanted.is_client else None,
                attach_invoice=attach_invoice if wanted.is_client else None,
                attach_adjustment_note=(
                    attach_adjustment_note if wanted.is_client else None
                ),
                personal=personal,
            )
    for recipient in notices:
        counts["notices"] += _notice(event, event_key, recipient, base, facts)

    logger.info(
        "notification queued",
        extra={
            "event": event,
            "event_key": event_key,
            "client_id": client.pk,
            "ticket_id": getattr(ticket, "pk", None),
            **counts,
        },
    )
    return counts


def _template_for(template: str, recipient: Recipient) -> str:
    if recipient.is_client and template in STAFF_TEMPLATES:
        return CLIENT_SAFE_TEMPLATE
    return template


def _context_for(facts: dict, recipient: Recipient) -> dict:
    client = facts["client"]
    branding = getattr(client, "branding", None) if recipient.is_client else None
    return {**facts, "branding": branding, "for_client": recipient.is_client}


# Finding the people ------------------------------------------------------------------


def _recipients(rules: list[Rule], facts, targets, exclude):
    """(email recipients, notice recipients), each person once, in rule order."""
    emails: dict[str, Recipient] = {}
    notices: dict[int, Recipient] = {}
    # Those who made the change: users, and contacts acting by email without one.
    people = [person for person in exclude if person is not None]
    excluded = {p.pk for p in people if not isinstance(p, Contact)}
    excluded_contacts = {p.pk for p in people if isinstance(p, Contact)}
    for rule in rules:
        if rule.audience == Audience.WEBHOOKS:
            continue
        for recipient in _resolve(rule, facts, targets):
            user_id = getattr(recipient.user, "pk", None)
            contact_id = getattr(recipient.contact, "pk", None)
            if user_id in excluded or contact_id in excluded_contacts:
                continue
            if rule.email and recipient.address:
                emails.setdefault(recipient.address.lower(), recipient)
            if rule.in_app and user_id is not None and recipient.user.is_active:
                notices.setdefault(user_id, recipient)
    return list(emails.values()), list(notices.values())


def _resolve(rule: Rule, facts, targets) -> list[Recipient]:
    people = _people(rule, facts, targets)
    ticket, client = facts["ticket"], facts["client"]
    found = []
    for person in people:
        recipient = _as_recipient(person)
        if recipient is None:
            continue
        if recipient.is_client:
            # Only the event's own client hears of it, whatever a rule says.
            contact_client = getattr(recipient.contact, "client_id", None)
            user_client = getattr(recipient.user, "client_id", None)
            if (contact_client or user_client) != client.pk:
                continue
            # And only those of its people who may read the ticket: with sharing off
            # a contact sees their own tickets, so a rule naming approvers or
            # billing contacts must not mail them another colleague's.
            if ticket is not None and not can(_client_who(recipient), READ, ticket):
                continue
        elif ticket is not None and not can(recipient.user, Action.READ_TICKET, ticket):
            continue
        found.append(recipient)
    if rule.audience in CLIENT_AUDIENCES:
        found = [recipient for recipient in found if recipient.is_client]
    return found


READ = Action.READ_TICKET


def _client_who(recipient):
    """Whom the matrix is asked about for a client recipient: the contact, if any."""
    if recipient.contact is not None:
        return ContactPrincipal(recipient.contact)
    return recipient.user


def _people(rule: Rule, facts, targets) -> list:
    ticket, client, svr = facts["ticket"], facts["client"], facts.get("svr")
    audience = rule.audience
    if audience == Audience.REQUESTER:
        return [ticket.requester] if ticket is not None else []
    if audience == Audience.WATCHERS:
        return list(ticket.watchers.all()) if ticket is not None else []
    if audience == Audience.APPROVERS:
        return _approvers(client, svr, facts.get("approvers"))
    if audience == Audience.BILLING:
        return list(client.contacts.filter(is_billing=True, is_active=True))
    if audience == Audience.ASSIGNEE:
        return [ticket.assignee] if ticket is not None and ticket.assignee else []
    if audience == Audience.ASSIGNEE_OR_OPERATIONS:
        if ticket is not None and ticket.assignee_id:
            return [ticket.assignee]
        return _operations()
    if audience == Audience.OPERATIONS:
        return _operations()
    if audience == Audience.STAFF_USER:
        user = User.objects.filter(pk=rule.user_id, is_active=True).first()
        return [user] if user is not None and not user.is_client_user else []
    if audience == Audience.SVR_ISSUER:
        return [svr.issued_by] if svr is not None and svr.issued_by else []
    if audience == Audience.ESCALATION_TARGETS:
        return targets
    return []


def _approvers(client, svr, given) -> list:
    if given is not None:
        return list(given)
    if svr is not None:
        return list(svr.approvers.filter(is_active=True))
    return list(client.contacts.filter(is_approver=True, is_active=True))


def _operations() -> list:
    return list(User.objects.filter(role=Role.OPERATIONS, is_active=True))


def _as_recipient(person) -> Recipient | None:
    """A Recipient for a contact or a user; None for someone who cannot be told."""
    if person is None or not getattr(person, "is_active", True):
        return None
    if isinstance(person, User):
        contact = getattr(person, "contact", None) if person.is_client_user else None
        name = person.get_full_name() or person.username
        return Recipient(address=person.email, name=name, user=person, contact=contact)
    user = person.user if person.user_id else None
    return Recipient(address=person.email, name=person.name, user=user, contact=person)


# In-app notices ----------------------------------------------------------------------


def _notice(event, event_key, recipient, template, facts) -> int:
    chosen = _template_for(template, recipient)
    subject, _, _ = services.compose(
        chosen, {"recipient": recipient, **_context_for(facts, recipient)}
    )
    _, created = Notice.objects.get_or_create(
        event_key=event_key,
        user=recipient.user,
        defaults={
            "event": event,
            "text": subject[:300],
            "link": _link(facts, recipient),
            "ticket": facts["ticket"],
        },
    )
    return int(created)


def _link(facts, recipient) -> str:
    ticket = facts["ticket"]
    side = "portal" if recipient.is_client else "console"
    if ticket is None and facts.get("invoice") is not None:
        # An invoice's notice (or its note's) opens the list it is on, either side.
        return "/portal/invoices/" if recipient.is_client else "/console/ledger/"
    if ticket is None:
        return f"/{side}/"
    return f"/{side}/tickets/{ticket.number}/"
