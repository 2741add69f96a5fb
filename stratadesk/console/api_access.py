"""Staff console: client API keys (Admins) and each staff member's own API tokens.

A new secret is shown once, on the page that answers the form, and never again; the
page is marked not to be cached. Views parse a form, call one service in
stratadesk.api.keys and answer; a refusal re-renders with the service's message.
"""

from datetime import datetime, time
from functools import wraps
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from stratadesk.api import keys
from stratadesk.api.models import ClientApiKey, KeyScope, StaffToken
from stratadesk.clients.models import ClientOrganisation
from stratadesk.core import submissions
from stratadesk.core.errors import DomainError
from stratadesk.core.models import Channel
from stratadesk.people.actors import Actor
from stratadesk.people.permissions import Action, can

from .access import staff_required
from .gate_forms import attach_errors

INVALID = 422


class ExpiryField(forms.DateField):
    """An optional last day of use; the credential stops at the end of that day.

    The day ends in the client's timezone for a client key, the MSP's for a token.
    """

    def __init__(self, **kwargs):
        super().__init__(
            label="Last day of use (optional)",
            required=False,
            widget=forms.DateInput({"type": "date"}),
            **kwargs,
        )


def _expiry(day, zone) -> datetime | None:
    if day is None:
        return None
    return datetime.combine(day, time(23, 59, 59), tzinfo=ZoneInfo(zone))


class ClientKeyForm(forms.Form):
    client = forms.ModelChoiceField(
        queryset=ClientOrganisation.objects.order_by("name"), empty_label=None
    )
    name = forms.CharField(
        required=False, help_text="What will use it, e.g. the client's ITSM tool."
    )
    scopes = forms.MultipleChoiceField(
        choices=KeyScope.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    expires_on = ExpiryField()


class TokenForm(forms.Form):
    name = forms.CharField(
        required=False, help_text="What will use it, e.g. a reporting script."
    )
    expires_on = ExpiryField()


def keys_admin_required(view):
    @staff_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can(request.user, Action.MANAGE_API_KEYS):
            raise PermissionDenied("Only Admins manage client API keys.")
        return view(request, *args, **kwargs)

    return wrapper


@keys_admin_required
def api_key_index(request):
    form = ClientKeyForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return _render_keys(request, form)

    data = form.cleaned_data
    try:
        first, made = submissions.once(
            request,
            lambda: keys.create_client_key(
                _actor(request),
                data["client"],
                name=data["name"],
                scopes=data["scopes"],
                expires_at=_expiry(data["expires_on"], data["client"].timezone),
            ),
        )
    except DomainError as exc:
        attach_errors(form, exc)
        return _render_keys(request, form, error=exc)
    if not first:
        messages.success(request, submissions.ALREADY_SENT)
        return redirect("console:api_keys")
    return _show_secret(request, *made, back="console:api_keys")


@keys_admin_required
@require_POST
def api_key_rotate(request, key_prefix):
    key = get_object_or_404(ClientApiKey, prefix=key_prefix)
    try:
        made = keys.rotate_client_key(_actor(request), key)
    except DomainError as exc:
        return _render_keys(request, ClientKeyForm(), error=exc)
    return _show_secret(request, *made, back="console:api_keys", replaced=key)


@keys_admin_required
@require_POST
def api_key_revoke(request, key_prefix):
    key = get_object_or_404(ClientApiKey, prefix=key_prefix)
    keys.revoke_client_key(_actor(request), key)
    messages.success(request, f"Key {key.prefix} revoked; it no longer works.")
    return redirect("console:api_keys")


@staff_required
def api_token_index(request):
    form = TokenForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return _render_tokens(request, form)

    data = form.cleaned_data
    try:
        first, made = submissions.once(
            request,
            lambda: keys.create_staff_token(
                _actor(request),
                request.user,
                name=data["name"],
                expires_at=_expiry(data["expires_on"], settings.TIME_ZONE),
            ),
        )
    except DomainError as exc:
        attach_errors(form, exc)
        return _render_tokens(request, form, error=exc)
    if not first:
        messages.success(request, submissions.ALREADY_SENT)
        return redirect("console:api_tokens")
    return _show_secret(request, *made, back="console:api_tokens")


@staff_required
@require_POST
def api_token_revoke(request, token_prefix):
    # Only one's own tokens are found here; an Admin revokes anyone's in /admin/.
    token = get_object_or_404(StaffToken, prefix=token_prefix, user=request.user)
    keys.revoke_staff_token(_actor(request), token)
    messages.success(request, f"Token {token.prefix} revoked; it no longer works.")
    return redirect("console:api_tokens")


# Helpers --------------------------------------------------------------------------


def _actor(request) -> Actor:
    return Actor.from_request(request, Channel.CONSOLE)


def _render_keys(request, form, *, error=None):
    found = ClientApiKey.objects.select_related("client").order_by("-created")
    context = {"keys": found, "form": form, "error": error}
    status = (error.status if error else INVALID) if request.method == "POST" else 200
    return render(request, "console/api_keys.html", context, status=status)


def _render_tokens(request, form, *, error=None):
    found = StaffToken.objects.filter(user=request.user).order_by("-created")
    context = {"tokens": found, "form": form, "error": error}
    status = (error.status if error else INVALID) if request.method == "POST" else 200
    return render(request, "console/api_tokens.html", context, status=status)


def _show_secret(request, credential, secret, *, back, replaced=None):
    context = {
        "credential": credential,
        "secret": secret,
        "back": back,
        "replaced": replaced,
    }
    response = render(request, "console/api_secret.html", context, status=201)
    add_never_cache_headers(response)
    return response
