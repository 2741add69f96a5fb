"""Idempotent POSTs: a retry with the same Idempotency-Key gets the first answer.

The flow, per (owner, key):
1. Claim the key in a short transaction of its own. A claim that already exists means
   a retry: replay its stored response, refuse a different body (422) or, while the
   first request still runs, answer 409.
2. Run the request, and store its response in the same transaction as the change it
   made: either both are committed or neither is, so a crash can never leave a ticket
   whose key has no stored answer.
3. If the request crashed, release the claim so the client's retry runs afresh. A
   claim left by a process that died outright is taken over after IN_FLIGHT_TIMEOUT.

The owner is the client organisation and the key's scopes for client keys (so a
rotated key still replays, and a key with fewer scopes never does), and the user for
staff tokens.
"""

import hashlib
import json
import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from rest_framework.response import Response

from stratadesk.api.models import ClientApiKey, IdempotencyRecord, IdempotencyState
from stratadesk.api.problems import PROBLEM_CONTENT_TYPE
from stratadesk.core import clock
from stratadesk.core.errors import Conflict, ValidationFailed

logger = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
RETENTION = timedelta(hours=24)
IN_FLIGHT_TIMEOUT = timedelta(minutes=2)
MAX_KEY_LENGTH = 255

NEW, REPLAY, MISMATCH, IN_FLIGHT = "new", "replay", "mismatch", "in_flight"


def owner_of(request) -> str:
    """Whose stored answers a request may replay.

    A client key shares them with its organisation's other keys of the same scopes
    (its rotated successor, say) and with no others: an answer is only replayed to a
    caller allowed to have been given it.
    """
    if isinstance(request.auth, ClientApiKey):
        scopes = ",".join(sorted(request.auth.scopes))
        digest = hashlib.sha256(scopes.encode()).hexdigest()[:12]
        return f"client:{request.auth.client_id}:{digest}"
    return f"user:{request.user.pk}"


def fingerprint(request) -> str:
    """A digest of what was asked: method, path and the parsed body.

    The parsed body, not its bytes, so a client re-serialising the same JSON with
    other spacing or key order is still recognised as the same request.
    """
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    data = request.data
    if hasattr(data, "lists"):  # a multipart form: fields, then file contents
        fields = {key: values for key, values in data.lists()}
        digest.update(json.dumps(fields, sort_keys=True, default=str).encode())
        for name, upload in sorted(request.FILES.items()):
            digest.update(name.encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    else:
        digest.update(json.dumps(data, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def _check_key(key: str) -> None:
    if (
        not key
        or len(key) > MAX_KEY_LENGTH
        or not key.isascii()
        or not key.isprintable()
    ):
        raise ValidationFailed(
            f"{HEADER} must be 1 to {MAX_KEY_LENGTH} printable ASCII characters.",
            code="invalid_idempotency_key",
            fields={HEADER: ["Use a fresh random value, e.g. a UUID, per operation."]},
        )


def _claim(owner, key, print_, request) -> tuple[str, IdempotencyRecord]:
    now = clock.now()
    fresh = {
        "fingerprint": print_,
        "method": request.method,
        "path": request.path[:300],
        "state": IdempotencyState.IN_FLIGHT,
        "response_status": None,
        "response_body": None,
        "response_location": "",
        "created_at": now,
        "expires_at": now + RETENTION,
    }
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(owner=owner, key=key, **fresh)
        return NEW, record
    except IntegrityError:
        pass

    with transaction.atomic():
        record = (
            IdempotencyRecord.objects.select_for_update()
            .filter(owner=owner, key=key)
            .first()
        )
        if record is None:
            # Released by a crashed first request between our insert and this read.
            record = IdempotencyRecord.objects.create(owner=owner, key=key, **fresh)
            return NEW, record
        expired = record.expires_at <= now
        abandoned = (
            record.state == IdempotencyState.IN_FLIGHT
            and now - record.created_at > IN_FLIGHT_TIMEOUT
        )
        if expired or (abandoned and record.fingerprint == print_):
            for field, value in fresh.items():
                setattr(record, field, value)
            record.save()
            return NEW, record
        if record.fingerprint != print_:
            return MISMATCH, record
        if record.state == IdempotencyState.DONE:
            return REPLAY, record
        return IN_FLIGHT, record


def replay(record: IdempotencyRecord) -> Response:
    headers = {REPLAYED_HEADER: "true"}
    if record.response_location:
        headers["Location"] = record.response_location
    content_type = PROBLEM_CONTENT_TYPE if record.response_status >= 400 else None
    return Response(
        record.response_body,
        status=record.response_status,
        headers=headers,
        content_type=content_type,
    )


def _store(record, response) -> None:
    record.state = IdempotencyState.DONE
    record.response_status = response.status_code
    record.response_body = response.data
    record.response_location = response.get("Location", "")[:300]
    record.save(
        update_fields=[
            "state",
            "response_status",
            "response_body",
            "response_location",
        ]
    )


def run(request, handler) -> Response:
    """Answer a POST through `handler` (a callable returning a DRF Response).

    `handler` turns the errors it can into responses itself; anything it raises is
    a crash, after which the claim is released for a retry.
    """
    key = request.headers.get(HEADER)
    if key is None or not key.strip():
        # An empty header is a client sending no key, not an unusable one: some
        # HTTP libraries send the header blank when their key variable is unset.
        return handler()
    _check_key(key)

    owner = owner_of(request)
    outcome, record = _claim(owner, key, fingerprint(request), request)
    log = {"owner": owner, "idempotency_key": key, "outcome": outcome}
    if outcome != NEW:
        logger.info("idempotency key seen again", extra=log)
    if outcome == MISMATCH:
        raise ValidationFailed(
            f"This {HEADER} was used with a different request; use a new key for "
            "a new request.",
            code="idempotency_key_reused",
        )
    if outcome == IN_FLIGHT:
        raise Conflict(
            f"A request with this {HEADER} is still being processed; retry shortly.",
            code="idempotency_in_flight",
        )
    if outcome == REPLAY:
        return replay(record)

    try:
        with transaction.atomic():
            response = handler()
            if response.status_code < 400:
                _store(record, response)
            else:
                # An error answer keeps nothing of what the request did.
                transaction.set_rollback(True)
    except BaseException:
        IdempotencyRecord.objects.filter(
            pk=record.pk, state=IdempotencyState.IN_FLIGHT
        ).delete()
        raise

    if response.status_code >= 500:
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
    elif response.status_code >= 400:
        _store(record, response)
    return response


def purge_expired() -> int:
    """Delete records past their retention; returns how many went."""
    deleted, _ = IdempotencyRecord.objects.filter(expires_at__lte=clock.now()).delete()
    return deleted
