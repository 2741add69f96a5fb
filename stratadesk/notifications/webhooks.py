"""Outbound webhooks: registering endpoints, queueing events and delivering them.

Messages follow Standard Webhooks: a JSON body signed with the endpoint's secret in the
webhook-id, webhook-timestamp and webhook-signature headers. Events are queued in the
transaction of the change they report, so a change that rolls back sends nothing.

Delivery runs in the background worker, one attempt per task. A 2xx answer delivers
the message; a timeout, a connection error, a 5xx or a 429 is retried on the schedule
below for more than a day; anything else, or retries running out, is the dead letter:
the delivery is marked failed, audited, and the endpoint's owner is emailed. An Admin
may replay any finished delivery.

Deliveries about one ticket reach an endpoint in the order they were queued: one is
not tried while an earlier one for the same endpoint and ticket is pending, and each
delivery, when it finishes, hands on to the next.
"""

import base64
import ipaddress
import json
import logging
import secrets
import socket
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Max
from standardwebhooks import Webhook

from stratadesk.core import audit, clock
from stratadesk.core.errors import Conflict, PermissionDenied, ValidationFailed
from stratadesk.notifications.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from stratadesk.notifications.services import is_suppressed, queue_email
from stratadesk.notifications.tasks import deliver_webhook
from stratadesk.people.actors import Actor
from stratadesk.people.permissions import Action, can

logger = logging.getLogger(__name__)

# Waits before each retry, as data. With every wait 20 % early, the retries still
# span more than 25 hours, so a receiver that is down for a day misses nothing.
RETRY_DELAYS = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=14),
)
JITTER = 0.2
# Answers worth trying again; any other non-2xx answer will not change by retrying.
RETRY_STATUSES = {429}

USER_AGENT = "Stratadesk-Webhooks/1.0"
EXCERPT_CHARS = 500
SECRET_BYTES = 32

SUCCEEDED = "succeeded"
RETRY = "retry"
REJECTED = "rejected"
REFUSED = "refused"

_SYSTEM = Actor.system("webhooks")
_random = secrets.SystemRandom()


class TargetRefused(Exception):
    """The URL's host resolves to an address webhooks may not be sent to."""


class UnresolvableHost(Exception):
    """The URL's host name has no address."""


# Payloads -----------------------------------------------------------------------------


def ticket_data(ticket) -> dict:
    """The ticket as its client sees it: no internal notes, costs or staff fields."""
    return {
        "id": ticket.number,
        "reference": ticket.reference,
        "title": ticket.title,
        "stage": ticket.stage,
        "priority": ticket.priority,
        "category": ticket.category.name if ticket.category_id else None,
        "external_ref": ticket.external_ref,  # "" when none, as the API has it
        "requester": ticket.requester.email,
        "created_at": _iso(ticket.created_at),
        "updated_at": _iso(ticket.updated_at),
        "stage_changed_at": _iso(ticket.stage_changed_at),
        "url": _ticket_url(ticket),
    }


def comment_data(comment) -> dict:
    """A public comment. Callers must never pass an internal note."""
    return {
        "id": comment.pk,
        "body": comment.body,
        "author": comment.author_label,
        "created_at": _iso(comment.created_at),
    }


def svr_data(svr) -> dict:
    """An SVR's decision facts, with the ticket it verifies by reference only.

    The ticket's stage is about to change when these events are queued, so it is left
    out; the ticket.stage_changed event that follows carries it.
    """
    ticket = svr.ticket
    return {
        "svr": {
            "version": svr.version,
            "status": svr.status,
            "work_summary": svr.work_summary,
            "issued_at": _iso(svr.issued_at),
            "decided_at": _iso(svr.decided_at),
            "reason": svr.decision_reason,
        },
        "ticket": {
            "id": ticket.number,
            "reference": ticket.reference,
            "title": ticket.title,
            "url": _ticket_url(ticket),
        },
    }


def invoice_data(invoice) -> dict:
    """An issued invoice's facts: what the client owes, by when, and its document."""
    site = settings.SITE_URL.rstrip("/")
    return {
        "invoice": {
            "id": invoice.pk,
            "number": invoice.reference_number,
            "status": invoice.status,
            "tax_invoice": invoice.tax_invoice,
            "issue_date": invoice.issue_date.isoformat(),
            "due_date": invoice.due_date.isoformat(),
            "net_total": str(invoice.net_total),
            "gst_total": str(invoice.gst_total),
            "total": str(invoice.total),
            "pdf_url": f"{site}/portal/invoices/{invoice.pk}/pdf/",
        }
    }


def adjustment_note_data(note) -> dict:
    """An issued note's facts: the credit, its GST, its reason and its invoice."""
    site = settings.SITE_URL.rstrip("/")
    invoice = note.invoice
    return {
        "adjustment_note": {
            "id": note.pk,
            "number": note.reference_number,
            "date": note.date.isoformat(),
            "reason": note.reason,
            "net_total": str(note.net_total),
            "gst_total": str(note.gst_total),
            "total": str(note.total),
            "pdf_url": f"{site}/portal/invoices/notes/{note.pk}/pdf/",
        },
        "invoice": {
            "id": invoice.pk,
            "number": invoice.reference_number,
            "issue_date": invoice.issue_date.isoformat(),
            "status": invoice.status,
        },
    }


def _ticket_url(ticket) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/api/v1/tickets/{ticket.number}"


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment is not None else None


# Queueing -----------------------------------------------------------------------------


def queue_event(
    event_type, *, client, data: dict, ticket=None
) -> list[WebhookDelivery]:
    """Queue `event_type` for every active endpoint of `client` that wants it.

    Call it inside the transaction of the change it reports: the deliveries and their
    tasks are written there, so they exist exactly when the change does. Inside
    notifications.services.suppressed() it queues nothing.
    """
    if event_type not in WebhookEvent.values:
        raise ValueError(f"{event_type!r} is not a webhook event")
    if is_suppressed():
        return []
    endpoints = [
        endpoint
        for endpoint in client.webhook_endpoints.filter(is_active=True)
        if endpoint.wants(event_type)
    ]
    if not endpoints:
        return []

    now = clock.now()
    payload = {
        "type": str(event_type),
        "timestamp": _iso(now),
        # Through JSON once, so dates and decimals are stored as they will be sent.
        "data": json.loads(json.dumps(data, cls=DjangoJSONEncoder)),
    }
    deliveries = []
    with transaction.atomic():
        for endpoint in endpoints:
            delivery = WebhookDelivery.objects.create(
                endpoint=endpoint,
                event_type=event_type,
                message_id=f"msg_{uuid.uuid4().hex}",
                payload=payload,
                ticket=ticket,
                next_attempt_at=now,
                created_at=now,
            )
            # Queued even when an earlier delivery for the ticket is pending: the
            # task then waits for it, a check made under the endpoint's lock.
            deliver_webhook.enqueue(delivery_id=delivery.pk)
            deliveries.append(delivery)

    logger.info(
        "webhook event queued",
        extra={
            "event_type": str(event_type),
            "client_id": client.pk,
            "ticket_id": getattr(ticket, "pk", None),
            "deliveries": len(deliveries),
        },
    )
    return deliveries


# Managing endpoints ---------------------------------------------------------------


def _may_manage(actor, client) -> bool:
    if actor.is_system:
        return True
    if actor.user is not None:
        return can(actor.user, Action.CONFIGURE)
    # No person: a client's own system calling with an API key, for its own
    # organisation only. The API checks the key's scope before calling.
    return actor.is_client and actor.client_id == client.pk


def _require_manage(actor, client) -> None:
    if not _may_manage(actor, client):
        raise PermissionDenied(f"You may not manage webhooks for {client.name}.")


def new_secret() -> str:
    """A Standard Webhooks secret: "whsec_" and base64 of random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


@transaction.atomic
def create_endpoint(actor, client, *, url, events, description="") -> WebhookEndpoint:
    """Register a URL of `client`'s to receive `events`, with a new signing secret."""
    _require_manage(actor, client)
    cleaned = _clean_fields(url=url, events=events, description=description)

    now = clock.now()
    endpoint = WebhookEndpoint.objects.create(
        client=client,
        secret=new_secret(),
        created_by=actor.user,
        created_at=now,
        updated_at=now,
        **cleaned,
    )
    audit.record(
        actor,
        "webhook.endpoint_created",
        endpoint,
        client=client,
        data={"url": endpoint.url, "events": endpoint.events},
    )
    logger.info(
        "webhook endpoint created",
        extra={"endpoint_id": endpoint.pk, "client_id": client.pk},
    )
    return endpoint


@transaction.atomic
def update_endpoint(
    actor, endpoint, *, url=None, events=None, description=None, is_active=None
) -> WebhookEndpoint:
    """Change what is given; None leaves a field as it is."""
    locked = _lock_endpoint(endpoint.pk)
    _require_manage(actor, locked.client)
    wanted = {"url": url, "events": events, "description": description}
    cleaned = _clean_fields(**{k: v for k, v in wanted.items() if v is not None})
    if is_active is not None:
        cleaned["is_active"] = bool(is_active)

    changes = {
        name: [getattr(locked, name), value]
        for name, value in cleaned.items()
        if getattr(locked, name) != value
    }
    if not changes:
        return locked
    for name, (_, value) in changes.items():
        setattr(locked, name, value)
    if "is_active" in changes:
        locked.disabled_reason = (
            "" if locked.is_active else f"Deactivated by {actor.label}."[:300]
        )
    locked.updated_at = clock.now()
    locked.save()

    audit.record(
        actor, "webhook.endpoint_updated", locked, client=locked.client, data=changes
    )
    return locked


@transaction.atomic
def rotate_secret(actor, endpoint) -> WebhookEndpoint:
    """Replace the signing secret; messages from now on are signed with the new one."""
    locked = _lock_endpoint(endpoint.pk)
    _require_manage(actor, locked.client)

    locked.secret = new_secret()
    locked.updated_at = clock.now()
    locked.save(update_fields=["secret", "updated_at"])
    # The secret itself stays out of the audit trail.
    audit.record(actor, "webhook.secret_rotated", locked, client=locked.client)
    return locked


@transaction.atomic
def delete_endpoint(actor, endpoint) -> None:
    """Delete the endpoint with its deliveries and their attempts.

    Its history goes with it; the audit trail keeps that it existed and who deleted
    it. To stop deliveries but keep the history, deactivate it instead.
    """
    locked = _lock_endpoint(endpoint.pk)
    _require_manage(actor, locked.client)

    audit.record(
        actor,
        "webhook.endpoint_deleted",
        locked,
        client=locked.client,
        data={
            "url": locked.url,
            "events": locked.events,
            "deliveries": locked.deliveries.count(),
        },
    )
    locked.delete()


@transaction.atomic
def replay_delivery(actor, delivery) -> WebhookDelivery:
    """Send a finished delivery again: same message id and payload, fresh retries."""
    endpoint = _lock_endpoint(delivery.endpoint_id)
    _require_manage(actor, endpoint.client)
    locked = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    if locked.status == DeliveryStatus.PENDING:
        raise Conflict(
            f"{locked.message_id} is still being delivered; replay it once it has "
            "finished.",
            code="delivery_pending",
        )
    if not endpoint.is_active:
        raise ValidationFailed(
            "This endpoint is deactivated; activate it before replaying.",
            code="endpoint_inactive",
        )

    now = clock.now()
    locked.status = DeliveryStatus.PENDING
    locked.attempt_count = 0
    locked.next_attempt_at = now
    locked.sending_since = None
    locked.finished_at = None
    locked.replay_count += 1
    locked.save()
    audit.record(
        actor,
        "webhook.delivery_replayed",
        locked,
        client=endpoint.client,
        data={"message_id": locked.message_id, "endpoint": endpoint.pk},
    )
    deliver_webhook.enqueue(delivery_id=locked.pk)
    return locked


def _lock_endpoint(pk) -> WebhookEndpoint:
    """The endpoint's row, locked until the transaction ends.

    Every change to an endpoint's deliveries takes this lock first, so deciding which
    delivery of a ticket goes next never races with one finishing.
    """
    return (
        WebhookEndpoint.objects.select_for_update(of=("self",))
        .select_related("client", "created_by")
        .get(pk=pk)
    )


# Validating ---------------------------------------------------------------------------


def _clean_fields(**given) -> dict:
    cleaners = {"url": _clean_url, "events": _clean_events, "description": _clean_text}
    cleaned, errors = {}, {}
    for name, value in given.items():
        try:
            cleaned[name] = cleaners[name](value)
        except ValueError as exc:
            errors[name] = [str(exc)]
    if errors:
        raise ValidationFailed(
            "The webhook endpoint could not be saved.", fields=errors
        )
    return cleaned


def _clean_url(value) -> str:
    url = str(value or "").strip()
    if not url:
        raise ValueError("A URL is required.")
    if len(url) > 500:
        raise ValueError("A URL has at most 500 characters.")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("Give an http:// or https:// URL with a host name.")
    try:
        port = parts.port or _default_port(parts.scheme)
        httpx.URL(url)
    except (ValueError, httpx.InvalidURL):
        raise ValueError("This is not a valid URL.") from None

    if not settings.WEBHOOK_ALLOW_PRIVATE_TARGETS:
        try:
            public_addresses(parts.hostname, port)
        except UnresolvableHost:
            raise ValueError(f"The host {parts.hostname} does not resolve.") from None
        except TargetRefused as exc:
            raise ValueError(str(exc)) from None
    return url


def _clean_events(value) -> list[str]:
    if isinstance(value, str) or not isinstance(value, list | tuple | set):
        raise ValueError("Give a list of event names.")
    if not all(isinstance(name, str) for name in value):
        raise ValueError("Event names are strings.")
    unknown = sorted(set(value) - set(WebhookEvent.values))
    if unknown:
        raise ValueError(
            f"Unknown events: {', '.join(unknown)}. "
            f"Choose from {', '.join(WebhookEvent.values)}."
        )
    if not value:
        raise ValueError("Choose at least one event.")
    return [name for name in WebhookEvent.values if name in set(value)]


def _clean_text(value) -> str:
    text = str(value or "").strip()
    if len(text) > 200:
        raise ValueError("A description has at most 200 characters.")
    return text


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


def public_addresses(host: str, port: int) -> list[str]:
    """Every address `host` resolves to, when all of them are public.

    Raises UnresolvableHost when it has none, and TargetRefused when any is loopback,
    private, link-local, multicast, reserved, unspecified or otherwise not global.
    """
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise UnresolvableHost(host) from None
    addresses = list(dict.fromkeys(info[4][0] for info in found))
    if not addresses:
        raise UnresolvableHost(host)
    for address in addresses:
        if not _is_public(address):
            raise TargetRefused(
                f"Webhooks go only to public addresses; {host} resolves to "
                f"{address}, which is not one."
            )
    return addresses


def _is_public(text: str) -> bool:
    # An IPv6 scope ("fe80::1%eth0") names an interface, not part of the address.
    address = ipaddress.ip_address(text.split("%")[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


# Delivering ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Claim:
    """What one attempt needs, read under the lock so the request needs no database."""

    delivery_id: int
    endpoint_id: int
    number: int
    url: str
    secret: str
    message_id: str
    payload: dict


@dataclass(frozen=True)
class _Outcome:
    verdict: str
    started_at: datetime
    duration_ms: int
    status_code: int | None = None
    error: str = ""
    excerpt: str = ""


def deliver(delivery_id: int) -> None:
    """Make one attempt at a delivery, if it is due and first in line for its ticket.

    Run by the deliver_webhook task, outside any transaction: the request is made
    between two short transactions, so no lock is held while a receiver is slow.
    """
    claim = _claim(delivery_id)
    if claim is None:
        return
    outcome = _attempt(claim)
    _record(claim, outcome)


def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt, with jitter."""
    base = RETRY_DELAYS[attempts - 1]
    return base * _random.uniform(1 - JITTER, 1 + JITTER)


def _sending_lease() -> timedelta:
    # Longer than any request can take (each phase has its own timeout), so a
    # delivery marked as sending is only taken over from a worker that died.
    return timedelta(seconds=4 * settings.WEBHOOK_TIMEOUT_SECONDS + 60)


def _claim(delivery_id) -> _Claim | None:
    with transaction.atomic():
        endpoint_id = (
            WebhookDelivery.objects.filter(pk=delivery_id)
            .values_list("endpoint_id", flat=True)
            .first()
        )
        if endpoint_id is None:
            return None
        endpoint = _lock_endpoint(endpoint_id)
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)

        now = clock.now()
        if not _is_due(delivery, now):
            return None
        if not endpoint.is_active:
            delivery.last_error = "The endpoint was deactivated before this was sent."
            _finish(delivery, DeliveryStatus.FAILED, now)
            return None
        if _waits_for_earlier(delivery):
            return None

        delivery.sending_since = now
        delivery.save(update_fields=["sending_since"])
        last = delivery.attempts.aggregate(last=Max("number"))["last"] or 0
        return _Claim(
            delivery_id=delivery.pk,
            endpoint_id=endpoint.pk,
            number=last + 1,
            url=endpoint.url,
            secret=endpoint.secret,
            message_id=delivery.message_id,
            payload=delivery.payload,
        )


def _is_due(delivery, now) -> bool:
    """Pending, not being sent by another worker, and not waiting for a retry time.

    A task may run for a delivery that is not due: a duplicate queued by an earlier
    delivery finishing, or one that was replayed or finished meanwhile.
    """
    if delivery.status != DeliveryStatus.PENDING:
        return False
    if delivery.sending_since and now - delivery.sending_since < _sending_lease():
        return False
    return delivery.next_attempt_at is None or delivery.next_attempt_at <= now


def _waits_for_earlier(delivery) -> bool:
    if delivery.ticket_id is None:
        return False
    return WebhookDelivery.objects.filter(
        endpoint_id=delivery.endpoint_id,
        ticket_id=delivery.ticket_id,
        status=DeliveryStatus.PENDING,
        pk__lt=delivery.pk,
    ).exists()


def _attempt(claim) -> _Outcome:
    started_at = clock.now()
    began = time.monotonic()
    status_code, error, excerpt = None, "", ""
    try:
        status_code, excerpt = _post(claim)
    except TargetRefused as exc:
        verdict, error = REFUSED, str(exc)
    except UnresolvableHost as exc:
        verdict, error = RETRY, f"Could not resolve {exc}."
    except httpx.TimeoutException as exc:
        verdict, error = RETRY, f"Timed out: {type(exc).__name__}."
    except httpx.HTTPError as exc:
        verdict, error = RETRY, f"{type(exc).__name__}: {exc}"
    except Exception as exc:
        # A fault of ours must not strand the delivery; it is retried like any other.
        logger.exception(
            "webhook attempt crashed", extra={"delivery_id": claim.delivery_id}
        )
        verdict, error = RETRY, f"Internal error: {type(exc).__name__}."
    else:
        verdict = _verdict(status_code)
        if verdict != SUCCEEDED:
            error = f"The receiver answered {status_code}."

    return _Outcome(
        verdict=verdict,
        started_at=started_at,
        duration_ms=round((time.monotonic() - began) * 1000),
        status_code=status_code,
        error=error[:2000],
        excerpt=excerpt,
    )


def _verdict(status_code: int) -> str:
    if 200 <= status_code < 300:
        return SUCCEEDED
    if status_code >= 500 or status_code in RETRY_STATUSES:
        return RETRY
    return REJECTED


def _post(claim) -> tuple[int, str]:
    body = json.dumps(claim.payload, separators=(",", ":"), ensure_ascii=False)
    sent_at = clock.now().astimezone(UTC)
    headers = {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": claim.message_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": Webhook(claim.secret).sign(
            claim.message_id, sent_at, body
        ),
    }
    target, extensions = _pinned_target(httpx.URL(claim.url), headers)
    with (
        httpx.Client(
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
            trust_env=False,
            follow_redirects=False,
        ) as client,
        client.stream(
            "POST",
            target,
            content=body.encode(),
            headers=headers,
            extensions=extensions,
        ) as response,
    ):
        return response.status_code, _excerpt(response)


def _pinned_target(url, headers) -> tuple[httpx.URL, dict]:
    """The URL to connect to, and the request extensions that go with it.

    Where private targets are refused, the host is resolved and checked here, and the
    request goes to the address just checked: letting the client look the name up
    again would let a DNS answer change between the check and the connection.
    """
    if settings.WEBHOOK_ALLOW_PRIVATE_TARGETS:
        return url, {}
    port = url.port or _default_port(url.scheme)
    address = public_addresses(url.host, port)[0]
    headers["host"] = url.netloc.decode("ascii")
    # TLS still names, and checks the certificate against, the real host.
    extensions = {"sni_hostname": url.host} if url.scheme == "https" else {}
    return url.copy_with(host=address), extensions


def _excerpt(response) -> str:
    # Read only the start: a receiver's answer is for people reading the log.
    wanted = EXCERPT_CHARS * 4
    data = b""
    for chunk in response.iter_bytes():
        data += chunk
        if len(data) >= wanted:
            break
    return data[:wanted].decode("utf-8", "replace")[:EXCERPT_CHARS]


def _record(claim, outcome) -> None:
    with transaction.atomic():
        try:
            endpoint = _lock_endpoint(claim.endpoint_id)
        except WebhookEndpoint.DoesNotExist:
            # Deleted, with its deliveries, while the request was out.
            logger.info(
                "webhook attempt %s: endpoint deleted meanwhile",
                claim.number,
                extra={
                    "delivery_id": claim.delivery_id,
                    "endpoint_id": claim.endpoint_id,
                },
            )
            return
        delivery = WebhookDelivery.objects.select_for_update().get(pk=claim.delivery_id)

        WebhookAttempt.objects.create(
            delivery=delivery,
            number=claim.number,
            started_at=outcome.started_at,
            duration_ms=outcome.duration_ms,
            status_code=outcome.status_code,
            error=outcome.error,
            response_excerpt=outcome.excerpt,
        )
        delivery.attempt_count += 1
        delivery.last_status_code = outcome.status_code
        delivery.last_error = outcome.error
        delivery.sending_since = None
        now = clock.now()

        retries_left = delivery.attempt_count <= len(RETRY_DELAYS)
        if outcome.verdict == SUCCEEDED:
            result = "delivered"
            _finish(delivery, DeliveryStatus.SUCCEEDED, now)
        elif outcome.verdict == RETRY and retries_left:
            result = "retry"
            delivery.next_attempt_at = now + retry_delay(delivery.attempt_count)
            delivery.save()
            deliver_webhook.using(run_after=delivery.next_attempt_at).enqueue(
                delivery_id=delivery.pk
            )
        else:
            result = "dead_letter"
            _finish(delivery, DeliveryStatus.FAILED, now)
            _dead_letter(delivery, endpoint, refused=outcome.verdict == REFUSED)

    _log_attempt(claim, endpoint, delivery, outcome, result)


def _finish(delivery, status, now) -> None:
    """Close the delivery and let the next one for its ticket go."""
    delivery.status = status
    delivery.finished_at = now
    delivery.next_attempt_at = None
    delivery.sending_since = None
    delivery.save()
    if delivery.ticket_id is None:
        return

    following = (
        WebhookDelivery.objects.filter(
            endpoint_id=delivery.endpoint_id,
            ticket_id=delivery.ticket_id,
            status=DeliveryStatus.PENDING,
        )
        .order_by("pk")
        .first()
    )
    if following is not None:
        # Not before its own retry time, if it had already been tried.
        due = max(now, following.next_attempt_at or now)
        deliver_webhook.using(run_after=due).enqueue(delivery_id=following.pk)


def _dead_letter(delivery, endpoint, *, refused: bool) -> None:
    audit.record(
        _SYSTEM,
        "webhook.delivery_failed",
        delivery,
        client=endpoint.client,
        reason=delivery.last_error,
        data={
            "endpoint": endpoint.pk,
            "message_id": delivery.message_id,
            "event_type": delivery.event_type,
            "attempts": delivery.attempt_count,
            "status_code": delivery.last_status_code,
        },
    )
    if refused and endpoint.is_active:
        # Its address will be refused every time; stop queueing to it.
        endpoint.is_active = False
        endpoint.disabled_reason = delivery.last_error[:300]
        endpoint.updated_at = clock.now()
        endpoint.save(update_fields=["is_active", "disabled_reason", "updated_at"])
        audit.record(
            _SYSTEM,
            "webhook.endpoint_disabled",
            endpoint,
            client=endpoint.client,
            reason=endpoint.disabled_reason,
        )
    queue_email(
        "webhook_dead_letter",
        [owner_email(endpoint)],
        endpoint=endpoint,
        delivery=delivery,
        client=endpoint.client,
    )


def owner_email(endpoint) -> str:
    """Who hears of a dead letter: who registered the endpoint, else the MSP desk."""
    owner = endpoint.created_by
    if owner is not None and owner.email:
        return owner.email
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def _log_attempt(claim, endpoint, delivery, outcome, result) -> None:
    level = logging.INFO if result == "delivered" else logging.WARNING
    logger.log(
        level,
        "webhook attempt %s: %s",
        claim.number,
        result,
        extra={
            "delivery_id": claim.delivery_id,
            "endpoint_id": claim.endpoint_id,
            "client_id": endpoint.client_id,
            "message_id": claim.message_id,
            "event_type": delivery.event_type,
            "attempt": claim.number,
            "status_code": outcome.status_code,
            "duration_ms": outcome.duration_ms,
            "outcome": result,
            "error": outcome.error,
        },
    )


# Recovery -----------------------------------------------------------------------------

# A pending delivery this far past its due time has lost its task (a worker killed
# mid-request, or a queue emptied by hand).
STALLED_AFTER = timedelta(minutes=10)


def resume_stalled() -> int:
    """Queue a fresh task for each pending delivery that has lost its own.

    Safe to run at any time and on many workers: the task claims the delivery under
    its endpoint's lock, so a delivery already being sent is left alone.
    """
    cutoff = clock.now() - STALLED_AFTER
    stalled = list(
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=cutoff
        ).values_list("pk", flat=True)
    )
    with transaction.atomic():
        for delivery_id in stalled:
            deliver_webhook.enqueue(delivery_id=delivery_id)
    if stalled:
        logger.warning("webhook deliveries resumed", extra={"count": len(stalled)})
    return len(stalled)
