"""What "nothing changed" means: every row a move could write, read back."""

from django_tasks_db.models import DBTaskResult

from stratadesk.core.models import AuditEvent
from stratadesk.people.actors import Actor
from stratadesk.svr.models import ServiceVerificationReport
from stratadesk.tickets.models import Comment, MaterialEntry, Ticket, TimeEntry
from tests import fixtures
from tests.tickets import expected

_USERS = {
    expected.REQUESTER: "harry",
    expected.APPROVER: "hannah",
    expected.OUTSIDER: "oscar",
    expected.OPERATIONS: "olivia",
    expected.ASSIGNEE: "sam",
    expected.OTHER_SUPPORT: "sasha",
    expected.ACCOUNTS: "alex",
    expected.ADMIN: "ada",
}


def actor_for(world, persona: str) -> Actor:
    if persona == expected.SYSTEM:
        return Actor.system()
    return fixtures.actor(getattr(world, _USERS[persona]))


def user_for(world, persona: str):
    return getattr(world, _USERS[persona])


def snapshot(ticket) -> dict:
    """Every row a ticket service may write, so a refusal can be shown to write none."""
    return {
        "ticket": Ticket.objects.filter(pk=ticket.pk).values().get(),
        "tickets": _pks(Ticket),
        "audit_events": _pks(AuditEvent),
        "comments": _pks(Comment),
        "svrs": list(ServiceVerificationReport.objects.order_by("pk").values()),
        "tasks": sorted(DBTaskResult.objects.values_list("id", flat=True)),
        "time_entries": _pks(TimeEntry),
        "material_entries": _pks(MaterialEntry),
    }


def events_since(before: dict):
    """Audit events written after `before` was taken, oldest first."""
    return AuditEvent.objects.exclude(pk__in=before["audit_events"]).order_by("pk")


def tasks_since(before: dict):
    return DBTaskResult.objects.exclude(id__in=before["tasks"])


def _pks(model) -> list[int]:
    return list(model.objects.order_by("pk").values_list("pk", flat=True))
