"""Making, rotating and revoking API credentials; every change is audited.

A new secret is returned once, to be shown once: only its hash is stored. Keys carry a
readable tag ("sdc_" for client keys, "sdt_" for staff tokens) so a leaked one is easy
to recognise in logs and secret scanners.
"""

import logging
from datetime import timedelta

from django.db import transaction

from stratadesk.api.models import ClientApiKey, KeyScope, StaffToken
from stratadesk.core import audit, clock
from stratadesk.core.errors import PermissionDenied, ValidationFailed
from stratadesk.people.permissions import Action, can

logger = logging.getLogger(__name__)

CLIENT_KEY_TAG = "sdc_"
STAFF_TOKEN_TAG = "sdt_"  # noqa: S105 (a label, not a secret)

# After a rotation the old key keeps working this long, so an integration can switch
# to the new one without a window where neither works.
ROTATION_OVERLAP = timedelta(hours=24)


def _may_manage_keys(actor) -> None:
    if actor.is_system or can(actor.who, Action.MANAGE_API_KEYS):
        return
    raise PermissionDenied("Only an Admin may manage client API keys.")


def _name_and_expiry_errors(name, expires_at) -> dict[str, list[str]]:
    errors = {}
    if not name:
        errors["name"] = ["A name is required, e.g. the system that will use it."]
    elif len(name) > 50:
        errors["name"] = ["A name has at most 50 characters."]
    if expires_at is not None and expires_at <= clock.now():
        errors["expires_at"] = ["The expiry must be in the future."]
    return errors


def _scope_errors(scopes) -> dict[str, list[str]]:
    unknown = [scope for scope in scopes if scope not in KeyScope.values]
    if scopes and not unknown:
        return {}
    return {
        "scopes": [f"Choose at least one known scope: {', '.join(KeyScope.values)}."]
    }


def _refuse_if(errors) -> None:
    # Every problem at once, so a form or caller can fix them in one go.
    if errors:
        raise ValidationFailed("The key could not be made.", fields=errors)


@transaction.atomic
def create_client_key(
    actor, client, *, name: str, scopes, expires_at=None
) -> tuple[ClientApiKey, str]:
    """A new key for `client`'s systems; returns the key and its secret."""
    _may_manage_keys(actor)
    name = (name or "").strip()
    scopes = sorted(set(scopes or []))
    _refuse_if(_name_and_expiry_errors(name, expires_at) | _scope_errors(scopes))

    key, secret = ClientApiKey.objects.create_key(
        client=client,
        name=name,
        scopes=scopes,
        expiry_date=expires_at,
        created_by=actor.user,
    )
    audit.record(
        actor,
        "api_key.created",
        key,
        client=client,
        data={"prefix": key.prefix, "name": name, "scopes": scopes},
    )
    logger.info("api key created", extra={"key_prefix": key.prefix})
    return key, CLIENT_KEY_TAG + secret


@transaction.atomic
def rotate_client_key(actor, key: ClientApiKey) -> tuple[ClientApiKey, str]:
    """A successor with the same client, name and scopes; the old one expires soon."""
    _may_manage_keys(actor)
    old = ClientApiKey.objects.select_for_update().get(pk=key.pk)
    if old.revoked:
        raise ValidationFailed("A revoked key cannot be rotated.", code="key_revoked")
    if old.has_expired:
        raise ValidationFailed(
            "An expired key cannot be rotated; make a new one.", code="key_expired"
        )
    successor = ClientApiKey.objects.filter(rotated_from=old).first()
    if successor is not None:
        raise ValidationFailed(
            f"This key was already rotated; rotate its successor {successor.prefix}.",
            code="key_rotated",
        )

    new, secret = ClientApiKey.objects.create_key(
        client=old.client,
        name=old.name,
        scopes=old.scopes,
        expiry_date=old.expiry_date,
        created_by=actor.user,
        rotated_from=old,
    )
    overlap_end = clock.now() + ROTATION_OVERLAP
    if old.expiry_date is None or old.expiry_date > overlap_end:
        old.expiry_date = overlap_end
        old.save(update_fields=["expiry_date"])
    audit.record(
        actor,
        "api_key.rotated",
        new,
        client=old.client,
        data={"prefix": new.prefix, "replaces": old.prefix},
    )
    return new, CLIENT_KEY_TAG + secret


@transaction.atomic
def revoke_client_key(actor, key: ClientApiKey) -> ClientApiKey:
    _may_manage_keys(actor)
    key = ClientApiKey.objects.select_for_update().get(pk=key.pk)
    if not key.revoked:
        key.revoked = True
        key.revoked_at = clock.now()
        key.save(update_fields=["revoked", "revoked_at"])
        audit.record(
            actor,
            "api_key.revoked",
            key,
            client=key.client,
            data={"prefix": key.prefix},
        )
    return key


def _may_manage_token_of(actor, user) -> None:
    if actor.is_system:
        return
    own = actor.user is not None and actor.user.pk == user.pk
    if own or can(actor.who, Action.MANAGE_USERS):
        return
    raise PermissionDenied("You may manage only your own API tokens.")


@transaction.atomic
def create_staff_token(
    actor, user, *, name: str, expires_at=None
) -> tuple[StaffToken, str]:
    """A personal token acting as `user`, with `user`'s role; staff only."""
    _may_manage_token_of(actor, user)
    if not user.is_msp_staff or not user.is_active:
        raise ValidationFailed(
            "Only active MSP staff have API tokens; client systems use client keys.",
            code="not_staff",
        )
    name = (name or "").strip()
    _refuse_if(_name_and_expiry_errors(name, expires_at))

    token, secret = StaffToken.objects.create_key(
        user=user, name=name, expiry_date=expires_at
    )
    audit.record(
        actor,
        "api_token.created",
        token,
        data={"prefix": token.prefix, "name": name, "user": user.get_username()},
    )
    return token, STAFF_TOKEN_TAG + secret


@transaction.atomic
def revoke_staff_token(actor, token: StaffToken) -> StaffToken:
    _may_manage_token_of(actor, token.user)
    token = StaffToken.objects.select_for_update().get(pk=token.pk)
    if not token.revoked:
        token.revoked = True
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked", "revoked_at"])
        audit.record(actor, "api_token.revoked", token, data={"prefix": token.prefix})
    return token


def state_of(key) -> str:
    """A key's or token's state in words, for lists."""
    if key.revoked:
        return "revoked"
    if key.has_expired:
        return "expired"
    if key.expiry_date is not None:
        return f"expires {key.expiry_date.isoformat(timespec='minutes')}"
    return "active"


def last_used_of(key) -> str:
    if key.last_used_at is None:
        return "never used"
    return f"last used {key.last_used_at.isoformat(timespec='minutes')}"
