from django.contrib import admin

from stratadesk.clients.models import (
    ClientOrganisation,
    Contact,
    PortalBranding,
    Site,
)
from stratadesk.core import clock
from stratadesk.core.admin_audit import AuditedAdmin
from stratadesk.notifications import rules
from stratadesk.notifications.admin import install_default_rules


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "email", "phone", "is_approver", "is_billing", "is_active"]


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0


class BrandingInline(admin.StackedInline):
    model = PortalBranding
    extra = 0
    max_num = 1
    fields = [
        "portal_name",
        "logo",
        "brand_colour",
        "support_phone",
        "support_email",
        "footer_text",
    ]


@admin.register(ClientOrganisation)
class ClientOrganisationAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["name", "slug", "abn_display", "state", "timezone", "is_active"]
    list_filter = ["state", "is_active"]
    search_fields = ["name", "slug", "abn"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ContactInline, SiteInline, BrandingInline]
    actions = [install_default_rules]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            # A new client starts with its own copy of the default rules.
            rules.install_defaults(obj)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, PortalBranding):
                instance.updated_at = clock.now()
            instance.save()
        for gone in formset.deleted_objects:
            gone.delete()
        formset.save_m2m()


@admin.register(Contact)
class ContactAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["name", "email", "client", "is_approver", "is_billing"]
    list_filter = ["client", "is_approver", "is_billing"]
    search_fields = ["name", "email"]
