"""Django admin edits of configuration data, written to the audit trail like any change.

The admin is the Admin role's configuration screen. It saves models directly rather
than through domain services, so this mixin hooks the admin's own change log, which
it writes for every add, change (inline rows and password changes included) and
deletion, and appends an audit event beside it, inside the admin's transaction.
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

    def log_addition(self, request, obj, message):
        self._audit(request, obj, "created", message)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._audit(request, obj, "changed", message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            self._audit(request, obj, "deleted", [{"deleted": str(obj)}])
        return super().log_deletions(request, queryset)

    def _audit(self, request, obj, verb, message):
        # `message` is the admin's structured account of what changed: fields, and
        # inline rows added, changed or deleted (or a sentence, for passwords).
        audit.record(
            Actor.from_request(request, Channel.CONSOLE),
            f"{obj._meta.model_name}.{verb}",
            obj,
            client=_client_of(obj),
            data={"via": "admin", "changes": message},
        )
