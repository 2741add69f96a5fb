from django.contrib import admin

from stratadesk.core.admin_audit import AuditedAdmin
from stratadesk.tickets.models import Category


@admin.register(Category)
class CategoryAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["name", "is_active"]


# Tickets, comments and work entries change only through the lifecycle services (the
# console and portal), so they are not editable here.
