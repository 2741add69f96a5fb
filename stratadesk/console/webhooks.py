"""Staff console: clients' webhook endpoints and their deliveries, for Admins.

Views parse a form, call one service in stratadesk.notifications.webhooks and
redirect with a flash message; a refusal re-renders the page with the service's own
message and status.
"""

import json
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from stratadesk.clients.models import ClientOrganisation
from stratadesk.core import submissions
from stratadesk.core.errors import DomainError
from stratadesk.core.models import Channel
from stratadesk.notifications import webhooks
from stratadesk.notifications.models import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
)
from stratadesk.people.actors import Actor
from stratadesk.people.permissions import Action, can

from .access import staff_required
from .gate_forms import attach_errors
from .webhook_forms import EndpointEditForm, EndpointForm

DELIVERIES_PER_PAGE = 25
INVALID = 422


def admin_required(view):
    """staff_required, and the matrix must let the user configure clients.

    Other staff get 403: they know the console, and that webhooks exist is no secret.
    """

    @staff_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can(request.user, Action.CONFIGURE):
            raise PermissionDenied("Only Admins manage webhooks.")
        return view(request, *args, **kwargs)

    return wrapper


@admin_required
def webhook_index(request):
    clients = ClientOrganisation.objects.annotate(
        endpoint_count=Count("webhook_endpoints"),
        active_count=Count(
            "webhook_endpoints", filter=Q(webhook_endpoints__is_active=True)
        ),
    ).order_by("name")
    return render(request, "console/webhook_index.html", {"clients": clients})


@admin_required
def webhook_client(request, client_id):
    client = get_object_or_404(ClientOrganisation, pk=client_id)
    form = EndpointForm(request.POST or None)
    if request.method != "POST":
        return _render_client(request, client, form)
    if not form.is_valid():
        return _render_client(request, client, form)

    try:
        first, endpoint = submissions.once(
            request,
            lambda: webhooks.create_endpoint(_actor(request), client, **form.values()),
        )
    except DomainError as exc:
        attach_errors(form, exc)
        return _render_client(request, client, form, error=exc)

    if not first:
        messages.success(request, submissions.ALREADY_SENT)
        return redirect("console:webhook_client", client_id=client.pk)
    messages.success(
        request,
        "Endpoint added. Give the client its signing secret, shown below, to verify "
        "our messages.",
    )
    return redirect("console:webhook_endpoint", endpoint_id=endpoint.pk)


@admin_required
def webhook_endpoint(request, endpoint_id):
    endpoint = _endpoint(endpoint_id)
    form = EndpointEditForm.for_endpoint(endpoint, request.POST or None)
    if request.method != "POST":
        return _render_endpoint(request, endpoint, form)
    if not form.is_valid():
        return _render_endpoint(request, endpoint, form)

    try:
        webhooks.update_endpoint(_actor(request), endpoint, **form.values())
    except DomainError as exc:
        attach_errors(form, exc)
        return _render_endpoint(request, endpoint, form, error=exc)
    messages.success(request, "Endpoint saved.")
    return redirect("console:webhook_endpoint", endpoint_id=endpoint.pk)


@admin_required
@require_POST
def webhook_rotate(request, endpoint_id):
    endpoint = _endpoint(endpoint_id)
    try:
        webhooks.rotate_secret(_actor(request), endpoint)
    except DomainError as exc:
        return _render_endpoint(request, endpoint, error=exc)
    messages.success(
        request,
        "New signing secret made; messages from now on are signed with it. Give it "
        "to the client.",
    )
    return redirect("console:webhook_endpoint", endpoint_id=endpoint.pk)


@admin_required
@require_POST
def webhook_delete(request, endpoint_id):
    endpoint = _endpoint(endpoint_id)
    try:
        webhooks.delete_endpoint(_actor(request), endpoint)
    except DomainError as exc:
        return _render_endpoint(request, endpoint, error=exc)
    messages.success(request, f"Endpoint {endpoint.url} deleted.")
    return redirect("console:webhook_client", client_id=endpoint.client_id)


@admin_required
@require_POST
def webhook_replay(request, delivery_id):
    delivery = get_object_or_404(WebhookDelivery, pk=delivery_id)
    endpoint = _endpoint(delivery.endpoint_id)
    try:
        webhooks.replay_delivery(_actor(request), delivery)
    except DomainError as exc:
        return _render_endpoint(request, endpoint, error=exc)
    messages.success(request, f"{delivery.message_id} queued to be sent again.")
    return redirect("console:webhook_endpoint", endpoint_id=endpoint.pk)


# Helpers --------------------------------------------------------------------------


def _actor(request) -> Actor:
    return Actor.from_request(request, Channel.CONSOLE)


def _endpoint(endpoint_id) -> WebhookEndpoint:
    queryset = WebhookEndpoint.objects.select_related("client", "created_by")
    return get_object_or_404(queryset, pk=endpoint_id)


def _render_client(request, client, form, *, error=None):
    endpoints = client.webhook_endpoints.annotate(
        pending=Count(
            "deliveries", filter=Q(deliveries__status=DeliveryStatus.PENDING)
        ),
        failed=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
    ).order_by("pk")
    context = {"client": client, "endpoints": endpoints, "form": form, "error": error}
    status = (error.status if error else INVALID) if request.method == "POST" else 200
    return render(request, "console/webhook_client.html", context, status=status)


def _render_endpoint(request, endpoint, form=None, *, error=None):
    deliveries = endpoint.deliveries.select_related("ticket").prefetch_related(
        "attempts"
    )
    page = Paginator(deliveries.order_by("-pk"), DELIVERIES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    for delivery in page:
        delivery.payload_text = json.dumps(
            delivery.payload, indent=2, ensure_ascii=False
        )
    context = {
        "endpoint": endpoint,
        "form": form or EndpointEditForm.for_endpoint(endpoint),
        "page": page,
        "error": error,
        "owner_email": webhooks.owner_email(endpoint),
    }
    status = (error.status if error else INVALID) if request.method == "POST" else 200
    return render(request, "console/webhook_endpoint.html", context, status=status)
