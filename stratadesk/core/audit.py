"""Writing audit events, inside the transaction of the change they record."""

from stratadesk.core import clock
from stratadesk.core.context import current_request_id
from stratadesk.core.models import AuditEvent


def record(
    actor, action: str, subject, *, client=None, occurred_at=None, **fields
) -> AuditEvent:
    """Append one audit event for `subject` (any model instance) done by `actor`.

    `actor` is a stratadesk.people.actors.Actor; `fields` may hold from_stage, to_stage,
    reason and data. `occurred_at` defaults to now; a change that has already used
    its own "now" (a stage change, whose instant the SLA clocks read) passes it.
    """
    return AuditEvent.objects.create(
        occurred_at=occurred_at or clock.now(),
        actor=actor.user,
        actor_label=actor.label,
        actor_role=actor.role,
        channel=actor.channel,
        action=action,
        client=client,
        subject_type=subject._meta.model_name,
        # Models whose key is long or secret-derived name themselves by `audit_id`.
        subject_id=str(getattr(subject, "audit_id", subject.pk)),
        request_id=actor.request_id or current_request_id(),
        **fields,
    )
