"""The SVR page an approver without a portal login opens from their email.

Outside the portal's login: the token in the address is the only credential (see
svr.links). Every answer keeps the token to itself: no Referer is sent on from the
page, nothing is cached, and a token that does not work (unknown, expired, used,
of a version since replaced) gets the site's plain 404, naming nothing. No login
session is created. Wrong tokens are counted per address, and an address with too
many is refused for the sign-in cool-off.
"""

import logging
import math
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from stratadesk.clients.models import PortalBranding
from stratadesk.console.downloads import svr_pdf_file
from stratadesk.console.gate_forms import GateForm, attach_errors
from stratadesk.core import clock
from stratadesk.core.errors import DomainError, NotFound
from stratadesk.people.lockout import TOO_MANY_REQUESTS, client_ip
from stratadesk.svr import documents, links
from stratadesk.svr import services as svr_services
from stratadesk.svr.models import SvrDecisionLink
from stratadesk.tickets import lifecycle
from stratadesk.tickets.models import Stage

from .branding import logo_response, stylesheet_response
from .views import require_fingerprint

logger = logging.getLogger(__name__)

NOT_FOUND = 404


def _by_link(view):
    """Run `view` with the live link the token names; 404 or 429 otherwise."""

    @wraps(view)
    def wrapper(request, token):
        until = _locked_until(request)
        if until is not None:
            return _private(_too_many(request, until))
        link = links.find_live(token)
        if link is None:
            _count_failure(request)
            return _private(_not_found(request))
        client = link.svr.ticket.client
        # Times read as the client's own wall clock, as on its portal.
        with timezone.override(client.timezone):
            try:
                response = view(request, link, token)
            except Http404:
                response = _not_found(request)
        return _private(response)

    return wrapper


# No CSRF cookie check: a forged cross-site post would need the token in the address,
# which is the only credential here (no session, no cookie to ride on). And with
# `Referrer-Policy: no-referrer` the browser sends `Origin: null` with the form, which
# Django's origin check would refuse.
@csrf_exempt
@require_http_methods(["GET", "POST"])
@_by_link
def page(request, link, token):
    if request.method == "POST":
        return _decide(request, link, token)
    return _render(request, link, token)


@require_GET
@_by_link
def pdf(request, link, token):
    svr = link.svr
    if not svr.pdf:
        raise Http404("No such SVR document.")
    return svr_pdf_file(svr.ticket, svr)


@require_GET
@_by_link
def branding_css(request, link, token):
    return stylesheet_response(_branding(link))


@require_GET
@_by_link
def branding_logo(request, link, token):
    return logo_response(_branding(link))


def _decide(request, link, token):
    name = request.POST.get("decision", "")
    if name not in links.DECISIONS:
        raise Http404("No such decision.")
    form = GateForm(lifecycle.get(name), link.svr.ticket, request.POST)
    try:
        require_fingerprint(name, form)
        moved = links.decide(
            link,
            name,
            form.raw_values(),
            ticket_version=_posted_version(request),
            ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            request_id=getattr(request, "request_id", ""),
        )
    except NotFound:
        raise Http404("No such link.") from None
    except DomainError as exc:
        attach_errors(form, exc)
        # Seen afresh: the refusal may be because the report was decided meanwhile.
        fresh = SvrDecisionLink.objects.filter(pk=link.pk).first()
        if fresh is None or not links.is_live(fresh):
            raise Http404("No such link.") from None
        return _render(request, fresh, token, gate_form=form, error=exc)

    context = {
        "ticket": moved,
        "svr": link.svr,
        "decision": name,
        "others_awaited": moved.stage == Stage.SVR_PENDING,
        "branding": _branding(link),
        "token": None,
    }
    return render(request, "svr_link/done.html", context)


def _render(request, link, token, *, gate_form=None, error=None):
    svr = link.svr
    ticket = svr.ticket
    gate_forms = []
    for name in links.DECISIONS:
        if gate_form is not None and gate_form.move.name == name:
            gate_forms.append(gate_form)
        else:
            gate_forms.append(GateForm(lifecycle.get(name), ticket))
    context = {
        "ticket": ticket,
        "svr": svr,
        "contact": link.contact,
        "document": documents.shown(svr),
        "approvals": svr.approvals.all(),
        "awaiting": svr_services.awaited_approvers(svr),
        "gate_forms": gate_forms,
        "branding": _branding(link),
        "token": token,
        "error": error,
    }
    status = error.status if error else 200
    return render(request, "svr_link/page.html", context, status=status)


def _branding(link):
    return PortalBranding.objects.filter(client_id=link.svr.ticket.client_id).first()


def _posted_version(request) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return 0


def _private(response):
    # The address is the credential: never passed on, never kept by a cache.
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    return response


def _not_found(request):
    return render(request, "404.html", status=NOT_FOUND)


# Guessing ---------------------------------------------------------------------------


def _guesses_key(request) -> str:
    return f"svr-link-guesses:{client_ip(request) or 'unknown'}"


def _locked_until(request):
    """When this address may try links again, while it is locked out; else None."""
    state = cache.get(_guesses_key(request))
    if not state or state["until"] is None:
        return None
    until = state["until"]
    return until if until > clock.now().timestamp() else None


def _count_failure(request) -> None:
    """Count one wrong token; the one that reaches the limit begins a lockout.

    Tries during a lockout are refused before they are looked up, so they are not
    counted and the lockout ends when it said it would.
    """
    key = _guesses_key(request)
    cool_off = settings.AXES_COOLOFF_TIME.total_seconds()
    state = cache.get(key) or {"failures": 0, "until": None}
    failures = state["failures"] + 1
    until = None
    if failures >= settings.SVR_LINK_FAILURE_LIMIT:
        until = clock.now().timestamp() + cool_off
        logger.warning(
            "svr link guessing locked out",
            extra={"ip_address": client_ip(request), "failures": failures},
        )
    cache.set(key, {"failures": failures, "until": until}, timeout=cool_off)


def _too_many(request, until):
    wait = max(math.ceil(until - clock.now().timestamp()), 1)
    response = render(
        request,
        "svr_link/too_many.html",
        {"minutes": math.ceil(wait / 60)},
        status=TOO_MANY_REQUESTS,
    )
    response["Retry-After"] = str(wait)
    return response
