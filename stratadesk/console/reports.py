"""Staff console: the SLA report per client and month, for Operations and Admins."""

from datetime import date

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from stratadesk.clients.models import ClientOrganisation
from stratadesk.core import clock
from stratadesk.people.permissions import Action, can
from stratadesk.sla import reports

from .access import staff_required


class SlaReportForm(forms.Form):
    client = forms.ModelChoiceField(
        queryset=ClientOrganisation.objects.order_by("name"), empty_label=None
    )
    month = forms.DateField(
        input_formats=["%Y-%m"],
        widget=forms.DateInput({"type": "month"}, format="%Y-%m"),
        help_text="Tickets raised in this month, in the client's own time zone.",
    )

    def clean_month(self):
        month = self.cleaned_data["month"]
        if not 2000 <= month.year <= 2100:
            raise forms.ValidationError("Choose a month between 2000 and 2100.")
        return month


@staff_required
def sla_report(request):
    if not can(request.user, Action.READ_SLA_REPORT):
        raise PermissionDenied("Only Operations and Admins read SLA reports.")
    today = clock.now().date()
    form = SlaReportForm(
        request.GET or None,
        initial={"month": date(today.year, today.month, 1)},
    )
    figures = None
    if form.is_valid():
        client, month = form.cleaned_data["client"], form.cleaned_data["month"]
        figures = reports.client_month(client, month)
    status = 422 if request.GET and not form.is_valid() else 200
    return render(
        request,
        "console/sla_report.html",
        {"form": form, "figures": figures},
        status=status,
    )
