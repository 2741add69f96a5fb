"""Every change to a ticket goes through a function here.

Each one checks permission, validates, writes, appends an audit event and queues its
side effects, all in one transaction: a refused or failed change leaves nothing behind.
"""

import logging
import mimetypes
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction

from stratadesk.clients.models import Contact, Priority
from stratadesk.core import audit, clock
from stratadesk.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    TransitionNotAllowed,
    ValidationFailed,
    full_clean_or_fail,
)
from stratadesk.core.sequences import take_next
from stratadesk.notifications import webhooks
from stratadesk.notifications.dispatch import notify
from stratadesk.notifications.models import NotifyEvent, WebhookEvent
from stratadesk.people.models import Role
from stratadesk.people.permissions import Action, can, may_raise_for
from stratadesk.sla import services as sla
from stratadesk.svr import services as svr_services
from stratadesk.svr.models import SvrStatus
from stratadesk.tickets import lifecycle
from stratadesk.tickets.gates import clean_gate
from stratadesk.tickets.models import (
    Attachment,
    CloseReason,
    Comment,
    MaterialEntry,
    Stage,
    Ticket,
    TimeEntry,
)

logger = logging.getLogger(__name__)

TICKET_NUMBER_START = 1001

# Stages in which work may still be logged against a ticket. Once an SVR is issued the
# work log is what the client is verifying, so it is frozen.
WORK_LOGGING_STAGES = {
    Stage.ASSIGNED,
    Stage.IN_PROGRESS,
    Stage.PENDING_CLIENT,
    Stage.PENDING_THIRD_PARTY,
    Stage.RESOLVED,
}


# Who is acting ----------------------------------------------------------------------


def _client_contact(actor, client_id):
    if actor.contact is not None:
        return actor.contact if actor.contact.client_id == client_id else None
    if actor.role != Role.CLIENT or actor.user is None:
        return None
    return Contact.objects.filter(
        user_id=actor.user_id, client_id=client_id, is_active=True
    ).first()


def facts_for(actor, ticket) -> lifecycle.Facts:
    # Someone who may not read the ticket may not move it either, whatever the table
    # would give their role (an engineer since limited to other clients, say).
    if actor.who is not None and not can(actor.who, Action.READ_TICKET, ticket):
        return lifecycle.Facts(role="")
    contact = _client_contact(actor, ticket.client_id)
    same_client = actor.client_id is not None and actor.client_id == ticket.client_id
    # A client's system moves tickets only with the key scopes for the move: writing
    # for a requester's moves, svr:approve for an approver's.
    writes = not actor.is_api_client or can(actor.who, Action.RAISE_TICKET, ticket)
    decides = not actor.is_api_client or can(actor.who, Action.DECIDE_SVR, ticket)
    return lifecycle.Facts(
        # A client's system takes the client's moves; it speaks for every requester
        # of its organisation, and approves only in a named approver's name.
        role=lifecycle.CLIENT if actor.is_api_client else actor.role,
        is_assignee=actor.user_id is not None and ticket.assignee_id == actor.user_id,
        is_requester=writes
        and (
            (contact is not None and ticket.requester_id == contact.pk)
            or (actor.is_api_client and same_client)
        ),
        is_approver=decides
        and contact is not None
        and _approves_pending_svr(ticket, contact),
        same_client=same_client,
        svr_review_required=ticket.client.svr_review_required,
    )


def _approves_pending_svr(ticket, contact) -> bool:
    # The approvers are those the SVR was issued to, not whoever holds the flag now.
    # One who has signed already (a client needing every approver) is done.
    return (
        ticket.svrs.filter(
            status=SvrStatus.PENDING, approvers=contact, approvers__is_active=True
        )
        .exclude(approvals__contact=contact)
        .exists()
    )


def allowed_transitions(actor, ticket) -> list[lifecycle.Transition]:
    """The buttons to show this actor: moves from the current stage open to them."""
    return lifecycle.moves_from(ticket.stage, facts_for(actor, ticket))


def _require(actor, action: Action, ticket, what: str) -> None:
    """Refuse unless the permission matrix lets this actor take `action` on `ticket`.

    Operations and Admin change any ticket; Support only those assigned to them.
    """
    if actor.is_system or can(actor.who, action, ticket):
        return
    if actor.role == Role.SUPPORT:
        raise PermissionDenied(
            f"Only the assignee, Operations or Admin may {what} on {ticket.reference}."
        )
    raise PermissionDenied(f"Your role may not {what} on {ticket.reference}.")


# Creating ----------------------------------------------------------------------------


@transaction.atomic
def create_ticket(
    actor,
    *,
    client,
    title: str,
    description: str,
    requester,
    priority: str = "",
    category=None,
    site=None,
    external_ref: str = "",
    follow_up_of=None,
) -> Ticket:
    """Raise a new ticket in Request for `client`, resolved by the caller."""
    if not actor.is_system and not may_raise_for(actor.who, client):
        if actor.is_client:
            raise PermissionDenied(
                "You may raise tickets for your own organisation only."
            )
        raise PermissionDenied(f"You may not raise tickets for {client.name}.")
    if not client.is_active:
        raise ValidationFailed(
            f"{client.name} is no longer an active client; reactivate it first.",
            code="client_inactive",
        )

    errors = {}
    title = (title or "").strip()
    description = (description or "").strip()
    if not title:
        errors["title"] = ["A title is required."]
    elif len(title) > 200:
        errors["title"] = ["A title has at most 200 characters."]
    if not description:
        errors["description"] = ["A description is required."]
    elif len(description) > MAX_BODY:
        errors["description"] = [f"At most {MAX_BODY:,} characters."]
    if requester is None and actor.is_client:
        errors["requester"] = [
            "Your login is not linked to a contact of your organisation; "
            "ask your service provider to link it."
        ]
    elif requester is None:
        errors["requester"] = ["A requester contact is required."]
    elif requester.client_id != client.pk or not requester.is_active:
        errors["requester"] = [
            "The requester must be an active contact of this client."
        ]
    if site is not None and site.client_id != client.pk:
        errors["site"] = ["The site must belong to this client."]
    priority = priority or client.default_priority
    if priority not in Priority.values:
        errors["priority"] = [f"Priority must be one of {', '.join(Priority.values)}."]
    external_ref = (external_ref or "").strip()
    if len(external_ref) > 100:
        errors["external_ref"] = ["An external reference has at most 100 characters."]
    if errors:
        raise ValidationFailed("The ticket could not be raised.", fields=errors)

    if external_ref:
        existing = Ticket.objects.filter(
            client=client, external_ref=external_ref
        ).first()
        if existing is not None:
            raise Conflict(
                f"A ticket with external_ref {external_ref!r} already exists.",
                code="duplicate_external_ref",
                ticket_number=existing.number,
            )

    now = clock.now()
    ticket = Ticket(
        number=take_next("ticket", start=TICKET_NUMBER_START),
        title=title,
        description=description,
        priority=priority,
        category=category,
        client=client,
        site=site,
        requester=requester,
        stage=Stage.REQUEST,
        external_ref=external_ref,
        channel=actor.channel,
        created_by=actor.user,
        follow_up_of=follow_up_of,
        created_at=now,
        updated_at=now,
        stage_changed_at=now,
    )
    try:
        with transaction.atomic():
            ticket.save()
    except IntegrityError:
        # Two creates with one external_ref raced past the check above.
        raise Conflict(
            f"A ticket with external_ref {external_ref!r} already exists.",
            code="duplicate_external_ref",
        ) from None

    audit.record(
        actor,
        "ticket.created",
        ticket,
        client=client,
        to_stage=Stage.REQUEST,
        data={
            "priority": priority,
            "follow_up_of": getattr(follow_up_of, "number", None),
        },
    )
    sla.recompute(ticket)
    notify(
        NotifyEvent.TICKET_CREATED,
        ticket,
        key=ticket.pk,
        webhook=(WebhookEvent.TICKET_CREATED, webhooks.ticket_data(ticket)),
    )
    logger.info(
        "ticket created",
        extra={
            "ticket_id": ticket.pk,
            "client_id": client.pk,
            "channel": actor.channel,
        },
    )
    return ticket


# Moving through the lifecycle --------------------------------------------------------


def transition(
    actor, ticket, name: str, data=None, *, ip=None, user_agent=""
) -> Ticket:
    """Take the move `name` on `ticket` as `actor`, with the gate fields in `data`.

    `ticket` is the caller's view of it: if anyone changed the ticket since it was
    read, the move is refused as a conflict and nothing changes.
    """
    move = lifecycle.get(name)
    if move is None or (move.automatic and not actor.is_system):
        raise TransitionNotAllowed(
            f"{name!r} is not a move you can take. "
            + lifecycle.describe_allowed(ticket.stage, facts_for(actor, ticket)),
            code="unknown_transition",
        )

    with transaction.atomic():
        locked = _lock(ticket)
        cleaned = _check_move(actor, locked, move, data or {})
        if move.name == "approve_svr":
            complete = _sign_svr(actor, locked, cleaned, ip=ip, user_agent=user_agent)
            if not complete:
                return locked
        _move(actor, locked, move, cleaned, ip=ip, user_agent=user_agent)
    return locked


def transition_to(actor, ticket, target: str, data=None, **kwargs) -> Ticket:
    """Like transition(), naming the stage to move to, as the API does."""
    facts = facts_for(actor, ticket)
    move = lifecycle.find_by_target(ticket.stage, target, facts)
    if move is None:
        raise TransitionNotAllowed(
            f"You cannot move {ticket.reference} to {target!r}. "
            + lifecycle.describe_allowed(ticket.stage, facts)
        )
    return transition(actor, ticket, move.name, data, **kwargs)


def _lock(ticket, *, check_version=True) -> Ticket:
    """The ticket's row, locked until the transaction ends.

    With `check_version`, a caller whose copy is older than the row is refused: it
    decided on facts that no longer hold.
    """
    locked = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("client", "requester", "assignee", "category", "site")
        .get(pk=ticket.pk)
    )
    if check_version and locked.version != ticket.version:
        raise Conflict(
            f"{ticket.reference} was changed by someone else since you loaded it; "
            "reload and try again.",
            code="stale_ticket",
        )
    return locked


def _check_move(actor, ticket, move, data) -> dict:
    facts = facts_for(actor, ticket)
    if ticket.stage not in move.sources or not lifecycle.permitted(move, facts):
        raise TransitionNotAllowed(
            f"You cannot {move.label.lower()} on {ticket.reference} "
            f"while it is {ticket.stage_label}. "
            + lifecycle.describe_allowed(ticket.stage, facts)
        )
    return clean_gate(move, ticket, data)


def _move(actor, ticket, move, cleaned, *, ip=None, user_agent="") -> None:
    """Apply the move's effects and write it. Caller holds the ticket's row lock."""
    handler = _EFFECTS.get(move.name)
    extra = (
        handler(actor, ticket, cleaned, ip=ip, user_agent=user_agent) if handler else {}
    )

    from_stage = ticket.stage
    now = clock.now()
    ticket.stage = move.target
    ticket.version += 1
    ticket.updated_at = now
    ticket.stage_changed_at = now
    ticket.save()

    # The clocks are recomputed with this move in the history, so a priority change
    # can name its old and new due instants in the move's own audit event.
    clocks = sla.recompute(ticket, pending_move=(now, move.target))
    if "priority" in cleaned:
        extra = {**(extra or {}), **_due_changes(clocks)}
    audit.record(
        actor,
        "ticket.transitioned",
        ticket,
        client=ticket.client,
        occurred_at=now,
        from_stage=from_stage,
        to_stage=move.target,
        # A dismissal's reason is its close reason; a withdrawal's may be blank.
        reason=cleaned.get("reason") or cleaned.get("close_reason") or "",
        data={"transition": move.name, **(extra or {})},
    )
    notify(
        NotifyEvent.STAGE_CHANGED,
        ticket,
        key=f"{ticket.pk}:{ticket.version}",
        stage=move.target,
        template=_STAGE_TEMPLATES.get(move.target, ""),
        exclude=[actor.user, actor.contact],
        message=cleaned.get("message", ""),
        webhook=(
            WebhookEvent.TICKET_STAGE_CHANGED,
            {
                **webhooks.ticket_data(ticket),
                "from_stage": from_stage,
                "to_stage": move.target,
            },
        ),
    )
    logger.info(
        "ticket moved",
        extra={
            "ticket_id": ticket.pk,
            "transition": move.name,
            "from_stage": from_stage,
            "to_stage": move.target,
        },
    )


# Stages with an email of their own; any other move is told as "now <stage>".
_STAGE_TEMPLATES = {
    Stage.PENDING_CLIENT: "ticket_pending_client",
    Stage.RESOLVED: "ticket_resolved",
}


def _due_changes(clocks) -> dict:
    """{"sla_due": {kind: [old, new]}} for the clocks a change moved; else {}."""
    changes = {
        kind: [
            row.previous_due_at.isoformat() if row.previous_due_at else None,
            row.due_at.isoformat(),
        ]
        for kind, row in clocks.items()
        if row.previous_due_at != row.due_at
    }
    return {"sla_due": changes} if changes else {}


@transaction.atomic
def change_priority(actor, ticket, priority: str, *, reason: str = "") -> Ticket:
    """Set a new priority; the SLA clocks are recomputed from the original start."""
    locked = _lock(ticket, check_version=False)
    if not actor.is_system and not can(actor.who, Action.PRIORITISE, locked):
        raise PermissionDenied("Only Operations and Admins change priorities.")
    if priority not in Priority.values:
        raise ValidationFailed(
            "Unknown priority.",
            fields={"priority": [f"One of {', '.join(Priority.values)}."]},
        )
    if priority == locked.priority:
        return locked

    previous = locked.priority
    locked.priority = priority
    locked.version += 1
    locked.updated_at = clock.now()
    locked.save(update_fields=["priority", "version", "updated_at"])
    clocks = sla.recompute(locked)
    audit.record(
        actor,
        "ticket.priority_changed",
        locked,
        client=locked.client,
        reason=reason,
        data={"from": previous, "to": priority, **_due_changes(clocks)},
    )
    return locked


@transaction.atomic
def reassign(actor, ticket, assignee, *, reason: str = "") -> Ticket:
    """Hand a ticket being worked to someone else (an escalation to a lead, say)."""
    locked = _lock(ticket, check_version=False)
    if not actor.is_system and not can(actor.who, Action.PRIORITISE, locked):
        raise PermissionDenied("Only Operations and Admins reassign tickets.")
    if not assignee.is_active or assignee.role not in (Role.OPERATIONS, Role.SUPPORT):
        raise ValidationFailed(
            "Tickets go to active Operations or Support staff.",
            fields={"assignee": ["Choose an active Operations or Support user."]},
        )
    if not can(assignee, Action.READ_TICKET, locked):
        raise ValidationFailed(
            f"{assignee.get_full_name() or assignee} may not work for "
            f"{locked.client.name}.",
            fields={"assignee": ["Choose someone allowed to work for this client."]},
        )
    previous = locked.assignee_id
    locked.assignee = assignee
    locked.version += 1
    locked.updated_at = clock.now()
    locked.save(update_fields=["assignee", "version", "updated_at"])
    audit.record(
        actor,
        "ticket.reassigned",
        locked,
        client=locked.client,
        reason=reason,
        data={"from": previous, "to": assignee.pk},
    )
    notify(
        NotifyEvent.TICKET_ASSIGNED,
        locked,
        key=f"{locked.pk}:{locked.version}",
        exclude=[actor.user, actor.contact],
    )
    return locked


# What each move does beyond changing the stage. Each returns data for the audit event.


def _dismiss(actor, ticket, cleaned, **_):
    ticket.close_reason = cleaned["close_reason"]
    ticket.duplicate_of = cleaned.get("duplicate_of")
    ticket.closed_at = clock.now()
    duplicate = ticket.duplicate_of.number if ticket.duplicate_of else None
    return {"close_reason": ticket.close_reason, "duplicate_of": duplicate}


def _withdraw(actor, ticket, cleaned, **_):
    ticket.close_reason = CloseReason.WITHDRAWN
    ticket.closed_at = clock.now()
    return {"close_reason": CloseReason.WITHDRAWN}


def _assign(actor, ticket, cleaned, **_):
    old = {"priority": ticket.priority, "assignee": ticket.assignee_id}
    ticket.priority = cleaned["priority"]
    ticket.category = cleaned["category"]
    ticket.assignee = cleaned["assignee"]
    # The move saves the ticket at the next version; the key names that version.
    notify(
        NotifyEvent.TICKET_ASSIGNED,
        ticket,
        key=f"{ticket.pk}:{ticket.version + 1}",
        exclude=[actor.user, actor.contact],
    )
    return {
        "assignee": ticket.assignee_id,
        "priority": ticket.priority,
        "category": ticket.category_id,
        "previous": old,
    }


def _hand_back(actor, ticket, cleaned, **_):
    previous = ticket.assignee_id
    ticket.assignee = None
    return {"previous_assignee": previous}


def _await_client(actor, ticket, cleaned, **_):
    # The move's own email carries the message, so the comment is not told apart.
    comment = _write_comment(
        actor, ticket, cleaned["message"], public=True, notified=False
    )
    return {"comment": comment.pk}


def _await_third_party(actor, ticket, cleaned, **_):
    ticket.third_party_name = cleaned["third_party_name"]
    ticket.third_party_ref = cleaned["third_party_ref"]
    return {"third_party": ticket.third_party_name, "reference": ticket.third_party_ref}


def _resolve(actor, ticket, cleaned, **_):
    ticket.resolution_summary = cleaned["resolution_summary"]
    ticket.not_billable = cleaned["not_billable"]
    ticket.not_billable_reason = cleaned.get("not_billable_reason", "")
    ticket.resolved_at = clock.now()
    return {"not_billable": ticket.not_billable}


def _back_to_work(actor, ticket, cleaned, **_):
    ticket.resolved_at = None
    return {}


def _issue_svr(actor, ticket, cleaned, **_):
    svr = svr_services.issue(actor, ticket, cleaned["work_summary"])
    return {"svr": svr.pk, "svr_version": svr.version}


_SVR_CLOSE_REASONS = {
    SvrStatus.APPROVED: CloseReason.SVR_APPROVED,
    SvrStatus.AUTO_APPROVED: CloseReason.SVR_AUTO_APPROVED,
    SvrStatus.OVERRIDDEN: CloseReason.SVR_OVERRIDDEN,
}


def _check_signature(actor, ticket, typed_name) -> None:
    """An approval is signed by typing one's own name as the MSP holds it."""
    contact = _client_contact(actor, ticket.client_id)
    if contact is None or _folded(typed_name) != _folded(contact.name):
        expected = contact.name if contact else "your name"
        raise ValidationFailed(
            "The typed name does not match the approver's name.",
            code="signature_mismatch",
            fields={"typed_name": [f"Type your name as we hold it: {expected}."]},
        )


# What phone keyboards type for the apostrophes and hyphens in names.
_LOOKALIKES = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u2010": "-", "\u2011": "-"}
)


def _folded(name) -> str:
    # Composed or decomposed accents, smart quotes, case and spacing all compare equal.
    text = unicodedata.normalize("NFKC", name or "").translate(_LOOKALIKES)
    return " ".join(text.split()).casefold()


def _sign_svr(actor, ticket, cleaned, *, ip=None, user_agent="") -> bool:
    """Record the approver's signature; True when the ticket may now close.

    A client that needs every approver keeps the ticket in SVR Pending until the
    last one signs; each earlier signature is audited on its own.
    """
    _check_signature(actor, ticket, cleaned["typed_name"])
    contact = _client_contact(actor, ticket.client_id)
    complete = svr_services.sign(
        actor,
        ticket,
        contact,
        typed_name=cleaned["typed_name"],
        document_hash=cleaned.get("document_hash", ""),
        ip=ip,
        ua=user_agent,
    )
    if complete:
        return True

    now = clock.now()
    ticket.version += 1
    ticket.updated_at = now
    ticket.save(update_fields=["version", "updated_at"])
    waiting = list(
        svr_services.awaited_approvers(svr_services.pending_for(ticket)).values_list(
            "name", flat=True
        )
    )
    audit.record(
        actor,
        "svr.signed",
        ticket,
        client=ticket.client,
        occurred_at=now,
        data={"contact": contact.pk, "awaiting": waiting},
    )
    return False


def _close_svr(status):
    def effect(actor, ticket, cleaned, *, ip=None, user_agent="", **_):
        svr = svr_services.decide(
            actor,
            ticket,
            status,
            typed_name=cleaned.get("typed_name", ""),
            reason=cleaned.get("reason", ""),
            ip=ip,
            ua=user_agent,
        )
        ticket.close_reason = _SVR_CLOSE_REASONS[status]
        ticket.closed_at = clock.now()
        return {"svr": svr.pk, "svr_version": svr.version, "svr_status": status}

    return effect


def _auto_close_svr(actor, ticket, cleaned, **kwargs):
    # Every approver left has signed (one who had not was since deactivated): that
    # is an approval, not the clock running out.
    svr = svr_services.pending_for(ticket)
    signed = svr.approvals.exists() and not svr_services.awaited_approvers(svr).exists()
    status = SvrStatus.APPROVED if signed else SvrStatus.AUTO_APPROVED
    return _close_svr(status)(actor, ticket, cleaned, **kwargs)


def _reject_svr(actor, ticket, cleaned, *, ip=None, user_agent="", **_):
    svr = svr_services.decide(
        actor,
        ticket,
        SvrStatus.REJECTED,
        reason=cleaned["reason"],
        ip=ip,
        ua=user_agent,
    )
    ticket.resolved_at = None
    return {"svr": svr.pk, "svr_version": svr.version}


def _reopen(actor, ticket, cleaned, **_):
    previous = ticket.close_reason
    ticket.closed_at = None
    ticket.close_reason = ""
    ticket.resolved_at = None
    if cleaned.get("assignee") is not None:
        ticket.assignee = cleaned["assignee"]
    return {"previous_close_reason": previous, "assignee": ticket.assignee_id}


_EFFECTS = {
    "dismiss": _dismiss,
    "withdraw": _withdraw,
    "assign": _assign,
    "hand_back": _hand_back,
    "await_client": _await_client,
    "await_third_party": _await_third_party,
    "resolve": _resolve,
    "review_failed": _back_to_work,
    "issue_svr": _issue_svr,
    "approve_svr": _close_svr(SvrStatus.APPROVED),
    "auto_approve_svr": _auto_close_svr,
    "override_svr": _close_svr(SvrStatus.OVERRIDDEN),
    "reject_svr": _reject_svr,
    "reopen": _reopen,
}


# Comments, work and files -------------------------------------------------------------


def _write_comment(
    actor, ticket, body, *, public, system=False, notified=True
) -> Comment:
    now = clock.now()
    comment = Comment.objects.create(
        ticket=ticket,
        author=actor.user,
        author_contact=_client_contact(actor, ticket.client_id),
        author_label=actor.label,
        body=body,
        is_public=public,
        is_system=system,
        channel=actor.channel,
        created_at=now,
    )
    staff_reply = public and not system and not actor.is_client and not actor.is_system
    first_response = staff_reply and ticket.first_response_at is None
    if first_response:
        ticket.first_response_at = now
    ticket.updated_at = now
    Ticket.objects.filter(pk=ticket.pk).update(
        updated_at=now, first_response_at=ticket.first_response_at
    )
    if first_response:
        # The response clock stops at the first public reply by MSP staff.
        sla.recompute(ticket)
    audit.record(
        actor,
        "ticket.commented",
        ticket,
        client=ticket.client,
        data={"comment": comment.pk, "public": public},
    )
    # Internal notes never leave the MSP, and system notes are not conversation.
    if public and not system:
        notify(
            NotifyEvent.PUBLIC_COMMENT,
            ticket,
            key=comment.pk,
            # A message sent with a move is told by the move's email: webhooks
            # still hear of it, people do not hear twice.
            exclude=[actor.user, actor.contact] if notified else [],
            people=notified,
            comment=comment,
            author=comment.author_label,
            webhook=(
                WebhookEvent.TICKET_COMMENTED,
                {
                    **webhooks.ticket_data(ticket),
                    "comment": webhooks.comment_data(comment),
                },
            ),
        )
    return comment


@transaction.atomic
def add_comment(actor, ticket, body: str, *, public: bool = True) -> Comment:
    """Add a public message or an internal note.

    A client's reply to a ticket waiting on them moves it back to In Progress. A
    client's reply to a Closed ticket opens a linked follow-up ticket instead of
    reopening it.
    """
    body = _long_text(body, "body", "A comment")

    # Decide on the locked row, not the caller's copy: the ticket may have closed, or
    # been reassigned, since the caller read it.
    locked = _lock(ticket, check_version=False)
    if actor.is_client and not public:
        raise PermissionDenied("Clients cannot write internal notes.")
    action = Action.COMMENT_PUBLIC if public else Action.COMMENT_INTERNAL
    _require(actor, action, locked, "comment")

    if actor.is_client and locked.stage == Stage.CLOSED:
        return _follow_up(actor, locked, body)
    comment = _write_comment(actor, locked, body, public=public)

    if actor.is_client and locked.stage == Stage.PENDING_CLIENT:
        _move(actor, locked, lifecycle.BY_NAME["client_replied"], {})
    return comment


MAX_BODY = 20_000


def _long_text(value, field, what) -> str:
    """A comment or description: required, stripped, and of a sane length."""
    text = (value or "").strip()
    if not text:
        raise ValidationFailed(
            f"{what} needs some text.", fields={field: ["Required."]}
        )
    if len(text) > MAX_BODY:
        raise ValidationFailed(
            f"{what} has at most {MAX_BODY:,} characters; attach longer text as a "
            "file.",
            fields={field: [f"At most {MAX_BODY:,} characters."]},
        )
    return text


def _follow_up(actor, closed_ticket, body) -> Comment:
    # A thread that goes on after the ticket closed keeps to one follow-up: while
    # it is open, later replies land there instead of opening another each time.
    open_follow_up = (
        Ticket.objects.filter(follow_up_of=closed_ticket)
        .exclude(stage=Stage.CLOSED)
        .order_by("number")
        .first()
    )
    if open_follow_up is not None:
        return add_comment(actor, open_follow_up, body, public=True)

    requester = (
        _client_contact(actor, closed_ticket.client_id) or closed_ticket.requester
    )
    follow_up = create_ticket(
        actor,
        client=closed_ticket.client,
        title=f"Follow-up to {closed_ticket.reference}: {closed_ticket.title}"[:200],
        # The reply itself is the first message; the description says where from.
        description=f"Raised by a reply to {closed_ticket.reference} after it "
        "closed; the reply is the first message below.",
        requester=requester,
        priority=closed_ticket.priority,
        category=closed_ticket.category,
        site=closed_ticket.site,
        follow_up_of=closed_ticket,
    )
    return _write_comment(actor, follow_up, body, public=True)


def _lock_for_work(actor, ticket, doing, what) -> Ticket:
    """Lock the ticket and check, on the locked row, that this work may be logged.

    Checking the caller's copy is not enough: an SVR issued, or the engineer
    unassigned, between reading and writing would let work slip past the freeze.
    """
    locked = _lock(ticket, check_version=False)
    _require(actor, Action.LOG_WORK, locked, doing)
    _check_work_stage(locked, what)
    return locked


def _check_work_date(ticket, work_date) -> None:
    # A day's slack either side covers the gap between the MSP's and the client's
    # calendar dates.
    earliest = ticket.created_at.date() - timedelta(days=1)
    latest = clock.now().date() + timedelta(days=1)
    if not earliest <= work_date <= latest:
        raise ValidationFailed(
            "The work date must fall between the ticket's creation and today.",
            code="work_date_out_of_range",
            fields={"work_date": ["Between the ticket's creation and today."]},
        )


def _check_work_stage(ticket, what):
    if ticket.stage not in WORK_LOGGING_STAGES:
        raise ValidationFailed(
            f"{what} cannot be logged while {ticket.reference} is "
            f"{ticket.stage_label}.",
            code="work_log_frozen",
        )


@transaction.atomic
def log_time(
    actor,
    ticket,
    *,
    minutes: int,
    work_date,
    work_type: str,
    billable: bool = True,
    note: str = "",
) -> TimeEntry:
    ticket = _lock_for_work(actor, ticket, "log time", "Time")
    _check_work_date(ticket, work_date)

    entry = TimeEntry(
        ticket=ticket,
        engineer=actor.user,
        work_date=work_date,
        minutes=minutes,
        work_type=work_type,
        billable=billable,
        note=(note or "").strip(),
        created_at=clock.now(),
    )
    full_clean_or_fail(entry, exclude=["ticket", "engineer"])
    entry.save()
    audit.record(
        actor,
        "ticket.time_logged",
        ticket,
        client=ticket.client,
        data={"entry": entry.pk, "minutes": minutes, "work_type": work_type},
    )
    return entry


@transaction.atomic
def add_material(
    actor, ticket, *, item: str, quantity, unit_price, billable: bool = True
) -> MaterialEntry:
    ticket = _lock_for_work(actor, ticket, "record materials", "Materials")

    entry = MaterialEntry(
        ticket=ticket,
        item=(item or "").strip(),
        quantity=quantity,
        unit_price=unit_price,
        billable=billable,
        added_by=actor.user,
        created_at=clock.now(),
    )
    full_clean_or_fail(entry, exclude=["ticket", "added_by"])
    entry.save()
    audit.record(
        actor,
        "ticket.material_added",
        ticket,
        client=ticket.client,
        data={"entry": entry.pk, "item": entry.item, "quantity": str(entry.quantity)},
    )
    return entry


@transaction.atomic
def add_attachment(actor, ticket, upload, *, public: bool = True) -> Attachment:
    """Store an uploaded file on the ticket, within the size and type limits."""
    ticket = _lock(ticket, check_version=False)
    _require(actor, Action.ATTACH, ticket, "attach files")
    if actor.is_client:
        if ticket.stage == Stage.CLOSED:
            raise ValidationFailed(
                f"{ticket.reference} is closed; reply to it to open a follow-up.",
                code="ticket_closed",
            )
        public = True

    content_type = check_upload(upload)
    attachment = Attachment.objects.create(
        ticket=ticket,
        file=upload,
        original_name=upload.name[:255],
        content_type=content_type,
        size=upload.size,
        is_public=public,
        uploaded_by=actor.user,
        created_at=clock.now(),
    )
    audit.record(
        actor,
        "ticket.attachment_added",
        ticket,
        client=ticket.client,
        data={"attachment": attachment.pk, "name": attachment.original_name},
    )
    return attachment


@transaction.atomic
def set_evidence(actor, ticket, attachment, evidence: bool) -> Attachment:
    """Choose whether a file goes into the ticket's next SVR as evidence.

    Only a public file can: the SVR is the client's document. An SVR already issued
    keeps the evidence it was issued with.
    """
    ticket = _lock(ticket, check_version=False)
    _require(actor, Action.LOG_WORK, ticket, "choose SVR evidence")
    attachment = ticket.attachments.filter(pk=attachment.pk).first()
    if attachment is None:
        raise NotFound("No such file on this ticket.")
    if evidence and not attachment.is_public:
        raise ValidationFailed(
            f"{attachment.original_name} is internal; only files the client can "
            "see go into an SVR.",
            code="evidence_internal",
        )
    if attachment.is_evidence == evidence:
        return attachment

    attachment.is_evidence = evidence
    attachment.save(update_fields=["is_evidence"])
    audit.record(
        actor,
        "ticket.evidence_chosen" if evidence else "ticket.evidence_dropped",
        ticket,
        client=ticket.client,
        data={"attachment": attachment.pk, "name": attachment.original_name},
    )
    return attachment


def check_upload(upload) -> str:
    """The file's content type if it may be attached, else ValidationFailed."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationFailed(
            f"{upload.name} is larger than the {limit // (1024 * 1024)} MB limit.",
            code="attachment_too_large",
            fields={"file": ["Too large."]},
        )

    # Trust neither the browser's type nor the name alone: both must agree on an
    # allowed type.
    guessed, _ = mimetypes.guess_type(upload.name)
    declared = (getattr(upload, "content_type", "") or "").split(";")[0].strip()
    allowed = set(settings.ATTACHMENT_CONTENT_TYPES)
    # Browsers fall back to octet-stream for types they do not know; that is no
    # claim, so the name alone decides then.
    vague = {"", "application/octet-stream"}
    if guessed not in allowed or (declared not in vague and declared != guessed):
        raise ValidationFailed(
            f"{upload.name} is not an accepted file type.",
            code="attachment_type_not_allowed",
            fields={"file": ["Not an accepted file type."]},
        )
    return guessed


@transaction.atomic
def add_watcher(actor, ticket, contact) -> None:
    """Let another contact of the ticket's own client follow it."""
    locked = _lock(ticket, check_version=False)
    _require(actor, Action.COMMENT_PUBLIC, locked, "change who follows")
    if contact.client_id != locked.client_id or not contact.is_active:
        raise ValidationFailed(
            "Only an active contact of this ticket's client can follow it.",
            code="watcher_other_client",
            fields={"watcher": ["Choose a contact of this ticket's client."]},
        )

    locked.watchers.add(contact)
    audit.record(
        actor,
        "ticket.watcher_added",
        locked,
        client=locked.client,
        data={"contact": contact.pk},
    )
