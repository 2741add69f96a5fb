"""Webhook endpoints and deliveries, fetched only as far as the caller may manage them.

Another organisation's endpoint answers exactly like one that does not exist.
"""

from django.db.models import QuerySet

from stratadesk.core.errors import NotFound
from stratadesk.notifications.models import WebhookDelivery, WebhookEndpoint
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
