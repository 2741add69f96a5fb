"""The ledger in Django's admin: to look, never to touch.

Every ledger change goes through the services, which check the period locks, post
balanced entries and audit; an admin form would bypass all three. Admins read the
books here and change them in the console or over the API.
"""

from django.contrib import admin

from stratadesk.ledger.models import (
    Account,
    AdjustmentLine,
    AdjustmentNote,
    Allocation,
    BadDebt,
    Bill,
    BillingAgreement,
    BillLine,
    Invoice,
    InvoiceLine,
    JournalEntry,
    JournalLine,
    LedgerSettings,
    LodgedPeriod,
    Payment,
    Supplier,
    UnbilledCharge,
)


class ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class JournalLineInline(ReadOnly, admin.TabularInline):
    model = JournalLine
    extra = 0


class InvoiceLineInline(ReadOnly, admin.TabularInline):
    model = InvoiceLine
    extra = 0


class AdjustmentLineInline(ReadOnly, admin.TabularInline):
    model = AdjustmentLine
    extra = 0


class BillLineInline(ReadOnly, admin.TabularInline):
    model = BillLine
    extra = 0


class AllocationInline(ReadOnly, admin.TabularInline):
    model = Allocation
    extra = 0


@admin.register(Account)
class AccountAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["code", "name", "kind", "system_role"]
    search_fields = ["code", "name"]


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["number", "date", "kind", "memo"]
    list_filter = ["kind"]
    search_fields = ["memo"]
    inlines = [JournalLineInline]


@admin.register(Invoice)
class InvoiceAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["__str__", "client", "issue_date", "status", "total"]
    list_filter = ["status"]
    list_select_related = ["client"]
    inlines = [InvoiceLineInline]


@admin.register(AdjustmentNote)
class AdjustmentNoteAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["__str__", "invoice", "date", "total"]
    list_select_related = ["invoice"]
    inlines = [AdjustmentLineInline]


@admin.register(Supplier)
class SupplierAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["name", "abn_display"]
    search_fields = ["name"]


@admin.register(Bill)
class BillAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["__str__", "date", "status", "total"]
    list_filter = ["status"]
    list_select_related = ["supplier"]
    inlines = [BillLineInline]


@admin.register(Payment)
class PaymentAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["__str__", "direction", "date", "amount"]
    list_filter = ["direction"]
    list_select_related = ["client", "supplier"]
    inlines = [AllocationInline]


@admin.register(BadDebt)
class BadDebtAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["__str__", "kind", "date", "amount"]
    list_select_related = ["invoice"]


@admin.register(UnbilledCharge)
class UnbilledChargeAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["__str__", "client"]
    list_select_related = ["client"]


@admin.register(BillingAgreement)
class BillingAgreementAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["__str__"]


@admin.register(LodgedPeriod)
class LodgedPeriodAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["start", "end", "basis"]


@admin.register(LedgerSettings)
class LedgerSettingsAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["__str__"]
