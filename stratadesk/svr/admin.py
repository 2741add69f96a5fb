from django.contrib import admin

from stratadesk.svr.models import ServiceVerificationReport


@admin.register(ServiceVerificationReport)
class ServiceVerificationReportAdmin(admin.ModelAdmin):
    list_display = ["ticket", "version", "status", "issued_at", "decided_at"]
    list_filter = ["status"]

    # SVRs change only through the lifecycle services.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
