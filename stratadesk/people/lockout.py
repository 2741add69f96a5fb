"""Locking sign-in after repeated wrong passwords, on top of django-axes.

Axes counts the failures and refuses a locked-out sign-in (see the AXES_ settings).
This module supplies what it leaves to the project: the address a sign-in came from
behind our own proxies, the page a locked-out person sees, and an audit event for
each new lockout.
"""

import ipaddress
import logging
import math

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Max
from django.shortcuts import render
from django.urls import reverse

from stratadesk.core import audit
from stratadesk.core.models import BusinessProfile
from stratadesk.people.actors import Actor

logger = logging.getLogger(__name__)

TOO_MANY_REQUESTS = 429


def client_ip(request) -> str | None:
    """The address a request came from, as far as trusted proxies vouch for it.

    Each proxy appends the address it heard from to X-Forwarded-For, so the entry
    TRUSTED_PROXY_COUNT places from the end was written by our outermost proxy;
    anything before it may be forged by the client and is ignored.
    """
    hops = settings.TRUSTED_PROXY_COUNT
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [part.strip() for part in header.split(",") if part.strip()]
    if hops and len(forwarded) >= hops and _is_address(forwarded[-hops]):
        return forwarded[-hops]
    return request.META.get("REMOTE_ADDR")


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


class AuditedLockoutHandler(AxesDatabaseHandler):
    """Axes' database handler, which also audits each lockout as it begins."""

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)

        # Axes counts failures only when it records one. A locked-out request with a
        # count is therefore the failure that began the lockout; tries refused during
        # it leave the count unset, so one lockout gives one event.
        if request is None or request.axes_failures_since_start is None:
            return
        if request.axes_locked_out:
            until = self.locked_until(request, credentials)
            _record_lockout(request, credentials, until)

    def locked_until(self, request, credentials=None):
        """When the lockout ends: one cool-off after the last failure it counts."""
        latest = [
            attempts.aggregate(last=Max("attempt_time"))["last"]
            for attempts in self.get_user_attempts(request, credentials)
        ]
        last = max((when for when in latest if when), default=request.axes_attempt_time)
        return last + get_cool_off(request)


def _record_lockout(request, credentials, until):
    username = get_client_username(request, credentials)
    details = {
        "ip_address": request.axes_ip_address,
        "failures": request.axes_failures_since_start,
        "locked_until": until.isoformat(),
        "page": request.path,
    }
    logger.warning("sign-in locked out", extra={"username": username, **details})

    # Unknown usernames are locked out too (saying otherwise would confirm which
    # accounts exist), but the audit trail records facts about real accounts only.
    users = get_user_model()._default_manager
    user = users.filter(**{users.model.USERNAME_FIELD: username}).first()
    if user is not None:
        actor = Actor.system("sign-in lockout")
        audit.record(actor, "user.locked_out", user, client=user.client, data=details)


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out sign-in gets, naming when to try again.

    Axes calls this with exactly these three arguments, and calls it again with two
    if it raises TypeError, so it must not let one escape.
    """
    until = AxesProxyHandler.get_implementation().locked_until(request, credentials)
    context = {
        "locked_until": until,
        "checked_at": request.axes_attempt_time,
        "for_clients": request.path == reverse("portal:login"),
        "provider": BusinessProfile.current(),
        "retry_url": request.get_full_path(),
    }
    response = render(request, "locked_out.html", context, status=TOO_MANY_REQUESTS)
    wait = math.ceil((until - request.axes_attempt_time).total_seconds())
    response["Retry-After"] = str(max(wait, 1))
    return response
