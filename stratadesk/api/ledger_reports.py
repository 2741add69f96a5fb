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
from stratadesk.core.errors import NotFound
from stratadesk.ledger import bas, documents, gst, reports, services
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


class PdfRenderer(CsvRenderer):
    """Lets a caller ask for application/pdf; as with CSV, only errors pass
    through it, written as JSON."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None


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
        lodged = bas.lodged_period(start, end, basis)
        if lodged is not None:
            # What was lodged is what the ATO has; later documents never change it.
            return Response({**lodged.report, "lodged": True})
        report = bas.bas_report(start, end, basis)
        return Response({**bas.as_json(report), "lodged": False})


class BasLabelView(LedgerView):
    query_params = ("start", "end", "basis")

    @extend_schema(
        operation_id="ledger_bas_label_read",
        parameters=[ls.BasisPeriodQuerySerializer],
        responses=ls.BasLabelSerializer,
        description="The documents behind one BAS label for `start`..`end`. A "
        "derived label (G5, G9, 8A, ...) lists the documents of the labels it is "
        "worked out from. For a lodged period the figures are those lodged, as "
        "`GET bas` answers them (`lodged` true), and `documents_match` says "
        "whether the documents still come to them. An unknown label is 404.",
    )
    def get(self, request, label):
        name = label.upper()
        if name not in bas.FORM_LABELS:
            raise NotFound(f"No BAS label {label!r}.")
        query = _query(ls.BasisPeriodQuerySerializer, request)
        found = bas.label_drilldown(
            query["start"], query["end"], query.get("basis"), name
        )
        report = found.report
        answer = ls.BasLabelSerializer(
            {
                "label": name,
                "name": bas.LABEL_NAMES[name],
                "value": int(report.labels[name]),
                "start": report.start,
                "end": report.end,
                "basis": report.basis,
                "lodged": found.lodged is not None,
                "documents_match": found.matches,
                "parts": [
                    {
                        "label": part,
                        "name": bas.LABEL_NAMES[part],
                        "value": int(report.labels[part]),
                        "exact": found.exact[part],
                        "documents": facts,
                    }
                    for part, facts in found.parts.items()
                ],
            }
        )
        return Response(answer.data)


class BasCsvView(LedgerView):
    query_params = ("start", "end", "basis")
    renderer_classes = [JSONRenderer, CsvRenderer]

    @extend_schema(
        operation_id="ledger_bas_csv",
        parameters=[ls.BasisPeriodQuerySerializer],
        responses={(200, "text/csv"): OpenApiTypes.STR},
        description="The same BAS as CSV rows of section, label and value; a "
        "lodged period's as lodged.",
    )
    def get(self, request):
        query = _query(ls.BasisPeriodQuerySerializer, request)
        report, _ = bas.report_for(query["start"], query["end"], query.get("basis"))
        name = f"bas-{report.start}-{report.end}-{report.basis}.csv"
        return HttpResponse(
            bas.as_csv(report),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )


class BasPdfView(LedgerView):
    query_params = ("start", "end", "basis")
    renderer_classes = [JSONRenderer, PdfRenderer]

    @extend_schema(
        operation_id="ledger_bas_pdf",
        parameters=[ls.BasisPeriodQuerySerializer],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        description="The same BAS as a PDF: every label in the form's order, both "
        "GST methods and their difference, the simpler BAS when chosen, and a "
        "LODGED mark on a lodged period's report as lodged.",
    )
    def get(self, request):
        query = _query(ls.BasisPeriodQuerySerializer, request)
        report, lodged = bas.report_for(
            query["start"], query["end"], query.get("basis")
        )
        name = documents.bas_pdf_name(report)
        return HttpResponse(
            documents.render_bas_pdf(report, lodged),
            content_type="application/pdf",
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
