"""The ledger: accounts, journal entries, the documents that post them, and the BAS.

Rows are written only by stratadesk/ledger/services.py. Posted journal lines and
issued invoices never change: the models and their querysets refuse it here, and
triggers refuse it at the database too (migrations 0003, 0006 and 0008).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum

from stratadesk.core import clock
from stratadesk.core.abn import format_abn, validate_abn
from stratadesk.core.errors import Conflict
from stratadesk.ledger import gst

MONEY = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0.00")

TAX_CODE_CHOICES = [
    (code.value, info.description) for code, info in gst.TAX_CODES.items()
]


class AccountKind(models.TextChoices):
    ASSET = "asset", "Asset"
    LIABILITY = "liability", "Liability"
    EQUITY = "equity", "Equity"
    INCOME = "income", "Income"
    COST_OF_SALES = "cost_of_sales", "Cost of sales"
    EXPENSE = "expense", "Expense"


class SystemAccount(models.TextChoices):
    """Accounts the services post to by role, whatever their code or name."""

    BANK = "bank", "Bank"
    DEBTORS = "debtors", "Trade debtors"
    CREDITORS = "creditors", "Trade creditors"
    GST_COLLECTED = "gst_collected", "GST collected"
    GST_PAID = "gst_paid", "GST paid"
    PAYG_WITHHOLDING = "payg_withholding", "PAYG withholding payable"
    SALES = "sales", "Default income"
    PURCHASES = "purchases", "Default expense"
    WAGES = "wages", "Wages"
    BAD_DEBTS = "bad_debts", "Bad debts"
    BAD_DEBTS_RECOVERED = "bad_debts_recovered", "Bad debts recovered"


class Account(models.Model):
    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=AccountKind.choices)
    system_role = models.CharField(
        max_length=30, choices=SystemAccount.choices, null=True, blank=True, unique=True
    )
    default_tax_code = models.CharField(
        max_length=3, choices=TAX_CODE_CHOICES, blank=True
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    @classmethod
    def for_role(cls, role: str) -> "Account":
        return cls.objects.get(system_role=role)


# Guards: what is posted or issued never changes --------------------------------


def _entry_immutable(model, action: str) -> Conflict:
    return Conflict(
        f"Posted {model._meta.verbose_name_plural} are immutable: {action} refused. "
        "Correct a posted entry with a reversing entry.",
        code="entry_posted",
    )


class PostedQuerySet(models.QuerySet):
    """Journal entries and lines: written once by post_entry, never in bulk after.

    A queryset update() or delete() skips Model.save() and Model.delete(), so both
    are refused here. Database flushes in tests do not come through the ORM.
    """

    def update(self, **kwargs):
        raise _entry_immutable(self.model, "update")

    def delete(self):
        raise _entry_immutable(self.model, "delete")


class PostedRow(models.Model):
    """A row that is inserted once and then only read.

    No service writes an unposted entry, so an existing row is always posted and
    every save() of one is refused, as is every delete().
    """

    objects = PostedQuerySet.as_manager()

    class Meta:
        abstract = True
        # Related lookups and Model.save() use the base manager; it refuses too.
        base_manager_name = "objects"

    def save(self, *args, **kwargs):
        if not self._state.adding or (
            self.pk is not None and not kwargs.get("force_insert")
        ):
            raise _entry_immutable(type(self), "save")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise _entry_immutable(type(self), "delete")


class EntryKind(models.TextChoices):
    INVOICE = "invoice", "Sales invoice"
    ADJUSTMENT = "adjustment", "Adjustment note"
    BILL = "bill", "Supplier bill"
    PAYMENT_RECEIVED = "payment_received", "Payment received"
    PAYMENT_MADE = "payment_made", "Payment made"
    WRITE_OFF = "write_off", "Bad debt written off"
    RECOVERY = "recovery", "Bad debt recovered"
    MANUAL = "manual", "Manual journal"
    REVERSAL = "reversal", "Reversal"


class JournalEntry(PostedRow):
    """A posted, balanced set of journal lines. Posted entries never change."""

    number = models.PositiveIntegerField(unique=True)
    date = models.DateField(db_index=True)
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    memo = models.CharField(max_length=300)
    # The document that posted it, for drill-down ("invoice", 42).
    source_type = models.CharField(max_length=30, blank=True)
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    reverses = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    posted = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta(PostedRow.Meta):
        ordering = ["date", "number"]
        verbose_name_plural = "journal entries"
        indexes = [
            models.Index(fields=["source_type", "source_id"], name="journal_source_idx")
        ]

    def __str__(self):
        return f"J{self.number} {self.date} {self.memo}"

    @property
    def audit_id(self) -> str:
        return f"J{self.number}"

    def totals(self) -> tuple[Decimal, Decimal]:
        sums = self.lines.aggregate(debit=Sum("debit"), credit=Sum("credit"))
        return sums["debit"] or ZERO, sums["credit"] or ZERO

    def is_balanced(self) -> bool:
        debit, credit = self.totals()
        return debit == credit and debit > ZERO


class JournalLine(PostedRow):
    entry = models.ForeignKey(
        JournalEntry, on_delete=models.PROTECT, related_name="lines"
    )
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    debit = models.DecimalField(**MONEY, default=ZERO)
    credit = models.DecimalField(**MONEY, default=ZERO)
    description = models.CharField(max_length=300, blank=True)
    tax_code = models.CharField(max_length=3, choices=TAX_CODE_CHOICES, blank=True)
    # The BAS label this line's amount counts at ("1A", "1B", "W1", "W2", "W4"), for
    # lines on the GST and withholding accounts and the wages expense.
    bas_label = models.CharField(max_length=4, blank=True, db_index=True)

    class Meta(PostedRow.Meta):
        ordering = ["entry", "id"]
        constraints = [
            models.CheckConstraint(
                name="journal_line_one_sided",
                condition=(Q(debit__gte=0) & Q(credit__gte=0))
                & (Q(debit=0) | Q(credit=0))
                & ~(Q(debit=0) & Q(credit=0)),
            )
        ]

    def __str__(self):
        return f"{self.account.code} Dr {self.debit} Cr {self.credit}"


# Settings and billing terms -------------------------------------------------------


class Basis(models.TextChoices):
    ACCRUALS = "accruals", "Accruals"
    CASH = "cash", "Cash"


class LedgerSettings(models.Model):
    """How the MSP keeps its books. There is one row; GST registration lives on the
    BusinessProfile beside the ABN."""

    basis = models.CharField(
        max_length=10, choices=Basis.choices, default=Basis.ACCRUALS
    )
    bas_frequency = models.CharField(
        max_length=10,
        choices=[(f.value, f.value.title()) for f in gst.Frequency],
        default=gst.Frequency.QUARTERLY,
    )
    rounding = models.CharField(
        max_length=20,
        choices=[(r.value, r.value.replace("_", " ")) for r in gst.Rounding],
        default=gst.Rounding.PER_LINE,
    )
    gst_method = models.CharField(
        "1A and 1B from",
        max_length=10,
        choices=[(m.value, m.value.title()) for m in gst.GstMethod],
        default=gst.GstMethod.ACCOUNTS,
    )
    simpler_bas = models.BooleanField(
        default=True, help_text="GST turnover under $10m: report G1, 1A and 1B only."
    )
    invoice_series = models.CharField(max_length=10, default="INV")
    bank_account_name = models.CharField(max_length=120, blank=True)
    bank_bsb = models.CharField("BSB", max_length=7, blank=True)
    bank_account_number = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name_plural = "ledger settings"

    def __str__(self):
        return "Ledger settings"

    @classmethod
    def current(cls) -> "LedgerSettings":
        row = cls.objects.order_by("pk").first()
        return row if row is not None else cls.objects.create()


class BillingAgreement(models.Model):
    """What a client pays: hourly rates by work type, a monthly fee, payment terms."""

    client = models.OneToOneField(
        "clients.ClientOrganisation",
        on_delete=models.PROTECT,
        related_name="billing_agreement",
    )
    payment_terms_days = models.PositiveSmallIntegerField(default=14)
    business_hours_rate = models.DecimalField(**MONEY, default=ZERO)
    after_hours_rate = models.DecimalField(**MONEY, default=ZERO)
    travel_rate = models.DecimalField(**MONEY, default=ZERO)
    monthly_fee = models.DecimalField(**MONEY, default=ZERO)
    monthly_fee_description = models.CharField(
        max_length=200, default="Managed services, monthly fee"
    )

    def __str__(self):
        return f"Billing agreement: {self.client}"

    def rate_for(self, work_type: str) -> Decimal:
        return {
            "business_hours": self.business_hours_rate,
            "after_hours": self.after_hours_rate,
            "travel": self.travel_rate,
        }.get(work_type, self.business_hours_rate)


# Sales ----------------------------------------------------------------------------


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ISSUED = "issued", "Issued"
    PARTLY_PAID = "partly_paid", "Partly paid"
    PAID = "paid", "Paid"
    WRITTEN_OFF = "written_off", "Written off"


class PricedLine(models.Model):
    """A document line: its price as entered, and the net and GST worked out."""

    position = models.PositiveSmallIntegerField(default=0)
    description = models.CharField(max_length=300)
    quantity = models.DecimalField(max_digits=12, decimal_places=2, default=1)
    unit_price = models.DecimalField(**MONEY)
    tax_code = models.CharField(max_length=3, choices=TAX_CODE_CHOICES)
    prices_include_gst = models.BooleanField(default=False)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    # Worked out by the service when the document is issued (or saved, for drafts).
    net = models.DecimalField(**MONEY, default=ZERO)
    gst = models.DecimalField(**MONEY, default=ZERO)

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def __str__(self):
        return self.description

    @property
    def amount(self) -> Decimal:
        return gst.line_amount(self.quantity, self.unit_price)

    @property
    def gross(self) -> Decimal:
        return self.net + self.gst


# What an issued invoice prints and posts; the same columns PostgreSQL's trigger
# freezes (migrations 0003 and 0006) and SQLite's (0008). Its payment state (status,
# amounts paid, credited and written off) and its rendered PDF still move.
INVOICE_FROZEN_FIELDS = (
    "client",
    "series",
    "number",
    "issue_date",
    "due_date",
    "rounding",
    "tax_invoice",
    "net_total",
    "gst_total",
    "total",
    "journal_entry",
    "notes",
    "reference",
    "period_start",
    "period_end",
)


def _invoice_immutable(action: str, what: str = "An issued invoice") -> Conflict:
    return Conflict(
        f"{what} is immutable: {action} refused. "
        "Raise an adjustment note to correct it.",
        code="invoice_issued",
    )


def _frozen_names(names) -> set[str]:
    """The frozen fields among `names`, which may be field names or attnames."""
    frozen = set()
    for name in names:
        field = Invoice._meta.get_field(name.removesuffix("_id"))
        if field.name in INVOICE_FROZEN_FIELDS:
            frozen.add(field.name)
    return frozen


class InvoiceQuerySet(models.QuerySet):
    def update(self, **kwargs):
        reopening = kwargs.get("status") == InvoiceStatus.DRAFT
        if (reopening or _frozen_names(kwargs)) and self._has_issued():
            raise _invoice_immutable("update")
        return super().update(**kwargs)

    def delete(self):
        if self._has_issued():
            raise _invoice_immutable("delete")
        return super().delete()

    def _has_issued(self) -> bool:
        return self.exclude(status=InvoiceStatus.DRAFT).exists()


class Invoice(models.Model):
    client = models.ForeignKey(
        "clients.ClientOrganisation", on_delete=models.PROTECT, related_name="invoices"
    )
    series = models.CharField(max_length=10, default="INV")
    number = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT
    )
    issue_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    reference = models.CharField(max_length=100, blank=True)
    notes = models.TextField(blank=True)
    rounding = models.CharField(max_length=20, default=gst.Rounding.PER_LINE)
    # Whether it went out as a tax invoice (the MSP was registered for GST).
    tax_invoice = models.BooleanField(default=True)
    net_total = models.DecimalField(**MONEY, default=ZERO)
    gst_total = models.DecimalField(**MONEY, default=ZERO)
    total = models.DecimalField(**MONEY, default=ZERO)
    amount_paid = models.DecimalField(**MONEY, default=ZERO)
    amount_credited = models.DecimalField(**MONEY, default=ZERO)
    amount_written_off = models.DecimalField(**MONEY, default=ZERO)
    journal_entry = models.OneToOneField(
        JournalEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    issued_at = models.DateTimeField(null=True, blank=True)
    # The tax invoice as the client receives it, rendered by the worker once issued.
    pdf = models.FileField(upload_to="invoices/", blank=True)
    pdf_rendered_at = models.DateTimeField(null=True, blank=True)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        ordering = ["-issue_date", "-number", "-id"]
        # Related lookups and Model.save() use the base manager; it refuses too.
        base_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["series", "number"], name="invoice_number_unique_per_series"
            ),
            models.CheckConstraint(
                name="invoice_issued_has_number",
                condition=Q(status="draft") | Q(number__isnull=False),
            ),
        ]

    def __str__(self):
        return self.reference_number or f"Draft invoice {self.pk}"

    def save(self, *args, **kwargs):
        self._refuse_changing_issued(kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_status() not in (None, InvoiceStatus.DRAFT):
            raise _invoice_immutable("delete", what=self.reference_number)
        return super().delete(*args, **kwargs)

    def _stored_status(self) -> str | None:
        if self.pk is None:
            return None
        return (
            type(self)
            ._base_manager.filter(pk=self.pk)
            .values_list("status", flat=True)
            .first()
        )

    def _refuse_changing_issued(self, update_fields) -> None:
        """Compare with the row as stored, as the trigger compares OLD with NEW.

        The stored row decides, not the one this instance was loaded from, so a
        stale copy of a draft cannot overwrite the invoice issued since.
        """
        if self.pk is None:
            return
        frozen = [Invoice._meta.get_field(name) for name in INVOICE_FROZEN_FIELDS]
        stored = (
            type(self)
            ._base_manager.filter(pk=self.pk)
            .values("status", *(field.attname for field in frozen))
            .first()
        )
        if stored is None or stored["status"] == InvoiceStatus.DRAFT:
            return

        written = None if update_fields is None else _frozen_names(update_fields)
        writes_status = update_fields is None or "status" in update_fields
        if writes_status and self.status == InvoiceStatus.DRAFT:
            raise _invoice_immutable("save", what=self.reference_number)
        for field in frozen:
            if written is not None and field.name not in written:
                continue
            if field.to_python(getattr(self, field.attname)) != stored[field.attname]:
                raise _invoice_immutable("save", what=self.reference_number)

    @property
    def reference_number(self) -> str:
        return f"{self.series}-{self.number:05d}" if self.number else ""

    @property
    def audit_id(self) -> str:
        return self.reference_number or f"draft-{self.pk}"

    @property
    def balance(self) -> Decimal:
        return (
            self.total
            - self.amount_paid
            - self.amount_credited
            - self.amount_written_off
        )

    @property
    def creditable(self) -> Decimal:
        """What an adjustment note may still credit: a paid invoice too (the client
        is then owed a refund), but nothing already credited or written off."""
        return self.total - self.amount_credited - self.amount_written_off

    @property
    def is_draft(self) -> bool:
        return self.status == InvoiceStatus.DRAFT

    @property
    def document_title(self) -> str:
        # A supplier not registered for GST never issues a "tax invoice".
        return "Tax invoice" if self.tax_invoice else "Invoice"

    @property
    def buyer_identity_required(self) -> bool:
        return self.tax_invoice and gst.buyer_identity_required(self.total)


class InvoiceLineQuerySet(models.QuerySet):
    def update(self, **kwargs):
        moved_to = kwargs.get("invoice", kwargs.get("invoice_id"))
        if self._on_issued() or _is_issued(moved_to):
            raise _invoice_immutable("update", what="A line of an issued invoice")
        return super().update(**kwargs)

    def delete(self):
        if self._on_issued():
            raise _invoice_immutable("delete", what="A line of an issued invoice")
        return super().delete()

    def _on_issued(self) -> bool:
        return self.exclude(invoice__status=InvoiceStatus.DRAFT).exists()


def _is_issued(invoice) -> bool:
    """Whether `invoice` (an Invoice, its pk, or None) is stored as issued."""
    if invoice is None:
        return False
    pk = invoice.pk if isinstance(invoice, Invoice) else invoice
    return (
        Invoice._base_manager.filter(pk=pk).exclude(status=InvoiceStatus.DRAFT).exists()
    )


class InvoiceLine(PricedLine):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    # The first day of the month whose monthly fee this line bills, so that no month
    # is billed twice; null on every other line.
    fee_month = models.DateField(null=True, blank=True, db_index=True)

    objects = InvoiceLineQuerySet.as_manager()

    class Meta(PricedLine.Meta):
        base_manager_name = "objects"

    def save(self, *args, **kwargs):
        # A line moved between invoices leaves one and joins the other: neither
        # may be issued, as PostgreSQL checks both OLD and NEW.
        stored = None
        if self.pk is not None:
            stored = (
                type(self)
                ._base_manager.filter(pk=self.pk)
                .values_list("invoice_id", flat=True)
                .first()
            )
        if _is_issued(self.invoice_id) or _is_issued(stored):
            raise _invoice_immutable("save", what="A line of an issued invoice")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if _is_issued(self.invoice_id):
            raise _invoice_immutable("delete", what="A line of an issued invoice")
        return super().delete(*args, **kwargs)


class AdjustmentNote(models.Model):
    """A credit against an issued invoice, with its reason; posted when issued."""

    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="adjustment_notes"
    )
    number = models.PositiveIntegerField(unique=True)
    date = models.DateField()
    reason = models.CharField(max_length=300)
    # A credit for a supply of an earlier BAS period is an adjustment (G18 and 1B);
    # within the invoice's own period it simply reduces the sale.
    adjusts_earlier_period = models.BooleanField(default=False)
    net_total = models.DecimalField(**MONEY, default=ZERO)
    gst_total = models.DecimalField(**MONEY, default=ZERO)
    total = models.DecimalField(**MONEY, default=ZERO)
    journal_entry = models.OneToOneField(
        JournalEntry, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    # The note as the client receives it, rendered by the worker once issued.
    pdf = models.FileField(upload_to="adjustment_notes/", blank=True)
    pdf_rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["date", "number"]

    def __str__(self):
        return self.reference_number

    @property
    def reference_number(self) -> str:
        return f"ADJ-{self.number:05d}"

    @property
    def audit_id(self) -> str:
        return self.reference_number

    @property
    def tax_document(self) -> bool:
        # A note follows its invoice: it adjusts GST only where the invoice charged
        # it, that is where the MSP was registered when it issued the invoice.
        return self.invoice.tax_invoice

    @property
    def document_title(self) -> str:
        # A supplier not registered for GST issues no tax document, only a credit.
        return "Adjustment note" if self.tax_document else "Credit note"

    @property
    def buyer_identity_required(self) -> bool:
        """The buyer is named when the ORIGINAL invoice came to $1,000 or more."""
        return self.invoice.buyer_identity_required


class AdjustmentLine(PricedLine):
    note = models.ForeignKey(
        AdjustmentNote, on_delete=models.PROTECT, related_name="lines"
    )

    class Meta(PricedLine.Meta):
        pass


# Purchases ------------------------------------------------------------------------


class Supplier(models.Model):
    name = models.CharField(max_length=200)
    # Blank when the supplier quoted no ABN: 47% of what we pay them is withheld.
    abn = models.CharField("ABN", max_length=20, blank=True, validators=[validate_abn])
    gst_registered = models.BooleanField(default=True)
    email = models.EmailField(blank=True)
    default_account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def abn_display(self) -> str:
        return format_abn(self.abn)


class BillStatus(models.TextChoices):
    OPEN = "open", "Open"
    PARTLY_PAID = "partly_paid", "Partly paid"
    PAID = "paid", "Paid"


class Bill(models.Model):
    """A supplier's invoice to the MSP, posted as soon as it is recorded."""

    supplier = models.ForeignKey(
        Supplier, on_delete=models.PROTECT, related_name="bills"
    )
    supplier_reference = models.CharField(max_length=100, blank=True)
    date = models.DateField()
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=BillStatus.choices, default=BillStatus.OPEN
    )
    net_total = models.DecimalField(**MONEY, default=ZERO)
    gst_total = models.DecimalField(**MONEY, default=ZERO)
    total = models.DecimalField(**MONEY, default=ZERO)
    # PAYG withheld because the supplier quoted no ABN (label W4).
    withheld = models.DecimalField(**MONEY, default=ZERO)
    amount_paid = models.DecimalField(**MONEY, default=ZERO)
    journal_entry = models.OneToOneField(
        JournalEntry, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"Bill {self.supplier_reference or self.pk} from {self.supplier}"

    @property
    def payable(self) -> Decimal:
        """What is owed to the supplier: the total less the withholding."""
        return self.total - self.withheld

    @property
    def balance(self) -> Decimal:
        return self.payable - self.amount_paid


class BillLine(PricedLine):
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="lines")

    class Meta(PricedLine.Meta):
        pass


# Money in and out -----------------------------------------------------------------


class PaymentDirection(models.TextChoices):
    RECEIVED = "received", "Received"
    MADE = "made", "Made"


class Payment(models.Model):
    direction = models.CharField(max_length=10, choices=PaymentDirection.choices)
    date = models.DateField()
    amount = models.DecimalField(**MONEY)
    client = models.ForeignKey(
        "clients.ClientOrganisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    supplier = models.ForeignKey(
        Supplier, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(max_length=100, blank=True)
    journal_entry = models.OneToOneField(
        JournalEntry, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(name="payment_positive", condition=Q(amount__gt=0))
        ]

    def __str__(self):
        return f"Payment {self.direction} {self.amount} on {self.date}"


class Allocation(models.Model):
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, related_name="allocations"
    )
    invoice = models.ForeignKey(
        Invoice,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    bill = models.ForeignKey(
        Bill,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    amount = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["payment__date", "id"]
        constraints = [
            models.CheckConstraint(
                name="allocation_one_document",
                condition=Q(invoice__isnull=True) ^ Q(bill__isnull=True),
            ),
            models.CheckConstraint(
                name="allocation_positive", condition=Q(amount__gt=0)
            ),
        ]

    def __str__(self):
        return f"{self.amount} of {self.payment}"


class BadDebtKind(models.TextChoices):
    WRITE_OFF = "write_off", "Written off"
    RECOVERY = "recovery", "Recovered"


class BadDebt(models.Model):
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="bad_debts"
    )
    kind = models.CharField(max_length=10, choices=BadDebtKind.choices)
    date = models.DateField()
    amount = models.DecimalField(**MONEY)
    # The GST adjustment: 1/11 of the taxable part of the amount (accruals only).
    gst_adjustment = models.DecimalField(**MONEY, default=ZERO)
    reason = models.CharField(max_length=300, blank=True)
    journal_entry = models.OneToOneField(
        JournalEntry, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["date", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} of {self.invoice}"


# Billing from the service desk ----------------------------------------------------


class UnbilledCharge(models.Model):
    """Billable work from an approved SVR (or a recurring fee) not yet invoiced."""

    client = models.ForeignKey(
        "clients.ClientOrganisation",
        on_delete=models.PROTECT,
        related_name="unbilled_charges",
    )
    svr = models.ForeignKey(
        "svr.ServiceVerificationReport",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    date = models.DateField()
    description = models.CharField(max_length=300)
    quantity = models.DecimalField(max_digits=12, decimal_places=2)
    unit_price = models.DecimalField(**MONEY)
    tax_code = models.CharField(
        max_length=3, choices=TAX_CODE_CHOICES, default=gst.TaxCode.GST
    )
    invoice_line = models.OneToOneField(
        InvoiceLine,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="charge",
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["date", "id"]

    def __str__(self):
        return self.description


# Lodgement ------------------------------------------------------------------------


class LodgedPeriod(models.Model):
    """A BAS period marked lodged: nothing dated inside it posts any more."""

    start = models.DateField()
    end = models.DateField()
    basis = models.CharField(max_length=10, choices=Basis.choices)
    report = models.JSONField(default=dict)
    lodged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lodged_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                name="lodged_period_ordered", condition=Q(end__gte=models.F("start"))
            )
        ]

    def __str__(self):
        return f"BAS {self.start} to {self.end}"
