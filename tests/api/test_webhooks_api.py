"""Webhook endpoints and deliveries over the API, for a client's own system."""

import pytest

from stratadesk.notifications.models import WebhookDelivery, WebhookEndpoint
from stratadesk.notifications.tasks import deliver_webhook
from tests.api.conftest import field_errors, problem

ENDPOINTS = "/api/v1/webhooks/endpoints"
BODY = {"url": "https://hooks.harbour.test/in", "events": ["ticket.created"]}


def test_it_registers_an_endpoint_for_the_keys_organisation(world, harbour):
    response = harbour.post(ENDPOINTS, BODY)

    assert response.status_code == 201
    body = response.json()
    assert body["client"] == "harbour-legal"
    assert body["secret"].startswith("whsec_")
    assert WebhookEndpoint.objects.get().client == world.harbour


def test_it_lists_reads_changes_and_deletes_only_its_own(world, harbour, outback):
    mine = harbour.post(ENDPOINTS, BODY).json()
    theirs = outback.post(ENDPOINTS, BODY).json()

    listed = harbour.get(ENDPOINTS).json()
    changed = harbour.patch(f"{ENDPOINTS}/{mine['id']}", {"is_active": False})
    peek = harbour.get(f"{ENDPOINTS}/{theirs['id']}")
    meddle = harbour.patch(f"{ENDPOINTS}/{theirs['id']}", {"is_active": False})
    deleted = harbour.delete(f"{ENDPOINTS}/{mine['id']}")

    assert [item["id"] for item in listed] == [mine["id"]]
    assert changed.json()["is_active"] is False
    assert peek.status_code == meddle.status_code == 404
    assert deleted.status_code == 204
    assert list(WebhookEndpoint.objects.values_list("pk", "is_active")) == [
        (theirs["id"], True)
    ]


def test_it_rotates_the_signing_secret(harbour):
    made = harbour.post(ENDPOINTS, BODY).json()

    rotated = harbour.post(f"{ENDPOINTS}/{made['id']}/rotate-secret")

    assert rotated.status_code == 200
    assert rotated.json()["secret"] != made["secret"]


def test_it_shows_deliveries_with_their_attempts_and_replays_one(
    world, harbour, settings
):
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    made = harbour.post(ENDPOINTS, {**BODY, "url": "http://127.0.0.1:9/refused"}).json()
    world.raise_ticket()
    delivery = WebhookDelivery.objects.get()
    delivery.status = "failed"
    delivery.save(update_fields=["status"])

    listed = harbour.get(f"{ENDPOINTS}/{made['id']}/deliveries").json()
    replayed = harbour.post(f"/api/v1/webhooks/deliveries/{delivery.pk}/replay")
    # One attempt, as the worker would make it, inside this test's transaction.
    deliver_webhook.call(delivery_id=delivery.pk)

    assert [item["event_type"] for item in listed["results"]] == ["ticket.created"]
    assert replayed.status_code == 200
    assert replayed.json()["status"] == "pending"
    assert WebhookDelivery.objects.get().attempts.count() >= 1


def test_it_refuses_a_key_without_the_webhooks_scope(as_key):
    reader = as_key(scopes=["tickets:read"])

    response = reader.post(ENDPOINTS, BODY)

    assert response.status_code == 403
    assert problem(response)["code"] == "scope_missing"
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"url": "ftp://hooks.harbour.test"}, "url"),
        ({"events": ["ticket.exploded"]}, "events"),
        ({"events": []}, "events"),
        ({"secret": "mine"}, "secret"),
    ],
)
def test_it_refuses_bad_endpoint_fields(harbour, change, field):
    response = harbour.post(ENDPOINTS, {**BODY, **change})

    assert response.status_code == 422
    assert any(name.startswith(field) for name in field_errors(response))
    assert not WebhookEndpoint.objects.exists()


def test_it_lets_an_admin_token_register_for_a_named_client(world, as_staff):
    response = as_staff(world.ada).post(ENDPOINTS, {**BODY, "client": "outback-mining"})

    assert response.status_code == 201
    assert WebhookEndpoint.objects.get().client == world.outback


def test_it_refuses_other_staff(world, as_staff):
    response = as_staff(world.olivia).get(ENDPOINTS)

    assert response.status_code == 403
