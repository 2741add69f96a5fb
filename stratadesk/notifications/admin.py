"""Notification rules and the outbox, as Admins see them in Django's admin."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from stratadesk.core.admin_audit import AuditedAdmin
from stratadesk.core.errors import ValidationFailed
from stratadesk.notifications import rules
from stratadesk.notifications.models import EmailDelivery, NotificationRule


class NotificationRuleForm(forms.ModelForm):
    """The console's checks on a rule, so the admin saves none the console refuses."""

    class Meta:
        model = NotificationRule
        fields = ["client", "event", "stage", "audience", "user", "email", "in_app"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("client") is None:
            return cleaned
        try:
            rules.check_rule(
                cleaned["client"],
                event=cleaned.get("event", ""),
                stage=cleaned.get("stage", ""),
                audience=cleaned.get("audience", ""),
                user=cleaned.get("user"),
            )
        except ValidationFailed as exc:
            raise ValidationError(exc.fields or exc.message) from None
        return cleaned


@admin.register(NotificationRule)
class NotificationRuleAdmin(AuditedAdmin, admin.ModelAdmin):
    form = NotificationRuleForm
    list_display = ["client", "event", "stage", "audience", "user", "email", "in_app"]
    list_filter = ["client", "event", "audience", "email", "in_app"]
    list_editable = ["email", "in_app"]
    autocomplete_fields = ["user"]
    fields = ["client", "event", "stage", "audience", "user", "email", "in_app"]


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(admin.ModelAdmin):
    """Read only: what was sent, to whom, and how it went."""

    list_display = ["created_at", "template", "to_address", "ticket", "status"]
    list_filter = ["status", "template"]
    search_fields = ["to_address", "subject", "event_key"]
    readonly_fields = [field.name for field in EmailDelivery._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def install_default_rules(modeladmin, request, queryset):
    installed = sum(bool(rules.install_defaults(client)) for client in queryset)
    modeladmin.message_user(request, f"Default rules given to {installed} clients.")


install_default_rules.short_description = "Give the default notification rules"
