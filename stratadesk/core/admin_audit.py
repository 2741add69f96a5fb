"""Django admin edits of configuration data, written to the audit trail like any change.

The admin is the Admin role's configuration screen. It saves models directly rather
than through domain services, so this mixin appends the audit event in the same
transaction as the save (the admin wraps each change view in one).
"""

from stratadesk.core import audit
from stratadesk.core.models import Channel
from stratadesk.people.actors import Actor


def _client_of(obj):
    from stratadesk.clients.models import ClientOrganisation

    if isinstance(obj, ClientOrganisation):
        return obj
    return getattr(obj, "client", None)


class AuditedAdmin:
    """Mix into a ModelAdmin before admin.ModelAdmin."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        verb = "changed" if change else "created"
        audit.record(
            Actor.from_request(request, Channel.CONSOLE),
            f"{obj._meta.model_name}.{verb}",
            obj,
            client=_client_of(obj),
            data={"via": "admin", "fields": sorted(form.changed_data)},
        )

    def delete_model(self, request, obj):
        self._record_deletion(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._record_deletion(request, obj)
        super().delete_queryset(request, queryset)

    def _record_deletion(self, request, obj):
        audit.record(
            Actor.from_request(request, Channel.CONSOLE),
            f"{obj._meta.model_name}.deleted",
            obj,
            client=_client_of(obj),
            data={"via": "admin", "was": str(obj)},
        )
