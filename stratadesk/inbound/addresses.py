"""Reply addresses and message ids: what outbound mail carries so replies find home.

A notification about a ticket goes out From the support address with
Reply-To support+<token>@domain, a Message-ID of ours, and the loop header. A reply
then names its ticket by the token in the address it was sent to, or failing that by
In-Reply-To/References naming one of our message ids (stored as OutboundMessage).
"""

import base64
import hashlib
import re
import secrets

from django.conf import settings

from stratadesk.core import clock
from stratadesk.inbound.models import OutboundMessage, ReplyToken

# Every message Stratadesk sends carries this header; mail that comes back with it is
# our own, looping, and is never processed.
LOOP_HEADER = "X-Stratadesk-Loop"

# 160 random bits, base32 in lower case: some mail systems fold the case of the
# local part, which would break a mixed-case token such as token_urlsafe's.
_TOKEN_BYTES = 20
_TOKEN_PATTERN = re.compile(r"^[a-z2-7]{32}$")


def support_address() -> str:
    return settings.INBOUND_ADDRESS


def _split(address: str) -> tuple[str, str]:
    local, _, domain = address.rpartition("@")
    return local, domain


def digest(token: str) -> str:
    return hashlib.sha256(token.lower().encode("ascii")).hexdigest()


def new_token() -> str:
    raw = secrets.token_bytes(_TOKEN_BYTES)
    return base64.b32encode(raw).decode("ascii").rstrip("=").lower()


def reply_address(ticket, contact) -> str:
    """A fresh reply address for `contact` about `ticket`: support+<token>@domain.

    Each call mints a new token (only its digest is stored), so call it once per
    message composed, inside the transaction that queues the message.
    """
    token = new_token()
    ReplyToken.objects.create(digest=digest(token), ticket=ticket, contact=contact)
    return format_reply_address(token)


def format_reply_address(token: str) -> str:
    local, domain = _split(support_address())
    return f"{local}+{token}@{domain}"


def token_in(address: str) -> str | None:
    """The reply token in `address` if it is a subaddress of ours, else None."""
    local, domain = _split((address or "").strip().lower())
    base_local, base_domain = _split(support_address())
    prefix = f"{base_local}+"
    if domain != base_domain or not local.startswith(prefix):
        return None
    token = local[len(prefix) :]
    return token if _TOKEN_PATTERN.match(token) else None


def is_ours(address: str) -> bool:
    """Is `address` the support address or one of its reply subaddresses?"""
    address = (address or "").strip().lower()
    local, domain = _split(address)
    base_local, base_domain = _split(support_address())
    return domain == base_domain and (
        local == base_local or local.startswith(f"{base_local}+")
    )


def find_token(token: str) -> ReplyToken | None:
    return (
        ReplyToken.objects.select_related("ticket", "contact", "contact__client")
        .filter(digest=digest(token))
        .first()
    )


def new_message_id(ticket) -> str:
    """A Message-ID for one notification about `ticket`: <ticket-42.<random>@domain>.

    The random part keeps it unguessable, so naming it in In-Reply-To shows that
    the sender saw the notification.
    """
    _, domain = _split(support_address())
    return f"<ticket-{ticket.number}.{secrets.token_hex(12)}@{domain}>"


def thread_id(ticket) -> str:
    """The ticket's thread root, named in References so mail clients group it.

    It is guessable, so it is never stored and never matches a reply by itself.
    """
    _, domain = _split(support_address())
    return f"<ticket-{ticket.number}@{domain}>"


def record_outbound(message_id: str, ticket, contact=None) -> OutboundMessage:
    return OutboundMessage.objects.create(
        message_id=message_id.strip(), ticket=ticket, contact=contact
    )


def outbound_headers(ticket, contact=None) -> dict[str, str]:
    """Headers for one notification about `ticket` to `contact`, recorded.

    Gives Message-ID, In-Reply-To and References (the ticket's thread), the loop
    header and Auto-Submitted (RFC 3834), which asks auto-responders not to answer;
    for a client contact also Reply-To with a fresh reply token. Staff recipients
    (`contact` None) get no token: their replies are not taken by email.
    """
    message_id = new_message_id(ticket)
    record_outbound(message_id, ticket, contact)
    headers = {
        "Message-ID": message_id,
        "In-Reply-To": thread_id(ticket),
        "References": thread_id(ticket),
        LOOP_HEADER: f"{ticket.number}",
        "Auto-Submitted": "auto-generated",
    }
    if contact is not None:
        headers["Reply-To"] = reply_address(ticket, contact)
    return headers


def touch(token: ReplyToken) -> None:
    ReplyToken.objects.filter(pk=token.pk).update(last_used_at=clock.now())
