"""What goes over the wire: request bodies in, resources out.

Request serializers refuse fields they do not know, so a misspelt field is an error
rather than a silently dropped value. Response serializers decide what each caller
sees; anything staff-only is added only for callers who may read it.
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from rest_framework import serializers

from stratadesk.clients.models import Priority
from stratadesk.tickets.models import Stage


class StrictSerializer(serializers.Serializer):
    def to_internal_value(self, data):
        unknown = {}
        if isinstance(data, dict):
            unknown = {
                name: ["This field is not part of the request."]
                for name in sorted(set(data) - set(self.fields))
            }
        # Every problem in one answer: unknown fields beside the invalid known ones.
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if unknown and isinstance(exc.detail, dict):
                raise serializers.ValidationError({**exc.detail, **unknown}) from None
            raise
        if unknown:
            raise serializers.ValidationError(unknown)
        return value


# Requests --------------------------------------------------------------------------


class TicketCreateSerializer(StrictSerializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=20_000)
    priority = serializers.ChoiceField(choices=Priority.values, required=False)
    category = serializers.CharField(
        max_length=80, required=False, help_text="A category name."
    )
    requester = serializers.EmailField(
        help_text="The requesting contact's email; a new contact is made for a "
        "client key's organisation if none has it."
    )
    requester_name = serializers.CharField(max_length=150, required=False)
    external_ref = serializers.CharField(max_length=100, required=False)
    client = serializers.SlugField(
        required=False,
        help_text="Staff tokens only: the client organisation's slug.",
    )


class CommentCreateSerializer(StrictSerializer):
    body = serializers.CharField(max_length=20_000)
    public = serializers.BooleanField(
        default=True, help_text="Staff only: false writes an internal note."
    )


class TransitionSerializer(serializers.Serializer):
    """`to` names the stage; the move's gate fields go alongside it."""

    to = serializers.ChoiceField(choices=Stage.values)
    version = serializers.IntegerField(
        required=False,
        help_text="The ticket version you decided on; a newer ticket answers 409.",
    )


class SvrApproveSerializer(StrictSerializer):
    typed_name = serializers.CharField(
        max_length=150, help_text="The approver's name, typed as a signature."
    )
    declaration = serializers.BooleanField(
        help_text="true: the approver confirms the work described was completed to "
        "their satisfaction."
    )
    approver = serializers.EmailField(
        required=False,
        help_text="Client keys: the approving contact's email (one the SVR was "
        "issued to).",
    )
    document_hash = serializers.CharField(
        required=False,
        max_length=64,
        help_text="The SVR's document_hash as read; a different one answers 409.",
    )


class SvrRejectSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=5000)
    approver = serializers.EmailField(required=False)


# Responses -------------------------------------------------------------------------


class PersonSerializer(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.EmailField(required=False)


class GateFieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.CharField()
    required = serializers.BooleanField()
    choices = serializers.ListField(child=serializers.CharField())


class AllowedTransitionSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    to = serializers.ChoiceField(choices=Stage.values)
    fields = GateFieldSerializer(many=True)


class SlaClockSerializer(serializers.Serializer):
    """One SLA clock, in business time on the client's calendar."""

    kind = serializers.ChoiceField(choices=["response", "resolution"])
    state = serializers.ChoiceField(choices=["running", "paused", "met", "breached"])
    target_minutes = serializers.SerializerMethodField()
    used_minutes = serializers.SerializerMethodField()
    left_minutes = serializers.SerializerMethodField()
    due_at = serializers.SerializerMethodField(
        help_text="When the target runs out, with the calendar's UTC offset; for a "
        "paused clock, as if it resumed now."
    )
    met_at = serializers.SerializerMethodField()
    breached_at = serializers.SerializerMethodField()
    timezone = serializers.CharField(help_text="The calendar's IANA zone.")

    def get_target_minutes(self, clock) -> int:
        return int(clock["target"].total_seconds() // 60)

    def get_used_minutes(self, clock) -> int:
        return int(clock["used"].total_seconds() // 60)

    def get_left_minutes(self, clock) -> int:
        return int(clock["left"].total_seconds() // 60)

    def get_due_at(self, clock) -> str:
        return self._local(clock, "due_at")

    def get_met_at(self, clock) -> str | None:
        return self._local(clock, "met_at")

    def get_breached_at(self, clock) -> str | None:
        return self._local(clock, "breached_at")

    @staticmethod
    def _local(clock, name):
        # Every instant of a clock with the calendar's own offset, as one reads it.
        moment = clock[name]
        if moment is None:
            return None
        return moment.astimezone(ZoneInfo(clock["timezone"])).isoformat()


class TicketSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="number")
    reference = serializers.CharField()
    url = serializers.SerializerMethodField()
    title = serializers.CharField()
    description = serializers.CharField()
    stage = serializers.ChoiceField(choices=Stage.values)
    priority = serializers.ChoiceField(choices=Priority.values)
    category = serializers.CharField(source="category.name", allow_null=True)
    external_ref = serializers.CharField()
    client = serializers.SlugField(source="client.slug")
    requester = PersonSerializer()
    assignee = serializers.SerializerMethodField()
    channel = serializers.CharField()
    close_reason = serializers.CharField()
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    stage_changed_at = serializers.DateTimeField()
    first_response_at = serializers.DateTimeField(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)

    def get_url(self, ticket) -> str:
        return f"{settings.SITE_URL}/api/v1/tickets/{ticket.number}"

    def get_assignee(self, ticket) -> PersonSerializer(allow_null=True):
        if ticket.assignee is None:
            return None
        return {"name": ticket.assignee.get_full_name() or ticket.assignee.username}

    def to_representation(self, ticket):
        data = super().to_representation(ticket)
        data["category"] = ticket.category.name if ticket.category else None
        return data


class TicketDetailSerializer(TicketSerializer):
    allowed_transitions = AllowedTransitionSerializer(many=True)
    sla = SlaClockSerializer(many=True)
    staff = serializers.DictField(
        required=False,
        help_text="Staff-only fields; absent for client callers.",
    )


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    body = serializers.CharField()
    public = serializers.BooleanField(source="is_public")
    author = serializers.CharField(source="author_label")
    channel = serializers.CharField()
    created_at = serializers.DateTimeField()


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    public = serializers.BooleanField(source="is_public")
    created_at = serializers.DateTimeField()


class EventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    from_stage = serializers.CharField()
    to_stage = serializers.CharField()
    actor = serializers.CharField(required=False)
    reason = serializers.CharField(required=False)


class SvrApprovalSerializer(serializers.Serializer):
    approver = serializers.EmailField(source="contact.email")
    typed_name = serializers.CharField()
    approved_at = serializers.DateTimeField()
    channel = serializers.CharField()
    document_hash = serializers.CharField(
        help_text="SHA-256 of the document this approver was shown."
    )


class SvrSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    status = serializers.CharField()
    work_summary = serializers.CharField()
    content = serializers.DictField(
        help_text="The frozen report: work log with totals, materials, SLA outcome, "
        "evidence files."
    )
    content_hash = serializers.CharField()
    document_hash = serializers.CharField(
        help_text="SHA-256 of the rendered report; send it back when approving to "
        "sign exactly this version."
    )
    issued_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    typed_name = serializers.CharField()
    decision_reason = serializers.CharField()
    approval_rule = serializers.CharField(
        help_text="any: one approval closes it; all: every approver must approve.",
    )
    reminder_due_at = serializers.DateTimeField(allow_null=True)
    auto_approve_due_at = serializers.DateTimeField(allow_null=True)
    approvers = serializers.SerializerMethodField()
    approvals = SvrApprovalSerializer(many=True, source="approvals.all")

    def get_approvers(self, svr) -> list[str]:
        return [contact.email for contact in svr.approvers.all()]


class ProblemFieldSerializer(serializers.Serializer):
    field = serializers.CharField()
    detail = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details, as every error is answered."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    instance = serializers.CharField()
    code = serializers.CharField()
    request_id = serializers.CharField()
    errors = ProblemFieldSerializer(many=True, required=False)


def page_of(item_serializer, name: str):
    """The shape of a cursor-paginated list of `item_serializer`, for the document."""
    return type(
        name,
        (serializers.Serializer,),
        {
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item_serializer(many=True),
        },
    )
