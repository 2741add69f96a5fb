"""What every API view shares: bearer auth, limits, the actor and idempotent POSTs."""

import logging

from django.conf import settings
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from stratadesk.api import idempotency
from stratadesk.api.authentication import ApiClientPrincipal, BearerAuthentication
from stratadesk.api.parsers import SafeJSONParser
from stratadesk.api.problems import PayloadTooLarge
from stratadesk.core.errors import ValidationFailed
from stratadesk.core.models import Channel
from stratadesk.people.actors import Actor

logger = logging.getLogger(__name__)


class KeyRateThrottle(SimpleRateThrottle):
    """Requests per key (or staff token) over a shared cache, so processes agree."""

    scope = "api"

    def get_cache_key(self, request, view):
        credential = getattr(request.auth, "prefix", None)
        ident = credential or self.get_ident(request)
        return f"throttle:api:{ident}"


class ApiView(APIView):
    authentication_classes = [BearerAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = [KeyRateThrottle]
    parser_classes = [SafeJSONParser]
    renderer_classes = [JSONRenderer]
    # Query parameters a view understands; any other is refused, not ignored.
    query_params: tuple[str, ...] = ()

    def max_body_bytes(self) -> int:
        return settings.API_MAX_BODY_BYTES

    def initial(self, request, *args, **kwargs):
        # Refuse an oversized body before reading it or spending any work on it.
        length = request.META.get("CONTENT_LENGTH") or "0"
        if length.isdigit() and int(length) > self.max_body_bytes():
            raise PayloadTooLarge(
                f"The request body is larger than {self.max_body_bytes():,} bytes."
            )
        super().initial(request, *args, **kwargs)
        self._check_query_params(request)

    def _check_query_params(self, request) -> None:
        unknown = sorted(set(request.query_params) - set(self.query_params))
        if unknown:
            raise ValidationFailed(
                "Unknown query parameters.",
                code="unknown_parameter",
                fields={name: ["Not a parameter here."] for name in unknown},
            )

    @property
    def caller(self):
        """The user or API principal that permission checks are asked about."""
        return self.request.user

    @property
    def is_client_key(self) -> bool:
        return isinstance(self.request.user, ApiClientPrincipal)

    def actor(self, contact=None) -> Actor:
        request_id = getattr(self.request, "request_id", "")
        if self.is_client_key:
            return Actor.for_api_key(self.request.user, request_id, contact=contact)
        return Actor.for_user(self.request.user, Channel.API, request_id)

    def idempotent(self, method, request, *args, **kwargs):
        """Answer a POST through `method`, honouring its Idempotency-Key.

        Views with a POST define `post` as a call to this, naming the method that
        does the work, so the OpenAPI document describes each POST where it is.
        """
        return idempotency.run(
            request, lambda: self._answered(method, request, *args, **kwargs)
        )

    def _answered(self, method, request, *args, **kwargs):
        # Errors become responses here, inside the idempotent transaction, so the
        # answer to a refused request is stored and replayed like any other.
        try:
            return method(request, *args, **kwargs)
        except Exception as exc:  # handle_exception re-raises what it cannot answer
            return self.handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # For the one log line per request the middleware writes.
        context = {"api": True}
        # Private attributes: a request refused before authentication ran has none,
        # and reading request.user here would authenticate it after the fact.
        user = getattr(request, "_user", None)
        auth = getattr(request, "_auth", None)
        if isinstance(user, ApiClientPrincipal):
            context.update(key=user.key.prefix, client_id=user.client_id)
        elif user is not None and hasattr(auth, "prefix"):
            context.update(token=auth.prefix, user_id=user.pk)
        if response.status_code >= 400 and isinstance(response.data, dict):
            context["error_code"] = response.data.get("code", "")
        request._request.log_context = context
        return response
