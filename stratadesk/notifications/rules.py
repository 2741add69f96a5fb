"""Which rules apply to an event: the client's own, else the default set.

A client with no rule rows is told by DEFAULT_RULES. New clients get a copy of them
as rows (install_defaults), which Admins then edit in Django's admin.
"""

from dataclasses import dataclass

from django.db import transaction

from stratadesk.notifications.models import Audience, NotificationRule, NotifyEvent


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
