"""Client API keys and staff tokens in the admin: to look up and revoke, not to make.

Keys are made in the console or with `stratadesk apikey` / `stratadesk token`, where
the secret is shown once; the admin never shows or edits one. Revoking goes through
the same audited service as everywhere else.
"""

from django.contrib import admin, messages
from rest_framework_api_key.models import APIKey

from stratadesk.api import keys
from stratadesk.api.models import ClientApiKey, StaffToken
from stratadesk.core.models import Channel
from stratadesk.people.actors import Actor

# The library's own key model is not used: ours belong to a client or a user.
admin.site.unregister(APIKey)


class _CredentialAdmin(admin.ModelAdmin):
    search_fields = ("name", "prefix")
    list_filter = ("revoked",)
    actions = ["revoke_selected"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Revoked, never deleted: the audit trail and last-used times stay readable.
        return False

    def _revoke(self, actor, credential):
        raise NotImplementedError

    @admin.action(description="Revoke the selected credentials")
    def revoke_selected(self, request, queryset):
        actor = Actor.from_request(request, Channel.CONSOLE)
        for credential in queryset:
            self._revoke(actor, credential)
        messages.success(request, f"Revoked {queryset.count()}.")


@admin.register(ClientApiKey)
class ClientApiKeyAdmin(_CredentialAdmin):
    list_display = (
        "prefix",
        "client",
        "name",
        "scopes",
        "created",
        "expiry_date",
        "revoked",
        "last_used_at",
    )
    fields = list_display

    def _revoke(self, actor, credential):
        keys.revoke_client_key(actor, credential)


@admin.register(StaffToken)
class StaffTokenAdmin(_CredentialAdmin):
    list_display = (
        "prefix",
        "user",
        "name",
        "created",
        "expiry_date",
        "revoked",
        "last_used_at",
    )
    fields = list_display

    def _revoke(self, actor, credential):
        keys.revoke_staff_token(actor, credential)
