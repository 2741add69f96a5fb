"""Time and materials on a ticket over the API, for MSP staff.

What staff may read and log follows the matrix as in the console: costs are staff
only, and only the assignee (or Operations and Admins) logs work. Client keys are
never given these: an organisation sees its work in the SVR instead.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from stratadesk.api.base import ApiView
from stratadesk.api.serializers import StrictSerializer
from stratadesk.core.errors import NotFound
from stratadesk.people.permissions import Action, can
from stratadesk.tickets import services
from stratadesk.tickets.models import WorkType
from stratadesk.tickets.selectors import ticket_for


class TimeEntryCreateSerializer(StrictSerializer):
    minutes = serializers.IntegerField(min_value=1, max_value=24 * 60)
    work_date = serializers.DateField()
    work_type = serializers.ChoiceField(choices=WorkType.values)
    billable = serializers.BooleanField(default=True)
    note = serializers.CharField(max_length=300, required=False, default="")


class TimeEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    engineer = serializers.SerializerMethodField()
    work_date = serializers.DateField()
    minutes = serializers.IntegerField()
    work_type = serializers.CharField()
    billable = serializers.BooleanField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()

    def get_engineer(self, entry) -> str:
        return entry.engineer.get_full_name() or entry.engineer.get_username()


class MaterialCreateSerializer(StrictSerializer):
    item = serializers.CharField(max_length=200)
    quantity = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)
    unit_price = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, help_text="Excluding GST."
    )
    billable = serializers.BooleanField(default=True)


class MaterialSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    item = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=10, decimal_places=2)
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2)
    billable = serializers.BooleanField()
    created_at = serializers.DateTimeField()


def _costed_ticket(view, number):
    """The ticket, if the caller may read its work log; 404 otherwise, as for clients
    the log does not exist."""
    ticket = ticket_for(view.caller, number)
    if not can(view.caller, Action.READ_COSTS, ticket):
        raise NotFound(f"{ticket.reference} has no work log you can read.")
    return ticket


class TimeEntryListView(ApiView):
    @extend_schema(
        operation_id="tickets_time_list", responses=TimeEntrySerializer(many=True)
    )
    def get(self, request, number):
        ticket = _costed_ticket(self, number)
        entries = ticket.time_entries.select_related("engineer").order_by("pk")
        return Response(TimeEntrySerializer(entries, many=True).data)

    @extend_schema(
        operation_id="tickets_time_create",
        request=TimeEntryCreateSerializer,
        responses={201: TimeEntrySerializer},
    )
    def post(self, request, number):
        return self.idempotent(self.create, request, number)

    def create(self, request, number):
        body = TimeEntryCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ticket = _costed_ticket(self, number)
        entry = services.log_time(self.actor(), ticket, **body.validated_data)
        return Response(TimeEntrySerializer(entry).data, status=201)


class MaterialListView(ApiView):
    @extend_schema(
        operation_id="tickets_materials_list", responses=MaterialSerializer(many=True)
    )
    def get(self, request, number):
        ticket = _costed_ticket(self, number)
        entries = ticket.material_entries.order_by("pk")
        return Response(MaterialSerializer(entries, many=True).data)

    @extend_schema(
        operation_id="tickets_materials_create",
        request=MaterialCreateSerializer,
        responses={201: MaterialSerializer},
    )
    def post(self, request, number):
        return self.idempotent(self.create, request, number)

    def create(self, request, number):
        body = MaterialCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ticket = _costed_ticket(self, number)
        entry = services.add_material(self.actor(), ticket, **body.validated_data)
        return Response(MaterialSerializer(entry).data, status=201)
