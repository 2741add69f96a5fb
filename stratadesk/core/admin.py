from django.contrib import admin

from stratadesk.core.admin_audit import AuditedAdmin
from stratadesk.core.models import AuditEvent, BusinessProfile


@admin.register(BusinessProfile)
class BusinessProfileAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["legal_name", "abn_display", "gst_registered"]

    # There is one MSP: once its profile exists it is edited, never duplicated.
    def has_add_permission(self, request):
        return not BusinessProfile.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = [
        "occurred_at",
        "action",
        "subject_type",
        "subject_id",
        "actor_label",
    ]
    list_filter = ["action", "channel", "actor_role"]
    search_fields = ["subject_id", "actor_label", "request_id"]

    # The trail is read-only everywhere, the admin included.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
