from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django_otp.plugins.otp_totp.models import TOTPDevice

from stratadesk.console.access import send_to_step
from stratadesk.core.admin_audit import AuditedAdmin
from stratadesk.people.models import User
from stratadesk.people.two_factor import pending_step


class TwoFactorAdminSite(admin.AdminSite):
    """Django's admin site, closed to an Admin who still owes a two-factor step.

    Without this, an Admin with two-factor on would reach the admin with their
    password alone. The admin's own login page sends them to the step instead of
    asking for the password again.
    """

    def has_permission(self, request):
        return super().has_permission(request) and pending_step(request.user) is None

    @method_decorator(never_cache)
    def login(self, request, extra_context=None):
        step = pending_step(request.user)
        if step is not None:
            next_url = request.GET.get("next") or reverse("admin:index")
            return send_to_step(request, step, next_url)
        return super().login(request, extra_context)


# The default site is built before any app's admin module runs; swapping its class
# (django-otp's documented way) keeps every registration made on it.
admin.site.__class__ = TwoFactorAdminSite

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


# The TOTP plugin's own admin shows each device's secret and QR code; an Admin needs
# only to see who has two-factor on and to remove a lost phone's device (audited), after
# which its owner signs in with their password and sets it up again.
admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TwoFactorDeviceAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["user", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "user__email"]
    fields = [
        "user",
        "name",
        "confirmed",
        "created_at",
        "last_used_at",
        "throttling_failure_count",
        "throttling_failure_timestamp",
    ]
    readonly_fields = fields

    # Devices are set up by their owner, from a code only their phone shows.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
