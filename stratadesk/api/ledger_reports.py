"""The ledger's reference data, reports and BAS over the API, for Accounts and Admin.

The BAS answers every label as a whole-dollar JSON number keyed by its name, in the
shape `stratadesk bas --format json` prints; lodging a period keeps that answer and
locks the period.
"""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from stratadesk.api import ledger_serializers as ls
from stratadesk.api.ledger import LedgerView, ledger_url
from stratadesk.ledger import bas, gst, reports, services
from stratadesk.ledger.models import Account, LedgerSettings, LodgedPeriod


class CsvRenderer(BaseRenderer):
    """Lets a caller ask for text/csv. Only errors pass through it: the CSV itself
    is answered as a plain response, and a problem is still written as JSON (its
    content type says application/problem+json)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, str):
            return data.encode()
        return JSONRenderer().render(data)


def _query(serializer_class, request) -> dict:
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return dict(query.validated_data)


class AccountListView(LedgerView):
    @extend_schema(
        operation_id="ledger_accounts_list", responses=ls.AccountSerializer(many=True)
    )
    def get(self, request):
        accounts = Account.objects.order_by("code")
        return Response(ls.AccountSerializer(accounts, many=True).data)


class TaxCodeListView(LedgerView):
    @extend_schema(
        operation_id="ledger_tax_codes_list",
        responses=ls.TaxCodeSerializer(many=True),
        description="Every tax code and the BAS labels its amounts count at.",
    )
    def get(self, request):
        return Response(ls.TaxCodeSerializer(gst.TAX_CODES.values(), many=True).data)


class BasView(LedgerView):
    query_params = ("start", "end", "basis")

    @extend_schema(
        operation_id="ledger_bas_read",
        parameters=[ls.BasisPeriodQuerySerializer],
        responses=ls.BasSerializer,
        description="The BAS for `start`..`end` (inclusive): every label as a "
        "whole-dollar number keyed by its name, both GST methods and the due date. "
        "A lodged period answers the report as it was lodged (`lodged` true).",
    )
    def get(self, request):
        query = _query(ls.BasisPeriodQuerySerializer, request)
        start, end, basis = query["start"], query["end"], query.get("basis")
        lodged = LodgedPeriod.objects.filter(start=start, end=end).first()
        if lodged is not None and basis in (None, "", lodged.basis):
            # What was lodged is what the ATO has; later documents never change it.
            return Response({**lodged.report, "lodged": True})
        report = bas.bas_report(start, end, basis)
        return Response({**bas.as_json(report), "lodged": False})


class BasCsvView(LedgerView):
    query_params = ("start", "end", "basis")
    renderer_classes = [JSONRenderer, CsvRenderer]

    @extend_schema(
        operation_id="ledger_bas_csv",
        parameters=[ls.BasisPeriodQuerySerializer],
        responses={(200, "text/csv"): OpenApiTypes.STR},
        description="The same BAS as CSV rows of section, label and value.",
    )
    def get(self, request):
        query = _query(ls.BasisPeriodQuerySerializer, request)
        report = bas.bas_report(query["start"], query["end"], query.get("basis"))
        name = f"bas-{report.start}-{report.end}-{report.basis}.csv"
        return HttpResponse(
            bas.as_csv(report),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )


class PeriodListView(LedgerView):
    @extend_schema(
        operation_id="ledger_periods_list",
        responses=ls.LodgedPeriodSerializer(many=True),
    )
    def get(self, request):
        periods = LodgedPeriod.objects.order_by("start")
        return Response(ls.LodgedPeriodSerializer(periods, many=True).data)

    @extend_schema(
        operation_id="ledger_periods_lodge",
        request=ls.PeriodLodgeSerializer,
        responses={201: ls.LodgedPeriodSerializer},
        description="Mark a BAS period lodged: its report is kept as lodged and "
        "nothing dated inside it posts any more.",
    )
    def post(self, request):
        return self.idempotent(self.create, request)

    def create(self, request):
        body = ls.PeriodLodgeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        period = services.lodge_period(self.actor(), **body.validated_data)
        return Response(
            ls.LodgedPeriodSerializer(period).data,
            status=201,
            headers={"Location": ledger_url("periods")},
        )


class TrialBalanceView(LedgerView):
    query_params = ("as_of",)

    @extend_schema(
        operation_id="ledger_reports_trial_balance",
        parameters=[ls.AsOfQuerySerializer],
        responses=ls.TrialBalanceSerializer,
    )
    def get(self, request):
        query = _query(ls.AsOfQuerySerializer, request)
        report = reports.trial_balance(query["as_of"])
        return Response(ls.TrialBalanceSerializer(report).data)


class ProfitAndLossView(LedgerView):
    query_params = ("start", "end")

    @extend_schema(
        operation_id="ledger_reports_profit_and_loss",
        parameters=[ls.PeriodQuerySerializer],
        responses=ls.ProfitAndLossSerializer,
    )
    def get(self, request):
        query = _query(ls.PeriodQuerySerializer, request)
        report = reports.profit_and_loss(query["start"], query["end"])
        return Response(ls.ProfitAndLossSerializer(report).data)


class AgedReceivablesView(LedgerView):
    query_params = ("as_of",)

    @extend_schema(
        operation_id="ledger_reports_aged_receivables",
        parameters=[ls.AsOfQuerySerializer],
        responses=ls.AgedReceivablesSerializer,
        description="Each unpaid invoice by days since its date: current (0 to 30), "
        "30 (31 to 60), 60 (61 to 90) and 90+.",
    )
    def get(self, request):
        query = _query(ls.AsOfQuerySerializer, request)
        report = reports.aged_receivables(query["as_of"])
        return Response(ls.AgedReceivablesSerializer(report).data)


class GstDetailView(LedgerView):
    query_params = ("start", "end", "basis")

    @extend_schema(
        operation_id="ledger_reports_gst_detail",
        parameters=[ls.BasisPeriodQuerySerializer],
        responses=ls.GstDetailSerializer,
    )
    def get(self, request):
        query = _query(ls.BasisPeriodQuerySerializer, request)
        basis = query.get("basis") or LedgerSettings.current().basis
        report = reports.gst_detail(query["start"], query["end"], basis)
        return Response(ls.GstDetailSerializer(report).data)
