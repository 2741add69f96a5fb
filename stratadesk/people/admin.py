from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from stratadesk.people.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "role", "client", "is_active"]
    list_filter = ["role", "client", "is_active"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("Stratadesk", {"fields": ["role", "client"]}),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        ("Stratadesk", {"fields": ["email", "role", "client"]}),
    ]
