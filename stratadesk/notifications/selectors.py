"""Webhook endpoints and deliveries, fetched only as far as the caller may manage them.

Another organisation's endpoint answers exactly like one that does not exist.
The email outbox is the MSP's own: only those who configure (Admins) read it, and
they read all of it.
"""

from django.db.models import Case, IntegerField, QuerySet, Value, When

from stratadesk.core.errors import NotFound
from stratadesk.notifications.models import (
    EmailDelivery,
    EmailStatus,
    WebhookDelivery,
    WebhookEndpoint,
)
from stratadesk.people.permissions import OWN_ORGANISATION, Action, scope_for


def visible_endpoints(user) -> QuerySet[WebhookEndpoint]:
    scope = scope_for(user, Action.MANAGE_WEBHOOKS)
    endpoints = WebhookEndpoint.objects.select_related("client", "created_by")
    if scope is None:
        return endpoints.none()
    if scope is OWN_ORGANISATION:
        return endpoints.filter(client_id=user.client_id)
    return endpoints


def endpoint_for(user, endpoint_id) -> WebhookEndpoint:
    endpoint = visible_endpoints(user).filter(pk=endpoint_id).first()
    if endpoint is None:
        raise NotFound("No such webhook endpoint.")
    return endpoint


def delivery_for(user, delivery_id) -> WebhookDelivery:
    delivery = (
        WebhookDelivery.objects.select_related("endpoint__client")
        .filter(pk=delivery_id, endpoint__in=visible_endpoints(user))
        .first()
    )
    if delivery is None:
        raise NotFound("No such webhook delivery.")
    return delivery


# The order the outbox lists emails in: what needs a person first.
_STATUS_RANK = Case(
    When(status=EmailStatus.FAILED, then=Value(0)),
    When(status=EmailStatus.SENDING, then=Value(1)),
    When(status=EmailStatus.PENDING, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def email_outbox(status: str = "") -> QuerySet[EmailDelivery]:
    """Email deliveries, failed first then newest first; only `status` when given."""
    deliveries = EmailDelivery.objects.select_related("ticket", "client").defer(
        "body_text", "body_html", "headers"
    )
    if status:
        deliveries = deliveries.filter(status=status)
    return deliveries.annotate(status_rank=_STATUS_RANK).order_by("status_rank", "-pk")


def email_delivery(delivery_id) -> EmailDelivery:
    delivery = (
        EmailDelivery.objects.select_related("ticket", "client", "user", "contact")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None:
        raise NotFound("No such email.")
    return delivery
