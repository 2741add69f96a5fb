"""The ledger on the wire: request bodies in, documents and reports out.

Money goes out as strings of cents ("110.00"), as DRF writes decimals, so no client
reads a float; BAS labels are the exception, whole-dollar JSON numbers as the form
has them. Request bodies only check shapes; the ledger services check the rules.
"""

from rest_framework import serializers

from stratadesk.api.serializers import StrictSerializer
from stratadesk.ledger import bas, gst
from stratadesk.ledger.models import Basis, PaymentDirection

TAX_CODES = [code.value for code in gst.TaxCode]


def money(**extra):
    return serializers.DecimalField(max_digits=14, decimal_places=2, **extra)


# Requests --------------------------------------------------------------------------


class LineInputSerializer(StrictSerializer):
    description = serializers.CharField(max_length=300)
    quantity = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, default="1"
    )
    unit_price = money()
    tax_code = serializers.ChoiceField(choices=TAX_CODES)
    prices_include_gst = serializers.BooleanField(required=False, default=False)
    account = serializers.CharField(
        max_length=10,
        required=False,
        help_text="An account code; the default income or expense account if left out.",
    )


class InvoiceCreateSerializer(StrictSerializer):
    client = serializers.SlugField(help_text="The client organisation's slug.")
    issue_date = serializers.DateField(required=False, allow_null=True)
    reference = serializers.CharField(max_length=100, required=False, default="")
    notes = serializers.CharField(max_length=5000, required=False, default="")
    period_start = serializers.DateField(required=False, allow_null=True)
    period_end = serializers.DateField(required=False, allow_null=True)
    lines = LineInputSerializer(many=True, required=False, default=list)


class InvoiceUpdateSerializer(StrictSerializer):
    issue_date = serializers.DateField(required=False, allow_null=True)
    reference = serializers.CharField(max_length=100, required=False)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    period_start = serializers.DateField(required=False, allow_null=True)
    period_end = serializers.DateField(required=False, allow_null=True)


class InvoiceIssueSerializer(StrictSerializer):
    issue_date = serializers.DateField(
        required=False,
        help_text="Defaults to the draft's issue date, or today in Sydney.",
    )


class AdjustmentNoteCreateSerializer(StrictSerializer):
    invoice = serializers.IntegerField(help_text="The issued invoice's id.")
    date = serializers.DateField()
    reason = serializers.CharField(max_length=300)
    lines = LineInputSerializer(many=True)


class SupplierCreateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200)
    abn = serializers.CharField(
        max_length=20,
        required=False,
        default="",
        allow_blank=True,
        help_text="Spaces and hyphens accepted; blank when the supplier quoted none "
        "(47% is then withheld).",
    )
    gst_registered = serializers.BooleanField(required=False, default=True)
    email = serializers.EmailField(required=False, default="")
    default_account = serializers.CharField(max_length=10, required=False)


class SupplierUpdateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200, required=False)
    abn = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        help_text="Spaces and hyphens accepted; stored as 11 digits. Bills already "
        "recorded keep the withholding they were recorded with.",
    )
    gst_registered = serializers.BooleanField(required=False)
    email = serializers.EmailField(required=False, allow_blank=True)
    default_account = serializers.CharField(
        max_length=10, required=False, allow_null=True, help_text="An account code."
    )
    is_active = serializers.BooleanField(required=False)


class LineUpdateSerializer(StrictSerializer):
    description = serializers.CharField(max_length=300, required=False)
    quantity = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)
    unit_price = money(required=False)
    tax_code = serializers.ChoiceField(choices=TAX_CODES, required=False)
    prices_include_gst = serializers.BooleanField(required=False)


class BadDebtCreateSerializer(StrictSerializer):
    date = serializers.DateField()
    amount = money(
        required=False,
        help_text="A write-off defaults to the whole balance; a recovery names it.",
    )
    reason = serializers.CharField(max_length=300, required=False, default="")


class BillCreateSerializer(StrictSerializer):
    supplier = serializers.IntegerField(help_text="The supplier's id.")
    date = serializers.DateField()
    due_date = serializers.DateField(required=False, allow_null=True)
    supplier_reference = serializers.CharField(
        max_length=100, required=False, default=""
    )
    lines = LineInputSerializer(many=True)


class AllocationInputSerializer(StrictSerializer):
    invoice = serializers.IntegerField(required=False)
    bill = serializers.IntegerField(required=False)
    amount = money()


class PaymentCreateSerializer(StrictSerializer):
    direction = serializers.ChoiceField(choices=PaymentDirection.values)
    date = serializers.DateField()
    amount = money()
    client = serializers.SlugField(
        required=False, help_text="For money received: the client's slug."
    )
    supplier = serializers.IntegerField(
        required=False, help_text="For money paid out: the supplier's id."
    )
    reference = serializers.CharField(max_length=100, required=False, default="")
    allocations = AllocationInputSerializer(many=True)


class JournalLineInputSerializer(StrictSerializer):
    account = serializers.CharField(max_length=10, help_text="An account code.")
    debit = money(required=False, default="0.00")
    credit = money(required=False, default="0.00")
    description = serializers.CharField(max_length=300, required=False, default="")
    tax_code = serializers.ChoiceField(
        choices=TAX_CODES, required=False, default="", allow_blank=True
    )
    bas_label = serializers.CharField(
        max_length=4,
        required=False,
        default="",
        allow_blank=True,
        help_text="W1, W2 or W3; GST labels come only from documents.",
    )


class JournalCreateSerializer(StrictSerializer):
    date = serializers.DateField()
    memo = serializers.CharField(max_length=300)
    lines = JournalLineInputSerializer(many=True)


class WagesCreateSerializer(StrictSerializer):
    date = serializers.DateField()
    gross = money(help_text="Gross wages (W1).")
    withheld = money(help_text="PAYG withheld from them (W2).")
    memo = serializers.CharField(max_length=300, required=False, default="Wages")


class JournalReverseSerializer(StrictSerializer):
    date = serializers.DateField()
    reason = serializers.CharField(max_length=250)


class PeriodLodgeSerializer(StrictSerializer):
    start = serializers.DateField()
    end = serializers.DateField()
    basis = serializers.ChoiceField(choices=Basis.values, required=False)


# Query parameters ------------------------------------------------------------------


class PeriodQuerySerializer(serializers.Serializer):
    start = serializers.DateField(help_text="First day, YYYY-MM-DD.")
    end = serializers.DateField(help_text="Last day, YYYY-MM-DD.")

    def validate(self, data):
        if data["end"] < data["start"]:
            raise serializers.ValidationError({"end": ["On or after start."]})
        return data


class BasisPeriodQuerySerializer(PeriodQuerySerializer):
    basis = serializers.ChoiceField(
        choices=Basis.values,
        required=False,
        help_text="The MSP's own basis when left out.",
    )

    def validate(self, data):
        data = super().validate(data)
        problem = gst.bas_span_problem(data["start"], data["end"])
        if problem:
            raise serializers.ValidationError({"end": [problem]})
        return data


class AsOfQuerySerializer(serializers.Serializer):
    as_of = serializers.DateField(help_text="The last day counted, YYYY-MM-DD.")


# Responses -------------------------------------------------------------------------


class PricedLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    description = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=12, decimal_places=2)
    unit_price = money()
    tax_code = serializers.CharField()
    prices_include_gst = serializers.BooleanField()
    account = serializers.CharField(source="account.code")
    net = money()
    gst = money()
    gross = money()


class InvoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(
        source="reference_number", help_text="Blank for a draft."
    )
    status = serializers.CharField()
    document_title = serializers.CharField()
    client = serializers.SlugField(source="client.slug")
    issue_date = serializers.DateField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    period_start = serializers.DateField(allow_null=True)
    period_end = serializers.DateField(allow_null=True)
    reference = serializers.CharField()
    notes = serializers.CharField()
    rounding = serializers.CharField()
    net_total = money()
    gst_total = money()
    total = money()
    amount_paid = money()
    amount_credited = money()
    amount_written_off = money()
    balance = money()
    buyer_identity_required = serializers.BooleanField()
    journal_entry = serializers.IntegerField(
        source="journal_entry.number", allow_null=True
    )
    lines = PricedLineSerializer(many=True)
    created_at = serializers.DateTimeField()
    issued_at = serializers.DateTimeField(allow_null=True)


class AdjustmentNoteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(source="reference_number")
    invoice = serializers.IntegerField(source="invoice_id")
    invoice_number = serializers.CharField(source="invoice.reference_number")
    date = serializers.DateField()
    reason = serializers.CharField()
    adjusts_earlier_period = serializers.BooleanField()
    net_total = money()
    gst_total = money()
    total = money()
    journal_entry = serializers.IntegerField(
        source="journal_entry.number", allow_null=True
    )
    lines = PricedLineSerializer(many=True)


class SupplierSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    abn = serializers.CharField(help_text="11 digits, or blank: none quoted.")
    abn_display = serializers.CharField()
    gst_registered = serializers.BooleanField()
    email = serializers.CharField()
    default_account = serializers.CharField(
        source="default_account.code", allow_null=True
    )
    is_active = serializers.BooleanField()


class BadDebtSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=["write_off", "recovery"])
    invoice = serializers.IntegerField(source="invoice_id")
    invoice_number = serializers.CharField(source="invoice.reference_number")
    client = serializers.SlugField(source="invoice.client.slug")
    date = serializers.DateField()
    amount = money()
    gst_adjustment = money(
        help_text="1/11 of the taxable part (accruals); a write-off decreases GST "
        "(G18, 1B), a recovery increases it (G7, 1A)."
    )
    reason = serializers.CharField()
    journal_entry = serializers.IntegerField(
        source="journal_entry.number", allow_null=True
    )


class BillSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    supplier = serializers.IntegerField(source="supplier_id")
    supplier_name = serializers.CharField(source="supplier.name")
    supplier_reference = serializers.CharField()
    date = serializers.DateField()
    due_date = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    net_total = money()
    gst_total = money()
    total = money()
    withheld = money(help_text="PAYG withheld: the supplier quoted no ABN (W4).")
    payable = money()
    amount_paid = money()
    balance = money()
    journal_entry = serializers.IntegerField(
        source="journal_entry.number", allow_null=True
    )
    lines = PricedLineSerializer(many=True)


class AllocationSerializer(serializers.Serializer):
    invoice = serializers.IntegerField(source="invoice_id", allow_null=True)
    bill = serializers.IntegerField(source="bill_id", allow_null=True)
    amount = money()


class PaymentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    direction = serializers.CharField()
    date = serializers.DateField()
    amount = money()
    client = serializers.SlugField(source="client.slug", allow_null=True)
    supplier = serializers.IntegerField(source="supplier_id", allow_null=True)
    reference = serializers.CharField()
    journal_entry = serializers.IntegerField(
        source="journal_entry.number", allow_null=True
    )
    allocations = AllocationSerializer(many=True)


class JournalLineSerializer(serializers.Serializer):
    account = serializers.CharField(source="account.code")
    debit = money()
    credit = money()
    description = serializers.CharField()
    tax_code = serializers.CharField()
    bas_label = serializers.CharField()


class JournalEntrySerializer(serializers.Serializer):
    number = serializers.IntegerField()
    date = serializers.DateField()
    kind = serializers.CharField()
    memo = serializers.CharField()
    source_type = serializers.CharField()
    source_id = serializers.IntegerField(allow_null=True)
    reverses = serializers.IntegerField(source="reverses.number", allow_null=True)
    lines = JournalLineSerializer(many=True)
    created_at = serializers.DateTimeField()


class AccountSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    system_role = serializers.CharField(allow_null=True)
    default_tax_code = serializers.CharField()
    is_active = serializers.BooleanField()


class TaxCodeSerializer(serializers.Serializer):
    code = serializers.CharField()
    description = serializers.CharField()
    side = serializers.CharField()
    rate = serializers.DecimalField(max_digits=4, decimal_places=2)
    labels = serializers.ListField(child=serializers.CharField())
    gst_label = serializers.CharField()


class LodgedPeriodSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    start = serializers.DateField()
    end = serializers.DateField()
    basis = serializers.CharField()
    lodged_at = serializers.DateTimeField()
    report = serializers.DictField(help_text="The BAS as it was lodged.")


# Every label of the form, each a whole-dollar integer keyed by its name.
_BasLabels = type(
    "BasLabels",
    (serializers.Serializer,),
    {label: serializers.IntegerField() for label in bas.FORM_LABELS},
)


class BasSerializer(_BasLabels):
    """Every label a whole-dollar number keyed by its name, with both GST methods."""

    start = serializers.DateField()
    end = serializers.DateField()
    basis = serializers.CharField()
    due_date = serializers.DateField()
    refund = serializers.BooleanField(help_text="true when label 9 is refundable.")
    accounts_method = serializers.DictField(child=serializers.IntegerField())
    worksheet = serializers.DictField(child=serializers.IntegerField())
    difference = serializers.DictField(child=serializers.IntegerField())
    simpler_bas = serializers.DictField(child=serializers.IntegerField())
    simpler_bas_chosen = serializers.BooleanField()
    lodged = serializers.BooleanField(
        help_text="true: the period is lodged and this is the report as lodged."
    )


class ContributionSerializer(serializers.Serializer):
    amount = money(help_text="What this document line adds to the label, exactly.")
    source_type = serializers.ChoiceField(
        choices=["invoice", "bill", "adjustmentnote", "baddebt", "journalentry"]
    )
    source_id = serializers.IntegerField()
    reference = serializers.CharField()
    description = serializers.CharField()
    line_id = serializers.IntegerField(allow_null=True)


class LabelPartSerializer(serializers.Serializer):
    label = serializers.CharField()
    name = serializers.CharField()
    value = serializers.IntegerField(help_text="Whole dollars, as reported.")
    exact = money(help_text="The documents' amounts added up, in cents.")
    documents = ContributionSerializer(many=True)


class BasLabelSerializer(serializers.Serializer):
    label = serializers.CharField()
    name = serializers.CharField()
    value = serializers.IntegerField(
        help_text="Whole dollars; for a lodged period, the figure as lodged."
    )
    start = serializers.DateField()
    end = serializers.DateField()
    basis = serializers.CharField()
    lodged = serializers.BooleanField(
        help_text="true: the period is lodged; figures are those lodged, documents "
        "are those the ledger holds now for the lodged basis."
    )
    documents_match = serializers.BooleanField(
        help_text="The documents listed still come to the label's value. Always "
        "true for a period not lodged."
    )
    parts = LabelPartSerializer(
        many=True,
        help_text="A reported label is made of itself; a derived one (G5, 8A, ...) "
        "of the labels it is worked out from, each with its documents.",
    )


class BalanceRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    debit = money()
    credit = money()


class TrialBalanceSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    rows = BalanceRowSerializer(many=True)
    total_debit = money()
    total_credit = money()
    balanced = serializers.BooleanField()


class ProfitLineSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    amount = money()


class ProfitAndLossSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    income = ProfitLineSerializer(many=True)
    cost_of_sales = ProfitLineSerializer(many=True)
    expenses = ProfitLineSerializer(many=True)
    total_income = money()
    total_cost_of_sales = money()
    total_expenses = money()
    gross_profit = money()
    net_profit = money()


class AgedInvoiceSerializer(serializers.Serializer):
    invoice_id = serializers.IntegerField()
    reference = serializers.CharField()
    client = serializers.CharField()
    issue_date = serializers.DateField()
    due_date = serializers.DateField()
    outstanding = money()
    days_old = serializers.IntegerField()
    days_overdue = serializers.IntegerField()
    bucket = serializers.ChoiceField(choices=["current", "30", "60", "90+"])


class AgedReceivablesSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    invoices = AgedInvoiceSerializer(many=True)
    buckets = serializers.DictField(child=money())
    total = money()


class TaxCodeTotalsSerializer(serializers.Serializer):
    code = serializers.CharField()
    description = serializers.CharField()
    net = money()
    gst = money()
    gross = money()
    documents = serializers.SerializerMethodField()

    def get_documents(self, row) -> int:
        return len(row.documents)


class GstDetailSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    basis = serializers.CharField()
    codes = TaxCodeTotalsSerializer(many=True)
