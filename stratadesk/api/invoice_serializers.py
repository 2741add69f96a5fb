"""Invoices as their client reads them: what the PDF shows, and what is still owed.

Unlike the ledger's own serializers these name no accounts and no journal entries:
the chart of accounts is the MSP's book-keeping, not part of what the client was sent.
"""

from django.conf import settings
from rest_framework import serializers

from stratadesk.api.ledger_serializers import money


def api_url(path: str) -> str:
    return f"{settings.SITE_URL}/api/v1/{path}"


class ClientLineSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    description = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=12, decimal_places=2)
    unit_price = money()
    tax_code = serializers.CharField()
    prices_include_gst = serializers.BooleanField()
    net = money()
    gst = money()
    gross = money()


class InvoiceNoteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(source="reference_number")
    document_title = serializers.CharField(
        help_text="Adjustment note, or Credit note where the invoice charged no GST."
    )
    date = serializers.DateField()
    reason = serializers.CharField()
    net_total = money()
    gst_total = money()
    total = money()
    pdf_ready = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    def get_pdf_ready(self, note) -> bool:
        return bool(note.pdf) and note.pdf_rendered_at is not None

    def get_pdf_url(self, note) -> str:
        return api_url(f"adjustment-notes/{note.pk}/pdf")


class ClientInvoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(
        source="reference_number",
        help_text="As printed, e.g. INV-00012; blank only for a draft, which only "
        "Accounts and Admin tokens see.",
    )
    status = serializers.CharField()
    document_title = serializers.CharField()
    client = serializers.SlugField(source="client.slug")
    issue_date = serializers.DateField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    period_start = serializers.DateField(allow_null=True)
    period_end = serializers.DateField(allow_null=True)
    reference = serializers.CharField(help_text="The client's own reference.")
    net_total = money()
    gst_total = money()
    total = money()
    amount_paid = money()
    amount_credited = money(help_text="What adjustment notes have credited.")
    amount_written_off = money()
    balance = money(help_text="Still owing.")
    adjustment_notes = InvoiceNoteSerializer(many=True)
    url = serializers.SerializerMethodField()
    pdf_ready = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    def get_url(self, invoice) -> str:
        return api_url(f"invoices/{invoice.pk}")

    def get_pdf_ready(self, invoice) -> bool:
        return bool(invoice.pdf) and invoice.pdf_rendered_at is not None

    def get_pdf_url(self, invoice) -> str:
        return api_url(f"invoices/{invoice.pk}/pdf")


class ClientInvoiceDetailSerializer(ClientInvoiceSerializer):
    notes = serializers.CharField(help_text="As printed on the invoice.")
    lines = ClientLineSerializer(many=True)
