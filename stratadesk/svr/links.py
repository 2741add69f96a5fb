"""Decision links: how an approver without a portal login decides an SVR by email.

Each SVR email (issue and reminder) to an approver contact without an active portal
login carries a link with a random token of its own, minted as the email is sent.
Only the token's SHA-256 is stored, as for reply tokens (inbound.addresses), and the
outbox keeps the email with a placeholder, so nothing stored opens a report. A link
is bound to one SVR version and one contact, and works only while all of these hold:

- the version is still pending and its ticket in SVR Pending (not decided, not
  replaced by a new version, not closed by override or auto-approval);
- the contact is still awaited on it (active, and has not signed);
- the link has not been used, and SVR_LINK_DAYS have not passed since it was sent.

Approvers with a portal login keep their portal link instead: signing in there is
protected by their password and the lockout, which a link in a mailbox is not.
"""

import hashlib
import logging
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from stratadesk.core import clock
from stratadesk.core.errors import NotFound
from stratadesk.core.models import Channel
from stratadesk.people.actors import Actor
from stratadesk.svr.models import (
    ServiceVerificationReport,
    SvrDecisionLink,
    SvrStatus,
)

logger = logging.getLogger(__name__)

# 256 random bits; token_urlsafe gives 43 characters of the URL-safe alphabet.
TOKEN_BYTES = 32
_TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")

DECISIONS = ("approve_svr", "reject_svr")
# Where the token goes in an email as composed and kept; see email_context.
PLACEHOLDER = "decision-link-token"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def has_portal_login(contact) -> bool:
    return contact.user_id is not None and contact.user.is_active


def mint(svr, contact) -> str:
    """A new link token for `contact` on `svr`; only its digest is kept.

    Call it inside the transaction that queues the email carrying it.
    """
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = clock.now()
    SvrDecisionLink.objects.create(
        digest=digest(token),
        svr=svr,
        contact=contact,
        created_at=now,
        expires_at=now + timedelta(days=settings.SVR_LINK_DAYS),
    )
    return token


def url_for(token: str) -> str:
    return settings.SITE_URL + reverse("svr_link:page", args=[token])


def email_context(svr):
    """For notify(personal=...): a link placeholder for each approver who needs one.

    The email is kept in the outbox as composed, so it carries the placeholder, not
    a token: fill_in() mints the token as the email is sent, and it then exists only
    in the message that went (an Admin reading the outbox sees no working link).
    """
    from stratadesk.svr.services import awaited_approvers

    def personal(recipient) -> dict:
        contact = recipient.contact
        if contact is None or has_portal_login(contact):
            return {}
        if not awaited_approvers(svr).filter(pk=contact.pk).exists():
            return {}
        return {
            "decision_url": url_for(PLACEHOLDER),
            "link_days": settings.SVR_LINK_DAYS,
        }

    return personal


def fill_in(delivery) -> tuple[str, str]:
    """The delivery's text and HTML with a freshly minted link for its placeholder.

    Only an SVR email to one of that SVR's approvers is filled in; a retried send
    mints another link, and the one before it, never delivered, simply expires.
    """
    text, html = delivery.body_text, delivery.body_html
    if delivery.attach_svr is None or delivery.contact_id is None:
        return text, html
    if PLACEHOLDER not in text and PLACEHOLDER not in html:
        return text, html
    svr = ServiceVerificationReport.objects.filter(
        pk=delivery.attach_svr, approvers=delivery.contact_id
    ).first()
    if svr is None:
        return text, html
    token = mint(svr, delivery.contact)
    return text.replace(PLACEHOLDER, token), html.replace(PLACEHOLDER, token)


def find_live(token: str) -> SvrDecisionLink | None:
    """The link `token` names if it still works, else None, whatever the reason."""
    if not _TOKEN_PATTERN.match(token or ""):
        return None
    link = (
        SvrDecisionLink.objects.select_related(
            "svr__ticket__client", "contact__client", "contact__user"
        )
        .filter(digest=digest(token))
        .first()
    )
    return link if link is not None and is_live(link) else None


def is_live(link) -> bool:
    from stratadesk.svr.services import awaited_approvers

    svr, contact = link.svr, link.contact
    return (
        link.used_at is None
        and link.expires_at > clock.now()
        and svr.status == SvrStatus.PENDING
        and svr.ticket.stage == "svr_pending"
        and svr.ticket.client.is_active
        and contact.client_id == svr.ticket.client_id
        and awaited_approvers(svr).filter(pk=contact.pk).exists()
    )


def purge_expired() -> int:
    """Delete links past their expiry: they can open nothing, ever again."""
    deleted, _ = SvrDecisionLink.objects.filter(expires_at__lte=clock.now()).delete()
    return deleted


def decide(
    link, name, values, *, ticket_version, ip=None, user_agent="", request_id=""
):
    """Take the approver's move `name` through the lifecycle, as the portal does.

    The same service, gate and audit as a portal decision; the actor is the contact
    on the email channel. The ticket's row is locked and the link checked again
    under it first, so a link of a version replaced a moment ago decides nothing.
    Raises NotFound for a link that stopped working, or the move's DomainError.
    """
    # Imported here: the lifecycle's services issue SVRs, which mint links.
    from stratadesk.tickets import services as tickets
    from stratadesk.tickets.models import Ticket

    if name not in DECISIONS:
        raise NotFound("No such decision.")
    with transaction.atomic():
        Ticket.objects.select_for_update(of=("self",)).filter(
            pk=link.svr.ticket_id
        ).first()
        fresh = SvrDecisionLink.objects.select_related(
            "svr__ticket__client", "contact__client", "contact__user"
        ).get(pk=link.pk)
        if not is_live(fresh):
            raise NotFound("No such link.")

        ticket = fresh.svr.ticket
        ticket.version = ticket_version
        actor = Actor.for_contact(fresh.contact, Channel.EMAIL, request_id)
        moved = tickets.transition(
            actor, ticket, name, values, ip=ip, user_agent=user_agent
        )
        SvrDecisionLink.objects.filter(pk=fresh.pk).update(used_at=clock.now())
    logger.info(
        "svr decided by link",
        extra={"svr_id": fresh.svr_id, "contact_id": fresh.contact_id, "move": name},
    )
    return moved
