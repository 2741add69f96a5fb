from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group

from stratadesk.core.admin_audit import AuditedAdmin
from stratadesk.people.models import User

# Access is by the five roles, not by Django groups; hiding groups avoids a second,
# unused permission system.
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ["username", "email", "role", "client", "is_active"]
    list_filter = ["role", "client", "is_active"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("Stratadesk", {"fields": ["role", "client", "limited_to_clients"]}),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        ("Stratadesk", {"fields": ["email", "role", "client"]}),
    ]


# Lifting a lockout (deleting an access attempt) is a security decision: audit it.
admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class AuditedAccessAttemptAdmin(AuditedAdmin, AccessAttemptAdmin):
    pass
