"""A staff member's own account: setting up, using and switching off two-factor.

The rules (what a code must match, the throttle, the audit events) live in
stratadesk/people/two_factor.py; these views parse the form, call it, and keep the
session in step: a new secret waits in the session until a code confirms it, and a
right code marks the session verified (django-otp's login) under a new session key.
"""

import math

import django_otp
from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from stratadesk.core.errors import DomainError
from stratadesk.core.models import Channel
from stratadesk.people import two_factor
from stratadesk.people.actors import Actor
from stratadesk.people.lockout import client_ip

from .access import staff_required, staff_setting_up_two_factor, staff_signing_in
from .gate_forms import attach_errors

INVALID = 422
SETUP_SESSION_KEY = "two_factor_new_secret"


def _code_field(*, autofocus):
    attrs = {"autocomplete": "one-time-code", "inputmode": "numeric"}
    if autofocus:
        attrs["autofocus"] = True
    return forms.CharField(
        label="Code from your authenticator app",
        max_length=12,
        widget=forms.TextInput(attrs=attrs),
    )


class CodeForm(forms.Form):
    code = _code_field(autofocus=True)

    def clean_code(self):
        # Apps show "123 456"; people type it as they see it.
        return self.cleaned_data["code"].replace(" ", "")


class DisableForm(CodeForm):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = _code_field(autofocus=False)

    field_order = ["password", "code"]


@staff_setting_up_two_factor
def two_factor_page(request):
    """Set two-factor up (QR code, key, confirming code), or offer to switch it off."""
    device = two_factor.device_for(request.user)
    if device is not None:
        return _render_page(request, device=device, form=DisableForm())

    form = CodeForm(request.POST if request.method == "POST" else None)
    error = None
    if form.is_valid():
        try:
            device = two_factor.enrol(
                _actor(request),
                request.user,
                _new_secret(request),
                form.cleaned_data["code"],
            )
        except DomainError as exc:
            attach_errors(form, exc)
            error = exc
        else:
            del request.session[SETUP_SESSION_KEY]
            _mark_verified(request, device)
            messages.success(
                request,
                "Two-factor sign-in is on. From now on Stratadesk asks for a code "
                "from your app after your password.",
            )
            return redirect(_next_url(request, "console:two_factor"))

    status = error.status if error else (INVALID if form.is_bound else 200)
    return _render_page(request, form=form, error=error, status=status)


@staff_required
@require_POST
def two_factor_disable(request):
    device = two_factor.device_for(request.user)
    if device is None:
        # Already off (perhaps from another tab): the page says so.
        return redirect("console:two_factor")

    form = DisableForm(request.POST)
    error = None
    if form.is_valid():
        try:
            two_factor.disable(
                _actor(request),
                request.user,
                form.cleaned_data["password"],
                form.cleaned_data["code"],
                ip_address=client_ip(request),
            )
        except DomainError as exc:
            attach_errors(form, exc)
            error = exc
        else:
            messages.success(request, "Two-factor sign-in is off.")
            return redirect("console:two_factor")

    status = error.status if error else INVALID
    return _render_page(request, device=device, form=form, error=error, status=status)


@staff_signing_in
def two_factor_code(request):
    """The second sign-in step: a current code from the staff member's app."""
    if two_factor.pending_step(request.user) != two_factor.Step.CODE:
        return redirect(_next_url(request, "home"))

    form = CodeForm(request.POST if request.method == "POST" else None)
    error = None
    if form.is_valid():
        try:
            device = two_factor.verify(
                _actor(request),
                request.user,
                form.cleaned_data["code"],
                ip_address=client_ip(request),
            )
        except DomainError as exc:
            attach_errors(form, exc)
            error = exc
        else:
            _mark_verified(request, device)
            return redirect(_next_url(request, "home"))

    status = error.status if error else (INVALID if form.is_bound else 200)
    context = {"form": form, "error": error, "next": _safe_next(request)}
    response = render(request, "console/two_factor_code.html", context, status=status)
    if error is not None and "locked_until" in error.data:
        wait = (error.data["locked_until"] - timezone.now()).total_seconds()
        response["Retry-After"] = str(max(math.ceil(wait), 1))
    return response


# Helpers --------------------------------------------------------------------------


def _actor(request) -> Actor:
    return Actor.from_request(request, Channel.CONSOLE)


def _new_secret(request) -> str:
    """The secret being set up, made on first sight and kept until confirmed."""
    if SETUP_SESSION_KEY not in request.session:
        request.session[SETUP_SESSION_KEY] = two_factor.new_secret()
    return request.session[SETUP_SESSION_KEY]


def _mark_verified(request, device) -> None:
    # The session now vouches for more than a password did; a new key keeps a
    # session id learnt before this step from carrying that over.
    request.session.cycle_key()
    django_otp.login(request, device)


def _safe_next(request) -> str:
    """Where the person was going, if it is a page of this site; else ""."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if safe else ""


def _next_url(request, fallback: str) -> str:
    return _safe_next(request) or reverse(fallback)


def _render_page(request, *, device=None, form, error=None, status=200):
    context = {"device": device, "form": form, "error": error}
    if device is None:
        secret = _new_secret(request)
        uri = two_factor.setup_uri(request.user, secret)
        context.update(
            secret=two_factor.secret_for_humans(secret),
            qr_code=two_factor.qr_data_uri(uri),
            next=_safe_next(request),
            required=settings.REQUIRE_STAFF_TWO_FACTOR,
        )
    return render(request, "console/two_factor.html", context, status=status)
