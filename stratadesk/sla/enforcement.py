"""The SLA sweep: fire each due warning, breach and escalation exactly once.

The sweep reads only clocks whose `next_check_at` has come (an indexed column), so
its cost follows the clocks that are due, not the open tickets. Each clock is handled
in a transaction of its own, holding its row lock: the SlaEvent row (unique per clock
and moment), the notifications, the webhooks and the escalation actions are written
together or not at all. A second worker skips a locked clock (SKIP LOCKED on
PostgreSQL); a worker killed mid-sweep leaves the clocks it had not committed due,
and the next sweep fires them.
"""

import logging

from django.db import IntegrityError, connection, transaction

from stratadesk.core import audit, clock
from stratadesk.core.errors import DomainError
from stratadesk.notifications import webhooks
from stratadesk.notifications.dispatch import notify
from stratadesk.notifications.models import NotifyEvent, WebhookEvent
from stratadesk.people.actors import Actor
from stratadesk.people.models import User
from stratadesk.sla import services, timeline
from stratadesk.sla.models import (
    EscalationAction,
    EscalationTrigger,
    SlaEvent,
    TicketClock,
)

logger = logging.getLogger(__name__)

SYSTEM = Actor.system("SLA")
BATCH = 200
PRIORITY_UP = {"P4": "P3", "P3": "P2", "P2": "P1", "P1": "P1"}


def sweep(*, now=None, limit=None) -> int:
    """Fire everything due by `now`; returns how many moments fired.

    `limit` caps how many clocks this sweep looks at; the rest wait for the next.
    """
    now = now or clock.now()
    fired = 0
    seen: set[int] = set()
    # Policies and role addresses read once per sweep, not once per clock.
    cache: dict = {}
    while limit is None or len(seen) < limit:
        size = BATCH if limit is None else min(BATCH, limit - len(seen))
        due = list(
            TicketClock.objects.filter(next_check_at__lte=now)
            .exclude(pk__in=seen)
            .order_by("next_check_at")
            .values_list("pk", flat=True)[:size]
        )
        if not due:
            break
        for clock_id in due:
            seen.add(clock_id)
            fired += _handle_safely(clock_id, now, cache)
    if fired:
        logger.info("sla sweep fired", extra={"fired": fired, "clocks": len(seen)})
    return fired


def _handle_safely(clock_id, now, cache) -> int:
    """One clock; a failure is logged and the sweep goes on with the next clock.

    The failed clock's transaction rolls back, so it stays due and is tried again by
    the next sweep; the others are not held up behind it.
    """
    try:
        return _handle(clock_id, now, cache)
    except Exception:
        logger.exception("sla clock failed", extra={"clock_id": clock_id})
        return 0


def _lock(clock_id):
    clocks = TicketClock.objects.select_related(
        "ticket__client", "ticket__assignee", "ticket__requester"
    )
    if connection.features.has_select_for_update_skip_locked:
        clocks = clocks.select_for_update(skip_locked=True, of=("self",))
    return clocks.filter(pk=clock_id).first()


def _policy(cache, client):
    key = ("policy", client.pk)
    if key not in cache:
        cache[key] = services.policy_for(client)
    return cache[key]


def _handle(clock_id, now, cache) -> int:
    with transaction.atomic():
        row = _lock(clock_id)
        if row is None or row.next_check_at is None or row.next_check_at > now:
            return 0  # another worker has it, or it is no longer due
        ticket = row.ticket
        policy = _policy(cache, ticket.client)
        found = services.readings(ticket, now=now, policy=policy)
        reading, calendar = found[row.kind]
        moments = services.moments_for(
            reading, calendar, policy, row.kind, ticket.priority
        )
        already = set(row.events.values_list("threshold", flat=True))

        fired = 0
        changed = False
        for name, at in sorted(moments.items(), key=lambda item: item[1]):
            if name in already or at > now or not timeline.can_fire(name, reading):
                continue
            if _record_once(row, name, at, now):
                _announce(row, ticket, name, at, reading, cache)
                changed |= _escalate(row, ticket, policy, name, cache)
                fired += 1
        if changed:
            # An escalation changed the ticket (its priority, its assignee) through
            # its own locked copy: read it again, and its clocks with it.
            ticket.refresh_from_db()
            found = None
        services.recompute(ticket, now=now, policy=policy, found=found)
    return fired


def _record_once(row, name, at, now) -> bool:
    try:
        with transaction.atomic():
            SlaEvent.objects.create(clock=row, threshold=name, due_at=at, fired_at=now)
    except IntegrityError:
        return False
    return True


def _announce(row, ticket, name, at, reading, cache) -> None:
    breach = name.startswith("breach")
    notify(
        NotifyEvent.SLA_BREACHED if breach else NotifyEvent.SLA_WARNING,
        ticket,
        key=f"{row.pk}:{name}",
        kind=row.get_kind_display(),
        due_at=row.due_at,
        moment=name,
        webhook=(
            WebhookEvent.SLA_BREACHED if breach else WebhookEvent.SLA_WARNING,
            {
                **webhooks.ticket_data(ticket),
                "clock": row.kind,
                "moment": name,
                "due_at": webhooks._iso(row.due_at),
            },
        ),
    )
    audit.record(
        SYSTEM,
        "sla.breached" if breach else "sla.warning",
        ticket,
        client=ticket.client,
        data={"clock": row.kind, "moment": name, "due_at": row.due_at.isoformat()},
    )


def _role_users(role, cache) -> list:
    key = ("role", role)
    if key not in cache:
        cache[key] = list(User.objects.filter(role=role, is_active=True))
    return cache[key]


def _escalate(row, ticket, policy, name, cache) -> bool:
    """Carry out the rules for this moment; True when one changed the ticket."""
    changed = False
    if policy is None:
        return changed
    for rule in policy.escalations.all():
        if not _rule_matches(rule, row, ticket, name):
            continue
        data = {"clock": row.kind, "moment": name, "action": rule.action}
        try:
            with transaction.atomic():
                _act(rule, ticket, row, name, cache)
        except DomainError as exc:
            # A rule that cannot act (its lead since deactivated, say) is recorded
            # and skipped: the warning or breach itself still stands.
            logger.warning(
                "sla escalation refused",
                extra={"rule_id": rule.pk, "ticket_id": ticket.pk, "code": exc.code},
            )
            audit.record(
                SYSTEM,
                "sla.escalation_failed",
                ticket,
                client=ticket.client,
                reason=exc.message,
                data={**data, "rule": rule.pk},
            )
            continue
        changed |= rule.action in (
            EscalationAction.RAISE_PRIORITY,
            EscalationAction.ASSIGN_LEAD,
        )
        audit.record(
            SYSTEM,
            "sla.escalated",
            ticket,
            client=ticket.client,
            data={**data, "rule": rule.pk},
        )
    return changed


def _rule_matches(rule, row, ticket, name) -> bool:
    if rule.priority not in ("", ticket.priority):
        return False
    if rule.clock_kind not in ("", row.kind):
        return False
    if rule.trigger == EscalationTrigger.WARNING:
        return name.startswith("warning") and (
            rule.fraction is None or name == f"warning:{rule.fraction:g}"
        )
    return name == rule.threshold()


def _act(rule, ticket, row, name, cache) -> None:
    context = {
        "key": f"{row.pk}:{name}:{rule.pk}",
        "kind": row.get_kind_display(),
        "due_at": row.due_at,
        "moment": name,
    }
    if rule.action == EscalationAction.NOTIFY_ROLE:
        targets = _role_users(rule.role, cache)
        notify(NotifyEvent.ESCALATION, ticket, targets=targets, **context)
    elif rule.action == EscalationAction.NOTIFY_USER:
        notify(NotifyEvent.ESCALATION, ticket, targets=[rule.user], **context)
    elif rule.action == EscalationAction.NOTIFY_CONTACTS:
        contacts = list(ticket.client.contacts.filter(is_active=True))
        notify(
            NotifyEvent.ESCALATION,
            ticket,
            template="sla_client_notice",
            targets=contacts,
            **context,
        )
    elif rule.action == EscalationAction.RAISE_PRIORITY:
        _raise_priority(ticket)
    elif rule.action == EscalationAction.ASSIGN_LEAD:
        _hand_to(ticket, rule.user)


def _raise_priority(ticket) -> None:
    from stratadesk.tickets.services import change_priority

    raised = PRIORITY_UP[ticket.priority]
    if raised != ticket.priority:
        change_priority(SYSTEM, ticket, raised, reason="SLA escalation")


def _hand_to(ticket, lead) -> None:
    from stratadesk.tickets.services import reassign

    if ticket.assignee_id != lead.pk:
        reassign(SYSTEM, ticket, lead, reason="SLA escalation")
