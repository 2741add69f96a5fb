"""Webhook endpoints and their deliveries on the wire."""

from rest_framework import serializers

from stratadesk.api.serializers import StrictSerializer
from stratadesk.notifications.models import WebhookEvent


class WebhookEndpointCreateSerializer(StrictSerializer):
    url = serializers.URLField(max_length=500)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.values), min_length=1
    )
    description = serializers.CharField(max_length=200, required=False, default="")
    client = serializers.SlugField(required=False, help_text="Staff tokens only.")


class WebhookEndpointUpdateSerializer(StrictSerializer):
    url = serializers.URLField(max_length=500, required=False)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.values),
        min_length=1,
        required=False,
    )
    description = serializers.CharField(max_length=200, required=False)
    is_active = serializers.BooleanField(required=False)


class WebhookEndpointSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    client = serializers.SlugField(source="client.slug")
    url = serializers.URLField()
    events = serializers.ListField(child=serializers.CharField())
    description = serializers.CharField()
    is_active = serializers.BooleanField()
    secret = serializers.CharField(
        help_text="The signing secret (whsec_...) for verifying deliveries."
    )
    created_at = serializers.DateTimeField()


class WebhookAttemptSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    started_at = serializers.DateTimeField()
    duration_ms = serializers.IntegerField(allow_null=True)
    status_code = serializers.IntegerField(allow_null=True)
    error = serializers.CharField()


class WebhookDeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    event_type = serializers.CharField()
    message_id = serializers.CharField()
    status = serializers.CharField()
    attempt_count = serializers.IntegerField()
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    last_status_code = serializers.IntegerField(allow_null=True)
    last_error = serializers.CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    payload = serializers.DictField()
    attempts = WebhookAttemptSerializer(many=True, source="attempts.all")
