"""API credentials and the idempotency store.

Keys and tokens are stored hashed by djangorestframework-api-key; the full secret is
shown once, when it is made. A client key acts for one client organisation within its
scopes; a staff token acts as its user, with that user's role.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from rest_framework_api_key.models import AbstractAPIKey


class KeyScope(models.TextChoices):
    TICKETS_READ = "tickets:read", "Read tickets, comments, events and SVRs"
    TICKETS_WRITE = "tickets:write", "Raise tickets, comment, attach, withdraw"
    SVR_APPROVE = "svr:approve", "Approve or reject SVRs for a named approver"
    INVOICES_READ = "invoices:read", "Read invoices"
    WEBHOOKS_MANAGE = "webhooks:manage", "Manage webhook endpoints and deliveries"


class ClientApiKey(AbstractAPIKey):
    client = models.ForeignKey(
        "clients.ClientOrganisation", on_delete=models.PROTECT, related_name="api_keys"
    )
    scopes = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The key this one replaced, when made by rotation.
    rotated_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(AbstractAPIKey.Meta):
        verbose_name = "client API key"
        verbose_name_plural = "client API keys"

    @property
    def audit_id(self) -> str:
        return self.prefix

    @property
    def is_usable(self) -> bool:
        return not self.revoked and not self.has_expired


class StaffToken(AbstractAPIKey):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta(AbstractAPIKey.Meta):
        verbose_name = "staff API token"
        verbose_name_plural = "staff API tokens"

    @property
    def audit_id(self) -> str:
        return self.prefix

    @property
    def is_usable(self) -> bool:
        return not self.revoked and not self.has_expired


class IdempotencyState(models.TextChoices):
    IN_FLIGHT = "in_flight", "In flight"
    DONE = "done", "Done"


class IdempotencyRecord(models.Model):
    """The first response to a POST with an Idempotency-Key, kept for replays.

    `owner` names the credential's owner ("client:12" or "user:5"), so two callers
    can use the same key without meeting. A record stays in flight while the first
    request runs; its response is written in the same transaction as the change.
    """

    owner = models.CharField(max_length=40)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    state = models.CharField(max_length=10, choices=IdempotencyState.choices)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    response_location = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "key"], name="idempotency_key_unique_per_owner"
            ),
            models.CheckConstraint(
                name="idempotency_done_has_response",
                condition=Q(state="in_flight") | Q(response_status__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.owner} {self.key}"
