"""Bearer authentication for client API keys and staff tokens.

A client key authenticates as an ApiClientPrincipal: not a person but the client
organisation's system, which the permission matrix knows as the `api_client` row and
whose key scopes narrow further. A staff token authenticates as its user.
"""

import logging
from datetime import timedelta

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from stratadesk.api.keys import CLIENT_KEY_TAG, STAFF_TOKEN_TAG
from stratadesk.api.models import ClientApiKey, StaffToken
from stratadesk.core import clock
from stratadesk.people.permissions import API_CLIENT

logger = logging.getLogger(__name__)

# last_used_at is written at most this often per key, so reads stay reads.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiClientPrincipal:
    """The caller behind a client API key, shaped like a user for permission checks."""

    role = API_CLIENT
    pk = None
    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_msp_staff = False
    is_client_user = False

    def __init__(self, key: ClientApiKey):
        self.key = key
        self.client = key.client
        self.client_id = key.client_id
        self.key_scopes = frozenset(key.scopes)

    def get_username(self) -> str:
        return f"key:{self.key.prefix}"

    def get_full_name(self) -> str:
        return f"API key {self.key.name} ({self.key.prefix})"

    def __str__(self):
        return self.get_full_name()


class BearerAuthentication(BaseAuthentication):
    def authenticate(self, request):
        header = get_authorization_header(request)
        if not header:
            return None
        scheme, _, credential = header.decode("latin-1").partition(" ")
        credential = credential.strip()
        if scheme.lower() != "bearer" or not credential:
            raise exceptions.AuthenticationFailed(
                "Send the key as 'Authorization: Bearer <key>'.",
                code="bad_authorization_header",
            )

        if credential.startswith(CLIENT_KEY_TAG):
            key = self._verified(ClientApiKey, credential[len(CLIENT_KEY_TAG) :])
            if not key.client.is_active:
                raise exceptions.AuthenticationFailed(
                    "This key's organisation is no longer an active client.",
                    code="client_inactive",
                )
            return ApiClientPrincipal(key), key
        if credential.startswith(STAFF_TOKEN_TAG):
            token = self._verified(StaffToken, credential[len(STAFF_TOKEN_TAG) :])
            user = token.user
            if not user.is_active or not user.is_msp_staff:
                raise exceptions.AuthenticationFailed(
                    "This token's user can no longer use the API.", code="user_inactive"
                )
            return user, token
        raise exceptions.AuthenticationFailed(
            "This is not a Stratadesk key.", code="invalid_key"
        )

    def authenticate_header(self, request):
        # Naming the scheme makes DRF answer 401 rather than 403 without a key.
        return 'Bearer realm="stratadesk"'

    def _verified(self, model, secret):
        prefix, _, _ = secret.partition(".")
        related = "client" if model is ClientApiKey else "user"
        key = model.objects.select_related(related).filter(prefix=prefix).first()
        if key is None or not key.is_valid(secret):
            raise exceptions.AuthenticationFailed(
                "The key is not valid.", code="invalid_key"
            )

        # Only a caller holding the secret learns why a real key stopped working.
        if key.revoked:
            raise exceptions.AuthenticationFailed(
                "This key has been revoked.", code="key_revoked"
            )
        if key.has_expired:
            raise exceptions.AuthenticationFailed(
                f"This key expired at {key.expiry_date.isoformat()}.",
                code="key_expired",
            )

        now = clock.now()
        if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
            model.objects.filter(pk=key.pk).update(last_used_at=now)
            key.last_used_at = now
        return key
