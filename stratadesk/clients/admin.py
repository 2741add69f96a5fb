from django.contrib import admin

from stratadesk.clients.models import ClientOrganisation, Contact, Site
from stratadesk.core.admin_audit import AuditedAdmin


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "email", "phone", "is_approver", "is_billing", "is_active"]


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0


@admin.register(ClientOrganisation)
class ClientOrganisationAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["name", "slug", "abn_display", "state", "timezone", "is_active"]
    list_filter = ["state", "is_active"]
    search_fields = ["name", "slug", "abn"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ContactInline, SiteInline]


@admin.register(Contact)
class ContactAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["name", "email", "client", "is_approver", "is_billing"]
    list_filter = ["client", "is_approver", "is_billing"]
    search_fields = ["name", "email"]
