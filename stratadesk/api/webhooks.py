"""Webhook endpoints and their deliveries over the API.

A client key with the webhooks:manage scope manages its own organisation's endpoints;
an Admin's staff token manages any client's. Everything else is refused by the
permission matrix, and another organisation's endpoint answers 404.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from stratadesk.api import webhook_serializers as ws
from stratadesk.api.base import ApiView
from stratadesk.api.serializers import page_of
from stratadesk.clients.models import ClientOrganisation
from stratadesk.core.errors import PermissionDenied, ValidationFailed
from stratadesk.notifications import webhooks
from stratadesk.notifications.selectors import (
    delivery_for,
    endpoint_for,
    visible_endpoints,
)
from stratadesk.people.permissions import Action, can


class DeliveryCursor(CursorPagination):
    ordering = "-created_at"
    page_size = 50


def _require_manage(view) -> None:
    if not can(view.caller, Action.MANAGE_WEBHOOKS):
        raise PermissionDenied(
            "Managing webhooks needs an Admin's token or a client key with the "
            "webhooks:manage scope.",
            code="scope_missing" if view.is_client_key else "permission_denied",
        )


class EndpointListView(ApiView):
    @extend_schema(
        operation_id="webhooks_endpoints_list",
        responses=ws.WebhookEndpointSerializer(many=True),
    )
    def get(self, request):
        _require_manage(self)
        endpoints = visible_endpoints(self.caller).order_by("pk")
        return Response(ws.WebhookEndpointSerializer(endpoints, many=True).data)

    @extend_schema(
        operation_id="webhooks_endpoints_create",
        request=ws.WebhookEndpointCreateSerializer,
        responses={201: ws.WebhookEndpointSerializer},
    )
    def post(self, request):
        return self.idempotent(self.create, request)

    def create(self, request):
        _require_manage(self)
        body = ws.WebhookEndpointCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        client = self._client_for(data.pop("client", None))
        endpoint = webhooks.create_endpoint(self.actor(), client, **data)
        return Response(ws.WebhookEndpointSerializer(endpoint).data, status=201)

    def _client_for(self, slug) -> ClientOrganisation:
        if self.is_client_key:
            if slug and slug != self.caller.client.slug:
                raise ValidationFailed(
                    "A client key registers endpoints for its own organisation.",
                    fields={"client": ["Leave this out; the key names the client."]},
                )
            return self.caller.client
        client = ClientOrganisation.objects.filter(slug=slug).first() if slug else None
        if client is None:
            raise ValidationFailed(
                "Name the client organisation.",
                fields={"client": ["The slug of an existing client organisation."]},
            )
        return client


class EndpointDetailView(ApiView):
    @extend_schema(
        operation_id="webhooks_endpoints_read",
        responses=ws.WebhookEndpointSerializer,
    )
    def get(self, request, endpoint_id):
        endpoint = endpoint_for(self.caller, endpoint_id)
        return Response(ws.WebhookEndpointSerializer(endpoint).data)

    @extend_schema(
        operation_id="webhooks_endpoints_update",
        request=ws.WebhookEndpointUpdateSerializer,
        responses=ws.WebhookEndpointSerializer,
    )
    def patch(self, request, endpoint_id):
        body = ws.WebhookEndpointUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        endpoint = endpoint_for(self.caller, endpoint_id)
        endpoint = webhooks.update_endpoint(
            self.actor(), endpoint, **body.validated_data
        )
        return Response(ws.WebhookEndpointSerializer(endpoint).data)

    @extend_schema(operation_id="webhooks_endpoints_delete", responses={204: None})
    def delete(self, request, endpoint_id):
        endpoint = endpoint_for(self.caller, endpoint_id)
        webhooks.delete_endpoint(self.actor(), endpoint)
        return Response(status=204)


class EndpointRotateView(ApiView):
    @extend_schema(
        operation_id="webhooks_endpoints_rotate_secret",
        request=None,
        responses=ws.WebhookEndpointSerializer,
        description="A new signing secret, used for every message from now on.",
    )
    def post(self, request, endpoint_id):
        return self.idempotent(self.create, request, endpoint_id)

    def create(self, request, endpoint_id):
        endpoint = endpoint_for(self.caller, endpoint_id)
        endpoint = webhooks.rotate_secret(self.actor(), endpoint)
        return Response(ws.WebhookEndpointSerializer(endpoint).data)


class DeliveryListView(ApiView):
    query_params = ("cursor",)

    @extend_schema(
        operation_id="webhooks_deliveries_list",
        parameters=[OpenApiParameter("cursor", OpenApiTypes.STR)],
        responses=page_of(ws.WebhookDeliverySerializer, "WebhookDeliveryPage"),
    )
    def get(self, request, endpoint_id):
        endpoint = endpoint_for(self.caller, endpoint_id)
        deliveries = endpoint.deliveries.prefetch_related("attempts")
        paginator = DeliveryCursor()
        page = paginator.paginate_queryset(deliveries, request, view=self)
        return paginator.get_paginated_response(
            ws.WebhookDeliverySerializer(page, many=True).data
        )


class DeliveryReplayView(ApiView):
    @extend_schema(
        operation_id="webhooks_deliveries_replay",
        request=None,
        responses=ws.WebhookDeliverySerializer,
        description="Send a finished delivery again, with the same message id.",
    )
    def post(self, request, delivery_id):
        return self.idempotent(self.create, request, delivery_id)

    def create(self, request, delivery_id):
        delivery = delivery_for(self.caller, delivery_id)
        delivery = webhooks.replay_delivery(self.actor(), delivery)
        return Response(ws.WebhookDeliverySerializer(delivery).data)
