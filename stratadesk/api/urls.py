"""Routes of REST API v1, under /api/v1/."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularJSONAPIView

from stratadesk.api import tickets, webhooks, work
from stratadesk.api.docs import ApiDocsView
from stratadesk.api.problems import unknown_url

app_name = "api"

urlpatterns = [
    path(
        "openapi.json",
        SpectacularJSONAPIView.as_view(
            authentication_classes=[], permission_classes=[]
        ),
        name="schema",
    ),
    path("docs", ApiDocsView.as_view(url_name="api:schema"), name="docs"),
    path("tickets", tickets.TicketListView.as_view(), name="tickets"),
    path("tickets/<int:number>", tickets.TicketDetailView.as_view(), name="ticket"),
    path(
        "tickets/<int:number>/transitions",
        tickets.TransitionView.as_view(),
        name="ticket_transitions",
    ),
    path(
        "tickets/<int:number>/comments",
        tickets.CommentListView.as_view(),
        name="ticket_comments",
    ),
    path(
        "tickets/<int:number>/attachments",
        tickets.AttachmentListView.as_view(),
        name="ticket_attachments",
    ),
    path(
        "tickets/<int:number>/attachments/<int:attachment_id>/content",
        tickets.AttachmentContentView.as_view(),
        name="ticket_attachment_content",
    ),
    path(
        "tickets/<int:number>/events",
        tickets.EventListView.as_view(),
        name="ticket_events",
    ),
    path(
        "tickets/<int:number>/time-entries",
        work.TimeEntryListView.as_view(),
        name="ticket_time_entries",
    ),
    path(
        "tickets/<int:number>/materials",
        work.MaterialListView.as_view(),
        name="ticket_materials",
    ),
    path("tickets/<int:number>/svr", tickets.SvrView.as_view(), name="ticket_svr"),
    path(
        "tickets/<int:number>/svr/versions",
        tickets.SvrVersionsView.as_view(),
        name="ticket_svr_versions",
    ),
    path(
        "tickets/<int:number>/svr/approve",
        tickets.SvrApproveView.as_view(),
        name="ticket_svr_approve",
    ),
    path(
        "tickets/<int:number>/svr/reject",
        tickets.SvrRejectView.as_view(),
        name="ticket_svr_reject",
    ),
    path(
        "webhooks/endpoints",
        webhooks.EndpointListView.as_view(),
        name="webhook_endpoints",
    ),
    path(
        "webhooks/endpoints/<int:endpoint_id>",
        webhooks.EndpointDetailView.as_view(),
        name="webhook_endpoint",
    ),
    path(
        "webhooks/endpoints/<int:endpoint_id>/rotate-secret",
        webhooks.EndpointRotateView.as_view(),
        name="webhook_endpoint_rotate",
    ),
    path(
        "webhooks/endpoints/<int:endpoint_id>/deliveries",
        webhooks.DeliveryListView.as_view(),
        name="webhook_deliveries",
    ),
    path(
        "webhooks/deliveries/<int:delivery_id>/replay",
        webhooks.DeliveryReplayView.as_view(),
        name="webhook_delivery_replay",
    ),
    # Anything else under /api/ is a problem+json 404, never an HTML page.
    re_path(r"^.*$", unknown_url),
]
