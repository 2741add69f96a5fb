"""Request id and the one-line-per-request log."""

import logging
import re
import time
import uuid

from stratadesk.core.context import reset_request_id, set_request_id

logger = logging.getLogger("stratadesk.request")

# A caller's own id is echoed only when it is short and plain, so logs stay parseable.
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.headers.get("X-Request-ID", "")
        request_id = offered if _SAFE_REQUEST_ID.match(offered) else uuid.uuid4().hex
        request.request_id = request_id
        token = set_request_id(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            self._log(request, response.status_code, started)
            return response
        finally:
            reset_request_id(token)

    def _log(self, request, status, started):
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else None
        fields = {
            "method": request.method,
            "path": request.path,
            "status": status,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "user_id": user_id,
        }
        # Interfaces add who called and why it failed (the API: key, client, code).
        fields.update(getattr(request, "log_context", {}))
        logger.info("request", extra=fields)
