"""Tickets over the API: create, list, read, move, comment, attach, history, SVRs.

Every object is fetched through the selectors scoped to the caller, so another
organisation's ticket answers exactly as a ticket that does not exist.
"""

import logging
from datetime import UTC, datetime

from django.conf import settings
from django.db import transaction
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers as drf
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from stratadesk.api import serializers as s
from stratadesk.api.base import ApiView
from stratadesk.clients.models import ClientOrganisation
from stratadesk.clients.services import contact_for_email
from stratadesk.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from stratadesk.people.lockout import client_ip
from stratadesk.people.permissions import Action, can
from stratadesk.sla import services as sla
from stratadesk.svr.models import ServiceVerificationReport
from stratadesk.tickets import services
from stratadesk.tickets.models import Category, Priority, Stage
from stratadesk.tickets.selectors import (
    ticket_for,
    visible_attachments,
    visible_comments,
    visible_events,
    visible_tickets,
)

logger = logging.getLogger(__name__)


def ticket_url(ticket) -> str:
    return f"{settings.SITE_URL}/api/v1/tickets/{ticket.number}"


class TicketCursor(CursorPagination):
    ordering = "-number"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except Exception:  # DRF raises NotFound for a cursor it cannot read
            raise ValidationFailed(
                "The cursor is not valid; use the `next` link as given.",
                code="invalid_cursor",
                fields={"cursor": ["Not a cursor this API issued."]},
            ) from None


def _move_data(move, approvers=()) -> dict:
    fields = [
        {
            "name": field.name,
            "label": field.label,
            "kind": field.kind,
            "required": field.required,
            "choices": [code for code, _ in field.choices],
        }
        for field in move.fields
    ]
    if approvers:
        # A client's system decides in the name of one of the SVR's approvers.
        fields.append(
            {
                "name": "approver",
                "label": "The approving contact's email",
                "kind": "email",
                "required": True,
                "choices": sorted(approvers),
            }
        )
    return {
        "name": move.name,
        "label": move.label,
        "to": move.target,
        "fields": fields,
    }


def _moves_for(view, ticket) -> list[dict]:
    """The moves open to the caller; for a client key, those of its approvers too."""
    moves = {
        m.name: _move_data(m)
        for m in services.allowed_transitions(view.actor(), ticket)
    }
    if view.is_client_key and ticket.stage == Stage.SVR_PENDING:
        svr = ticket.svrs.filter(status="pending").prefetch_related("approvers").first()
        approvers = list(svr.approvers.filter(is_active=True)) if svr else []
        emails = [contact.email for contact in approvers]
        for contact in approvers:
            actor = view.actor(contact=contact)
            for move in services.allowed_transitions(actor, ticket):
                moves.setdefault(move.name, _move_data(move, emails))
    return list(moves.values())


def detail(view, ticket) -> dict:
    """The full ticket as this caller may see it, with the moves open to them."""
    data = s.TicketSerializer(ticket).data
    data["allowed_transitions"] = _moves_for(view, ticket)
    data["sla"] = s.SlaClockSerializer(sla.live_clocks(ticket), many=True).data
    if can(view.caller, Action.READ_INTERNAL, ticket):
        data["staff"] = {
            "third_party_name": ticket.third_party_name,
            "third_party_ref": ticket.third_party_ref,
            "resolution_summary": ticket.resolution_summary,
            "not_billable": ticket.not_billable,
            "not_billable_reason": ticket.not_billable_reason,
        }
    return data


LIST_PARAMETERS = [
    OpenApiParameter("stage", OpenApiTypes.STR, enum=Stage.values),
    OpenApiParameter("priority", OpenApiTypes.STR, enum=Priority.values),
    OpenApiParameter(
        "updated_since",
        OpenApiTypes.DATETIME,
        description="ISO 8601 instant with an offset; tickets changed at or after it.",
    ),
    OpenApiParameter("external_ref", OpenApiTypes.STR),
    OpenApiParameter("cursor", OpenApiTypes.STR),
    OpenApiParameter("page_size", OpenApiTypes.INT, description="1 to 200."),
]


class TicketListView(ApiView):
    query_params = (
        "stage",
        "priority",
        "updated_since",
        "external_ref",
        "cursor",
        "page_size",
    )

    @extend_schema(
        operation_id="tickets_list",
        parameters=LIST_PARAMETERS,
        responses=s.page_of(s.TicketSerializer, "TicketPage"),
    )
    def get(self, request):
        tickets = self._filtered(request).select_related(
            "client", "requester", "assignee", "category"
        )
        paginator = TicketCursor()
        try:
            page = paginator.paginate_queryset(tickets, request, view=self)
        except (ValueError, TypeError, OverflowError):
            # A cursor that decodes but names no position this API ever gave.
            raise ValidationFailed(
                "The cursor is not valid; use the `next` link as given.",
                code="invalid_cursor",
                fields={"cursor": ["Not a cursor this API issued."]},
            ) from None
        return paginator.get_paginated_response(
            s.TicketSerializer(page, many=True).data
        )

    def _filtered(self, request):
        tickets = visible_tickets(self.caller)
        params = request.query_params
        errors = {}
        if "stage" in params:
            if params["stage"] not in Stage.values:
                errors["stage"] = [f"One of {', '.join(Stage.values)}."]
            tickets = tickets.filter(stage=params["stage"])
        if "priority" in params:
            if params["priority"] not in Priority.values:
                errors["priority"] = [f"One of {', '.join(Priority.values)}."]
            tickets = tickets.filter(priority=params["priority"])
        if "updated_since" in params:
            since = _instant(params["updated_since"])
            if since is None:
                errors["updated_since"] = [
                    "An ISO 8601 instant with an offset, e.g. "
                    "2026-12-01T09:00:00+11:00."
                ]
            else:
                tickets = tickets.filter(updated_at__gte=since)
        if "external_ref" in params:
            tickets = tickets.filter(external_ref=params["external_ref"])
        if "page_size" in params:
            size = params["page_size"]
            if not size.isdigit() or not 1 <= int(size) <= TicketCursor.max_page_size:
                errors["page_size"] = ["A whole number from 1 to 200."]
        if errors:
            raise ValidationFailed("Some filters are not valid.", fields=errors)
        return tickets

    @extend_schema(
        operation_id="tickets_create",
        request=s.TicketCreateSerializer,
        responses={201: s.TicketDetailSerializer},
    )
    def post(self, request):
        return self.idempotent(self.create, request)

    def create(self, request):
        body = s.TicketCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        actor = self.actor()
        client = self._client_for(data)
        category = _category(data.get("category"))

        try:
            with transaction.atomic():
                requester = contact_for_email(
                    actor,
                    client,
                    data["requester"],
                    name=data.get("requester_name", ""),
                )
                ticket = services.create_ticket(
                    actor,
                    client=client,
                    title=data["title"],
                    description=data["description"],
                    requester=requester,
                    priority=data.get("priority", ""),
                    category=category,
                    external_ref=data.get("external_ref", ""),
                )
        except Conflict as exc:
            if exc.code == "duplicate_external_ref":
                raise self._duplicate(client, data["external_ref"]) from None
            raise

        # The service's own instance carries what the answer shows (client,
        # requester, category); reading it back would repeat a seven-join query.
        return Response(
            detail(self, ticket), status=201, headers={"Location": ticket_url(ticket)}
        )

    def _client_for(self, data) -> ClientOrganisation:
        if self.is_client_key:
            if "client" in data and data["client"] != self.caller.client.slug:
                raise ValidationFailed(
                    "A client key raises tickets for its own organisation only.",
                    fields={"client": ["Leave this out; the key names the client."]},
                )
            return self.caller.client
        slug = data.get("client")
        client = ClientOrganisation.objects.filter(slug=slug).first() if slug else None
        if client is None:
            raise ValidationFailed(
                "Name the client organisation.",
                fields={"client": ["The slug of an existing client organisation."]},
            )
        return client

    def _duplicate(self, client, external_ref) -> Conflict:
        existing = (
            visible_tickets(self.caller)
            .filter(client=client, external_ref=external_ref)
            .first()
        )
        extra = {"ticket_url": ticket_url(existing)} if existing else {}
        return Conflict(
            f"A ticket with external_ref {external_ref!r} already exists.",
            code="duplicate_external_ref",
            **extra,
        )


def _flag(text) -> bool:
    """A multipart true/false field, read as the gate forms read flags."""
    value = str(text).strip().lower()
    if value in ("true", "1", "yes", "on"):
        return True
    if value in ("false", "0", "no", "off"):
        return False
    raise ValidationFailed(
        "The upload is not valid.", fields={"public": ["true or false."]}
    )


def _instant(text: str) -> datetime | None:
    try:
        value = datetime.fromisoformat(text)
        # An instant near the ends of the calendar may not exist in UTC.
        value.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    return value if value.tzinfo is not None else None


def _category(name):
    if not name:
        return None
    category = Category.objects.filter(name__iexact=name, is_active=True).first()
    if category is None:
        raise ValidationFailed(
            "Unknown category.",
            fields={"category": ["The name of an active category."]},
        )
    return category


class TicketDetailView(ApiView):
    @extend_schema(operation_id="tickets_read", responses=s.TicketDetailSerializer)
    def get(self, request, number):
        return Response(detail(self, ticket_for(self.caller, number)))


class TransitionView(ApiView):
    @extend_schema(
        operation_id="tickets_transition",
        request=inline_serializer(
            "TransitionRequest",
            fields={
                "to": drf.ChoiceField(choices=Stage.values),
                "version": drf.IntegerField(required=False),
            },
        ),
        responses=s.TicketDetailSerializer,
        description=(
            "Move the ticket to the stage `to`. The move's gate fields (see the "
            "ticket's `allowed_transitions`) go alongside `to` in the same object."
        ),
    )
    def post(self, request, number):
        return self.idempotent(self.create, request, number)

    def create(self, request, number):
        if not isinstance(request.data, dict):
            raise ValidationFailed("Send a JSON object.", code="malformed_body")
        gate = dict(request.data)
        head = s.TransitionSerializer(
            data={k: gate.pop(k) for k in ("to", "version") if k in gate}
        )
        head.is_valid(raise_exception=True)

        ticket = ticket_for(self.caller, number)
        version = head.validated_data.get("version")
        if version is not None and version != ticket.version:
            raise Conflict(
                f"{ticket.reference} is at version {ticket.version}, not {version}; "
                "read it again and decide on what it is now.",
                code="stale_ticket",
            )
        contact = None
        if self.is_client_key and "approver" in gate:
            contact = approver_for(self, ticket, gate.pop("approver"))
        services.transition_to(
            self.actor(contact=contact),
            ticket,
            head.validated_data["to"],
            gate,
            ip=client_ip(request),
            user_agent=request.headers.get("User-Agent", "")[:500],
        )
        return Response(detail(self, ticket_for(self.caller, number)))


class CommentListView(ApiView):
    @extend_schema(
        operation_id="tickets_comments_list", responses=s.CommentSerializer(many=True)
    )
    def get(self, request, number):
        ticket = ticket_for(self.caller, number)
        comments = visible_comments(self.caller, ticket)
        return Response(s.CommentSerializer(comments, many=True).data)

    @extend_schema(
        operation_id="tickets_comments_create",
        request=s.CommentCreateSerializer,
        responses={201: s.CommentSerializer},
        description=(
            "A client's reply to a closed ticket opens a linked follow-up ticket; "
            "the comment's `ticket` names the ticket it landed on."
        ),
    )
    def post(self, request, number):
        return self.idempotent(self.create, request, number)

    def create(self, request, number):
        body = s.CommentCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ticket = ticket_for(self.caller, number)
        comment = services.add_comment(
            self.actor(),
            ticket,
            body.validated_data["body"],
            public=body.validated_data["public"],
        )
        data = s.CommentSerializer(comment).data
        data["ticket"] = comment.ticket.number
        return Response(data, status=201)


class AttachmentListView(ApiView):
    parser_classes = [MultiPartParser]

    def max_body_bytes(self) -> int:
        # The file plus room for the multipart framing around it.
        return settings.ATTACHMENT_MAX_BYTES + 64 * 1024

    @extend_schema(
        operation_id="tickets_attachments_list",
        responses=s.AttachmentSerializer(many=True),
    )
    def get(self, request, number):
        ticket = ticket_for(self.caller, number)
        attachments = visible_attachments(self.caller, ticket)
        return Response(s.AttachmentSerializer(attachments, many=True).data)

    @extend_schema(
        operation_id="tickets_attachments_create",
        request={
            "multipart/form-data": inline_serializer(
                "AttachmentUpload",
                fields={
                    "file": drf.FileField(),
                    "public": drf.BooleanField(required=False),
                },
            )
        },
        responses={201: s.AttachmentSerializer},
    )
    def post(self, request, number):
        return self.idempotent(self.create, request, number)

    def create(self, request, number):
        unknown = sorted(set(request.data) - {"file", "public"})
        upload = request.FILES.get("file")
        if unknown or upload is None:
            fields = {name: ["Not part of the request."] for name in unknown}
            if upload is None:
                fields["file"] = ["Attach the file as the multipart field 'file'."]
            raise ValidationFailed("The upload is not valid.", fields=fields)
        public = _flag(request.data.get("public", "true"))
        if not public and self.is_client_key:
            # Refused, as an internal note is: a client's files are always public.
            raise PermissionDenied(
                "Clients cannot attach internal files.", code="permission_denied"
            )
        ticket = ticket_for(self.caller, number)
        attachment = services.add_attachment(
            self.actor(), ticket, upload, public=public
        )
        return Response(s.AttachmentSerializer(attachment).data, status=201)


class AttachmentContentView(ApiView):
    @extend_schema(
        operation_id="tickets_attachments_download",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def get(self, request, number, attachment_id):
        ticket = ticket_for(self.caller, number)
        attachment = (
            visible_attachments(self.caller, ticket).filter(pk=attachment_id).first()
        )
        if attachment is None:
            raise NotFound("No such attachment.")
        return FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )


class EventListView(ApiView):
    @extend_schema(
        operation_id="tickets_events_list", responses=s.EventSerializer(many=True)
    )
    def get(self, request, number):
        ticket = ticket_for(self.caller, number)
        staff = can(self.caller, Action.READ_INTERNAL, ticket)
        events = []
        for event in visible_events(self.caller, ticket):
            item = {
                "id": event.pk,
                "type": event.action,
                "occurred_at": event.occurred_at,
                "from_stage": event.from_stage,
                "to_stage": event.to_stage,
            }
            if staff:
                item.update(actor=event.actor_label, reason=event.reason)
            events.append(item)
        return Response(s.EventSerializer(events, many=True).data)


class SvrView(ApiView):
    @extend_schema(operation_id="tickets_svr_read", responses=s.SvrSerializer)
    def get(self, request, number):
        ticket = ticket_for(self.caller, number)
        if not can(self.caller, Action.READ_SVR, ticket):
            raise NotFound("No such SVR.")
        svr = _svrs(ticket).first()
        if svr is None:
            raise NotFound(f"{ticket.reference} has no SVR yet.", code="no_svr")
        return Response(s.SvrSerializer(svr).data)


def _svrs(ticket):
    return (
        ServiceVerificationReport.objects.filter(ticket=ticket)
        .select_related("ticket__client")
        .prefetch_related("approvers", "approvals__contact")
        .order_by("-version")
    )


class SvrVersionsView(ApiView):
    @extend_schema(
        operation_id="tickets_svr_versions_list",
        responses=s.SvrSerializer(many=True),
        description="Every version of the ticket's SVR, newest first; a rejected "
        "version stays readable.",
    )
    def get(self, request, number):
        ticket = ticket_for(self.caller, number)
        if not can(self.caller, Action.READ_SVR, ticket):
            raise NotFound("No such SVR.")
        return Response(s.SvrSerializer(_svrs(ticket), many=True).data)


class SvrPdfView(ApiView):
    @extend_schema(
        operation_id="tickets_svr_pdf",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        description="The PDF of one version of the ticket's SVR, rendered from the "
        "kept document its approvers signed. 404 with code pdf_pending until the "
        "worker has rendered it.",
    )
    def get(self, request, number, version):
        ticket = ticket_for(self.caller, number)
        if not can(self.caller, Action.READ_SVR, ticket):
            raise NotFound("No such SVR.")
        svr = ticket.svrs.filter(version=version).first()
        if svr is None:
            raise NotFound(f"{ticket.reference} has no SVR version {version}.")
        if not svr.pdf:
            raise NotFound(
                "The PDF is being rendered; try again shortly.", code="pdf_pending"
            )
        return FileResponse(
            svr.pdf.open("rb"),
            as_attachment=True,
            filename=f"{ticket.reference}-SVR-v{svr.version}.pdf",
            content_type="application/pdf",
        )


def approver_for(view, ticket, email):
    """The contact a client key decides for; staff never name one."""
    if not view.is_client_key:
        raise ValidationFailed(
            "Only client keys name an approver.",
            fields={"approver": ["Leave this out."]},
        )
    contact = ticket.client.contacts.filter(
        email__iexact=str(email or ""), is_active=True
    ).first()
    if contact is None:
        raise ValidationFailed(
            "Name the approving contact.",
            fields={"approver": ["The email of a contact the SVR was issued to."]},
        )
    return contact


class _SvrDecisionView(ApiView):
    move = ""
    body_class = None

    def create(self, request, number):
        body = self.body_class(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        ticket = ticket_for(self.caller, number)
        contact = None
        if self.is_client_key or data.get("approver"):
            contact = approver_for(self, ticket, data.pop("approver", None))
        services.transition(
            self.actor(contact=contact),
            ticket,
            self.move,
            data,
            ip=client_ip(request),
            user_agent=request.headers.get("User-Agent", "")[:500],
        )
        return Response(detail(self, ticket_for(self.caller, number)))


class SvrApproveView(_SvrDecisionView):
    move = "approve_svr"
    body_class = s.SvrApproveSerializer

    @extend_schema(
        operation_id="tickets_svr_approve",
        request=s.SvrApproveSerializer,
        responses=s.TicketDetailSerializer,
    )
    def post(self, request, number):
        return self.idempotent(self.create, request, number)


class SvrRejectView(_SvrDecisionView):
    move = "reject_svr"
    body_class = s.SvrRejectSerializer

    @extend_schema(
        operation_id="tickets_svr_reject",
        request=s.SvrRejectSerializer,
        responses=s.TicketDetailSerializer,
    )
    def post(self, request, number):
        return self.idempotent(self.create, request, number)
