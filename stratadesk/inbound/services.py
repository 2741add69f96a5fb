"""Routing received email into tickets: every message recorded, each handled once.

Who may write on a ticket by email: a reply names its ticket by a reply token, or
failing that by threading headers naming one of our notifications; either way the
comment is posted as the *sender*, and only when the sender's address is that of an
active contact of the ticket's own client whom the permission matrix lets reply on
it. A token passed on (a forwarded notification) therefore lets a colleague at the
same client answer in their own name, and never lets anyone else in: a message whose
token is unknown, or whose sender is not such a contact, is held for Operations.
The From header is taken as the provider delivered it; checking SPF and DKIM is the
mail provider's job (see the README's limitations).
"""

import logging
from dataclasses import replace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from stratadesk.clients.models import Contact
from stratadesk.core import audit, clock
from stratadesk.core.errors import (
    Conflict,
    DomainError,
    PermissionDenied,
    ValidationFailed,
)
from stratadesk.core.models import Channel
from stratadesk.inbound import addresses
from stratadesk.inbound.classify import classify
from stratadesk.inbound.models import (
    InboundMessage,
    MessageKind,
    OutboundMessage,
    Outcome,
)
from stratadesk.inbound.parsing import ParsedMessage, parse
from stratadesk.people.actors import Actor
from stratadesk.people.permissions import Action, can
from stratadesk.tickets import services as tickets
from stratadesk.tickets.services import MAX_BODY

logger = logging.getLogger(__name__)

INTAKE = replace(Actor.system("email intake"), channel=Channel.EMAIL)


def receive(raw: bytes, *, source: str, recipients=()) -> InboundMessage:
    """Record and route one raw RFC 5322 message, in one transaction.

    `recipients` adds envelope addresses a provider reports beside the headers. A
    message whose id was seen before changes nothing and returns the first record.
    """
    parsed = parse(raw)

    with transaction.atomic():
        record, first_time = _claim(parsed, source)
        if not first_time:
            logger.info(
                "inbound message already received",
                extra={"inbound_id": record.pk, "source": source},
            )
            return record

        kind, reason = classify(parsed)
        if kind:
            _finish(record, kind=kind, outcome=Outcome.IGNORED, reason=reason)
            return record

        _route(record, parsed, raw, (*parsed.recipients, *recipients))
    return record


def _claim(parsed: ParsedMessage, source: str) -> tuple[InboundMessage, bool]:
    # The unique message id is the claim: a second delivery racing this one waits
    # on the index, then finds the row and stops.
    try:
        with transaction.atomic():
            record = InboundMessage.objects.create(
                message_id=parsed.message_id,
                source=source[:40],
                sender=parsed.sender[:254],
                sender_name=parsed.sender_name,
                subject=parsed.subject[:255],
                kind=MessageKind.NEW,
                outcome=Outcome.IGNORED,
            )
    except IntegrityError:
        return InboundMessage.objects.get(message_id=parsed.message_id), False
    return record, True


def _route(record, parsed, raw, recipients) -> None:
    tokens = [t for t in map(addresses.token_in, recipients) if t]
    ticket, token = _ticket_for(parsed, tokens)
    if tokens and ticket is None:
        _hold(record, raw, kind=MessageKind.REPLY, reason="unknown reply token")
        return

    if ticket is not None:
        _reply(record, parsed, raw, ticket)
        if token is not None and record.outcome == Outcome.COMMENTED:
            addresses.touch(token)
        return
    _new_request(record, parsed, raw)


def _ticket_for(parsed, tokens):
    """The ticket a reply is about, and the token that named it, if any."""
    for value in tokens:
        token = addresses.find_token(value)
        if token is not None:
            return token.ticket, token
    if tokens:
        return None, None

    ids = [*parsed.in_reply_to, *parsed.references]
    sent = (
        OutboundMessage.objects.select_related("ticket")
        .filter(message_id__in=ids)
        .order_by("-created_at", "-pk")
        .first()
        if ids
        else None
    )
    return (sent.ticket if sent else None), None


def _sender_contacts(address: str):
    return Contact.objects.select_related("client", "user").filter(
        email__iexact=address, is_active=True, client__is_active=True
    )


def _reply(record, parsed, raw, ticket) -> None:
    contact = _sender_contacts(parsed.sender).filter(client_id=ticket.client_id).first()
    if contact is None:
        # The ticket it answers is kept, so that accepting it can post the reply.
        _hold(
            record,
            raw,
            kind=MessageKind.REPLY,
            reason="sender is not a contact",
            ticket=ticket,
        )
        return
    actor = Actor.for_contact(contact)
    if not can(actor.who, Action.COMMENT_PUBLIC, ticket):
        _hold(
            record,
            raw,
            kind=MessageKind.REPLY,
            reason="sender may not reply on it",
            ticket=ticket,
        )
        return

    # Only quoted history with a file attached is the file, not the quote again;
    # with nothing new at all, the whole text is kept rather than lost.
    new_text = parsed.new_text.strip()
    body = _body(new_text if new_text or parsed.attachments else parsed.text, parsed)
    if not body:
        _finish(record, kind=MessageKind.REPLY, outcome=Outcome.IGNORED, reason="empty")
        return
    try:
        comment = tickets.add_comment(actor, ticket, body)
    except DomainError as exc:
        _hold(record, raw, kind=MessageKind.REPLY, reason=exc.message)
        return

    # On a Closed ticket the comment opened a follow-up; its files go there too.
    refused = _attach(actor, comment.ticket, parsed, record)
    _finish(
        record,
        kind=MessageKind.REPLY,
        outcome=Outcome.COMMENTED,
        reason=refused,
        contact=contact,
        ticket=comment.ticket,
        comment=comment,
    )


def _new_request(record, parsed, raw) -> None:
    contacts = list(_sender_contacts(parsed.sender)[:2]) if parsed.sender else []
    if not contacts:
        _hold(record, raw, kind=MessageKind.NEW, reason="unknown sender")
        return
    if len(contacts) > 1:
        _hold(record, raw, kind=MessageKind.NEW, reason="sender at several clients")
        return

    contact = contacts[0]
    actor = Actor.for_contact(contact)
    try:
        ticket = _raise(actor, parsed, contact)
    except DomainError as exc:
        _hold(record, raw, kind=MessageKind.NEW, reason=exc.message)
        return

    refused = _attach(actor, ticket, parsed, record)
    _finish(
        record,
        kind=MessageKind.NEW,
        outcome=Outcome.RAISED,
        reason=refused,
        contact=contact,
        ticket=ticket,
    )


def _raise(actor, parsed, contact):
    # A new request keeps everything it says, forwarded history included: the
    # chain a client forwards is usually the request itself.
    return tickets.create_ticket(
        actor,
        client=contact.client,
        title=(parsed.subject or f"Email from {contact.name}")[:200],
        description=_body(parsed.text, parsed) or "(no text)",
        requester=contact,
    )


def _body(text: str, parsed) -> str:
    text = text.strip()
    if not text and parsed.attachments:
        count = len(parsed.attachments)
        text = f"(Sent {count} file{'s' if count > 1 else ''} by email.)"
    if len(text) > MAX_BODY:
        # Comments have a length limit; the rest would not be read in a comment.
        marker = "\n\n[Cut at the comment length limit.]"
        text = text[: MAX_BODY - len(marker)] + marker
    return text


def _attach(actor, ticket, parsed, record) -> str:
    """Add the message's files; return what was refused, for the record."""
    refused = []
    for item in parsed.attachments:
        upload = SimpleUploadedFile(item.name, item.content, item.content_type)
        try:
            if not item.content:
                raise ValidationFailed("The file is empty.", code="attachment_empty")
            tickets.add_attachment(actor, ticket, upload)
        except DomainError as exc:
            refused.append(f"{item.name} ({exc.code})")
            logger.warning(
                "inbound attachment refused",
                extra={
                    "inbound_id": record.pk,
                    "ticket_id": ticket.pk,
                    "code": exc.code,
                    "content_type": item.content_type,
                },
            )
    return ("refused: " + ", ".join(refused))[:200] if refused else ""


def _hold(record, raw, *, kind, reason, **links) -> None:
    record.raw = raw
    _finish(record, kind=kind, outcome=Outcome.HELD, reason=reason, **links)
    audit.record(
        INTAKE, "inbound.held", record, data={"kind": kind, "reason": record.reason}
    )


def _finish(record, *, kind, outcome, reason="", **links) -> None:
    record.kind = kind
    record.outcome = outcome
    record.reason = (reason or "")[:200]
    for name, value in links.items():
        setattr(record, name, value)
    record.save()

    level = logging.INFO if outcome != Outcome.HELD else logging.WARNING
    logger.log(
        level,
        "inbound message %s",
        outcome,
        extra={
            "inbound_id": record.pk,
            "source": record.source,
            "message_kind": kind,
            "outcome": outcome,
            "reason": record.reason,
            "ticket_id": record.ticket_id,
            "contact_id": record.contact_id,
        },
    )


# Operations decide on held messages -----------------------------------------------


def held_messages(user):
    """Messages waiting for a decision, for those who may make it."""
    if not can(user, Action.MANAGE_INBOUND):
        return InboundMessage.objects.none()
    return InboundMessage.objects.filter(outcome=Outcome.HELD).defer("raw")


def _lock_held(actor, message) -> InboundMessage:
    if not can(actor.who, Action.MANAGE_INBOUND):
        raise PermissionDenied("Only Operations and Admins decide on held email.")
    locked = InboundMessage.objects.select_for_update().get(pk=message.pk)
    if locked.outcome != Outcome.HELD:
        raise Conflict(
            "This message was already decided on.", code="inbound_already_decided"
        )
    return locked


@transaction.atomic
def accept_held(actor, message, *, client, contact, title: str = ""):
    """File a held message for `client` with `contact` as its author.

    A held reply to one of the client's tickets is posted on that ticket as the
    contact's reply (the person deciding vouches for who wrote it); anything else
    raises a new ticket with the contact as requester. Returns the ticket.
    """
    locked = _lock_held(actor, message)
    if contact.client_id != client.pk or not contact.is_active:
        raise ValidationFailed(
            "The requester must be an active contact of the chosen client.",
            fields={"contact": ["Choose an active contact of this client."]},
        )

    parsed = parse(bytes(locked.raw))
    answered = locked.ticket if locked.kind == MessageKind.REPLY else None
    if answered is not None and answered.client_id == client.pk:
        return _accept_reply(actor, locked, parsed, answered, contact)

    # The ticket came by email, whoever let it in.
    by_email = replace(actor, channel=Channel.EMAIL)
    ticket = tickets.create_ticket(
        by_email,
        client=client,
        title=(title or parsed.subject or f"Email from {contact.name}")[:200],
        description=_body(parsed.text, parsed) or "(no text)",
        requester=contact,
    )
    refused = _attach(by_email, ticket, parsed, locked)

    _decide(actor, locked, Outcome.ACCEPTED, ticket=ticket, contact=contact)
    locked.reason = (refused or locked.reason)[:200]
    locked.save(update_fields=["reason"])
    return ticket


def _accept_reply(actor, locked, parsed, ticket, contact):
    """Post a held reply on the ticket it answers, in `contact`'s name."""
    author = Actor.for_contact(contact)
    new_text = parsed.new_text.strip()
    body = _body(new_text if new_text or parsed.attachments else parsed.text, parsed)
    comment = tickets.add_comment(author, ticket, body or "(no text)")
    # On a Closed ticket the reply opened a follow-up; its files go there too.
    refused = _attach(author, comment.ticket, parsed, locked)

    _decide(
        actor,
        locked,
        Outcome.ACCEPTED,
        ticket=comment.ticket,
        contact=contact,
        comment=comment,
    )
    locked.reason = (refused or locked.reason)[:200]
    locked.save(update_fields=["reason"])
    return comment.ticket


@transaction.atomic
def discard_held(actor, message, *, reason: str = "") -> InboundMessage:
    locked = _lock_held(actor, message)
    _decide(actor, locked, Outcome.DISCARDED, reason=reason)
    return locked


def _decide(actor, locked, outcome, *, reason="", **links) -> None:
    held_for = locked.reason
    locked.outcome = outcome
    locked.decided_by = actor.user
    locked.decided_at = clock.now()
    # What was kept to decide on goes with the decision.
    locked.raw = b""
    for name, value in links.items():
        setattr(locked, name, value)
    locked.save()
    audit.record(
        actor,
        f"inbound.{outcome}",
        locked,
        client=getattr(links.get("ticket"), "client", None),
        reason=reason,
        data={"held_for": held_for, "ticket": getattr(links.get("ticket"), "pk", None)},
    )
    logger.info(
        "held inbound message %s",
        outcome,
        extra={
            "inbound_id": locked.pk,
            "outcome": outcome,
            "ticket_id": locked.ticket_id,
        },
    )
