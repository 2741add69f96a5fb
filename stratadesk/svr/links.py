"""Decision links: how an approver without a portal login decides an SVR by email.

Each SVR email (issue and reminder) to an approver contact without an active portal
login carries a link with a random token of its own. Only the token's SHA-256 is
stored, as for reply tokens (inbound.addresses), so the table cannot be turned back
into working links. A link is bound to one SVR version and one contact, and works
only while all of these hold:

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
from stratadesk.svr.models import SvrDecisionLink, SvrStatus

logger = logging.getLogger(__name__)

# 256 random bits; token_urlsafe gives 43 characters of the URL-safe alphabet.
TOKEN_BYTES = 32
_TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")

DECISIONS = ("approve_svr", "reject_svr")


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
    """For notify(personal=...): a fresh link for each approver who needs one.

    Called once for each email actually queued, so a link exists only in an email.
    """
    from stratadesk.svr.services import awaited_approvers

    def personal(recipient) -> dict:
        contact = recipient.contact
        if contact is None or has_portal_login(contact):
            return {}
        if not awaited_approvers(svr).filter(pk=contact.pk).exists():
            return {}
        return {
            "decision_url": url_for(mint(svr, contact)),
            "link_days": settings.SVR_LINK_DAYS,
        }

    return personal


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
