"""Which rules apply to an event: the client's own, else the default set.

A client with no rule rows is told by DEFAULT_RULES. New clients get a copy of them
as rows (install_defaults), which Admins then edit in the console through the
services at the end of this module, each of which writes an audit event.
"""

from dataclasses import dataclass

from django.db import transaction

from stratadesk.core import audit
from stratadesk.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from stratadesk.notifications.models import Audience, NotificationRule, NotifyEvent
from stratadesk.people.models import User
from stratadesk.people.permissions import Action, can
from stratadesk.tickets.models import Stage


@dataclass(frozen=True)
class Rule:
    """A rule as the dispatcher reads it, whether a row or one of the defaults."""

    event: str
    audience: str
    email: bool = True
    in_app: bool = False
    stage: str = ""
    user_id: int | None = None

    def applies(self, event: str, stage: str) -> bool:
        return self.event == event and self.stage in ("", stage)


E, A = NotifyEvent, Audience
# Who was told before rules existed, kept as the default, with in-app notices added
# for the people who work the ticket. Public replies were never emailed.
DEFAULT_RULES = (
    Rule(E.TICKET_CREATED, A.REQUESTER, in_app=True),
    Rule(E.TICKET_CREATED, A.OPERATIONS, email=False, in_app=True),
    Rule(E.TICKET_CREATED, A.WEBHOOKS),
    Rule(E.TICKET_ASSIGNED, A.ASSIGNEE, in_app=True),
    Rule(E.STAGE_CHANGED, A.REQUESTER, stage="pending_client", in_app=True),
    Rule(E.STAGE_CHANGED, A.REQUESTER, stage="resolved", in_app=True),
    Rule(E.STAGE_CHANGED, A.WEBHOOKS),
    Rule(E.PUBLIC_COMMENT, A.REQUESTER, email=False, in_app=True),
    Rule(E.PUBLIC_COMMENT, A.ASSIGNEE, email=False, in_app=True),
    Rule(E.PUBLIC_COMMENT, A.WEBHOOKS),
    Rule(E.SLA_WARNING, A.ASSIGNEE_OR_OPERATIONS, in_app=True),
    Rule(E.SLA_WARNING, A.WEBHOOKS),
    Rule(E.SLA_BREACHED, A.ASSIGNEE, in_app=True),
    Rule(E.SLA_BREACHED, A.OPERATIONS, in_app=True),
    Rule(E.SLA_BREACHED, A.WEBHOOKS),
    Rule(E.ESCALATION, A.ESCALATION_TARGETS, in_app=True),
    Rule(E.SVR_ISSUED, A.APPROVERS, in_app=True),
    Rule(E.SVR_ISSUED, A.WEBHOOKS),
    Rule(E.SVR_REMINDER, A.APPROVERS),
    Rule(E.SVR_DECIDED, A.ASSIGNEE, in_app=True),
    Rule(E.SVR_DECIDED, A.SVR_ISSUER, in_app=True),
    Rule(E.SVR_DECIDED, A.WEBHOOKS),
    Rule(E.INVOICE_ISSUED, A.BILLING, in_app=True),
    Rule(E.INVOICE_ISSUED, A.WEBHOOKS),
    Rule(E.ADJUSTMENT_NOTE_ISSUED, A.BILLING, in_app=True),
    Rule(E.ADJUSTMENT_NOTE_ISSUED, A.WEBHOOKS),
)
del E, A


def rules_of(client) -> list[Rule]:
    """The client's rules for every event: its own rows, or the defaults."""
    rows = list(
        NotificationRule.objects.filter(client=client).values_list(
            "event", "audience", "email", "in_app", "stage", "user_id"
        )
    )
    if not rows:
        return list(DEFAULT_RULES)
    return [Rule(*row) for row in rows]


def rules_for(client, event: str, stage: str = "") -> list[Rule]:
    return [rule for rule in rules_of(client) if rule.applies(event, stage)]


@transaction.atomic
def install_defaults(client) -> int:
    """Give a client rows copying the default rules, unless it has rules already."""
    if NotificationRule.objects.filter(client=client).exists():
        return 0
    NotificationRule.objects.bulk_create(
        NotificationRule(
            client=client,
            event=rule.event,
            stage=rule.stage,
            audience=rule.audience,
            email=rule.email,
            in_app=rule.in_app,
        )
        for rule in DEFAULT_RULES
    )
    return len(DEFAULT_RULES)


# Editing a client's rules ------------------------------------------------------------


def rule_of(client, rule_id) -> NotificationRule:
    """One of `client`'s rules; another client's rule is as missing as none at all."""
    rule = (
        NotificationRule.objects.select_related("client", "user")
        .filter(client=client, pk=rule_id)
        .first()
    )
    if rule is None:
        raise NotFound("No such notification rule for this client.")
    return rule


def _require_configure(actor) -> None:
    if not (actor.is_system or can(actor.user, Action.CONFIGURE)):
        raise PermissionDenied("Only Admins change notification rules.")


def _described(rule: NotificationRule) -> dict:
    return {
        "event": rule.event,
        "stage": rule.stage,
        "audience": rule.audience,
        "user": rule.user_id,
        "email": rule.email,
        "in_app": rule.in_app,
    }


def check_rule(client, *, event: str, stage: str, audience: str, user) -> None:
    """Refuse a rule `client` may not have; Django's admin asks this too."""
    if event not in NotifyEvent.values or audience not in Audience.values:
        raise ValidationFailed("Choose an event and an audience.", code="rule_invalid")
    _clean_stage(event, stage)
    _clean_user(client, audience, user)


def _clean_user(client, audience: str, user) -> None:
    """A named person must be MSP staff, and only the named-staff audience has one.

    A user of another client is refused first and in its own words: a rule of one
    client must never point at another's people. A user of this client is refused
    too, since the dispatcher tells only staff through this audience.
    """
    if audience != Audience.STAFF_USER:
        if user is not None:
            raise ValidationFailed(
                "Only a rule for a named staff member names a person.",
                code="rule_user_not_wanted",
                fields={"user": ["Leave this empty for this audience."]},
            )
        return
    if user is None:
        raise ValidationFailed(
            "Choose the staff member this rule tells.",
            code="rule_user_missing",
            fields={"user": ["Choose a staff member."]},
        )
    if user.is_client_user and user.client_id != client.pk:
        raise ValidationFailed(
            f"{user.get_username()} is a user of another client; a rule of "
            f"{client.name} may name only staff.",
            code="rule_user_other_client",
            fields={"user": ["This person belongs to another client."]},
        )
    if not user.is_msp_staff or not user.is_active:
        raise ValidationFailed(
            f"{user.get_username()} is not active MSP staff; a rule names only staff.",
            code="rule_user_not_staff",
            fields={"user": ["Choose an active staff member."]},
        )


def _clean_stage(event: str, stage: str) -> None:
    if stage and event != NotifyEvent.STAGE_CHANGED:
        raise ValidationFailed(
            "Only a stage-change rule names a stage.",
            code="rule_stage_not_wanted",
            fields={"stage": ["Leave this empty for this event."]},
        )
    if stage and stage not in Stage.values:
        raise ValidationFailed(
            f"{stage!r} is not a ticket stage.",
            code="rule_stage_unknown",
            fields={"stage": ["Choose a stage."]},
        )


@transaction.atomic
def add_rule(
    actor,
    client,
    *,
    event: str,
    audience: str,
    stage: str = "",
    user: User | None = None,
    email: bool = True,
    in_app: bool = False,
) -> NotificationRule:
    """Give `client` one more rule. A client on the defaults gets them as rows first.

    Without that copy, its first own row would replace every default at once.
    """
    _require_configure(actor)
    check_rule(client, event=event, stage=stage, audience=audience, user=user)
    install_defaults(client)
    same = NotificationRule.objects.filter(
        client=client, event=event, stage=stage, audience=audience, user=user
    )
    if same.exists():
        raise Conflict(
            "This client already has that rule; change its switches instead.",
            code="rule_exists",
        )

    rule = NotificationRule.objects.create(
        client=client,
        event=event,
        stage=stage,
        audience=audience,
        user=user,
        email=email,
        in_app=in_app,
    )
    audit.record(
        actor, "notification_rule.added", rule, client=client, data=_described(rule)
    )
    return rule


@transaction.atomic
def set_channels(actor, rule, *, email: bool, in_app: bool) -> NotificationRule:
    """Switch a rule's email and in-app notice on or off."""
    _require_configure(actor)
    locked = NotificationRule.objects.select_for_update().get(pk=rule.pk)
    changed = {
        name: wanted
        for name, wanted in (("email", email), ("in_app", in_app))
        if getattr(locked, name) != wanted
    }
    if not changed:
        return locked
    for name, wanted in changed.items():
        setattr(locked, name, wanted)
    locked.save(update_fields=list(changed))
    audit.record(
        actor,
        "notification_rule.changed",
        locked,
        client=rule.client,
        data={**_described(locked), "changed": changed},
    )
    return locked


@transaction.atomic
def remove_rule(actor, rule) -> None:
    """Delete one rule; refused for the client's last, which would mean the defaults.

    A client with no rows is told by DEFAULT_RULES, so removing its last rule would
    quietly switch every default back on. Switching the rule off says what is meant.
    """
    _require_configure(actor)
    client = rule.client
    # Locking the client's rows keeps two removals from both passing the count.
    rows = list(
        NotificationRule.objects.select_for_update()
        .filter(client=client)
        .values_list("pk", flat=True)
    )
    if rule.pk not in rows:
        raise NotFound("No such notification rule for this client.")
    if len(rows) == 1:
        raise Conflict(
            "This is the client's last rule; without any it would be told by the "
            "default set. Switch its email and notice off instead.",
            code="last_rule",
        )
    description = _described(rule)
    NotificationRule.objects.filter(pk=rule.pk).delete()
    audit.record(
        actor, "notification_rule.removed", rule, client=client, data=description
    )


@transaction.atomic
def restore_defaults(actor, client) -> int:
    """Replace every rule of `client` with a fresh copy of the default set."""
    _require_configure(actor)
    removed = NotificationRule.objects.filter(client=client).delete()[0]
    installed = install_defaults(client)
    audit.record(
        actor,
        "notification_rules.restored",
        client,
        client=client,
        data={"removed": removed, "installed": installed},
    )
    return installed
