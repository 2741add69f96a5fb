"""The console's webhook pages: Admins manage endpoints and replay; no one else may."""

import pytest
from django.urls import reverse

from stratadesk.core.models import AuditEvent
from stratadesk.notifications import webhooks
from stratadesk.notifications.models import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
)
from stratadesk.notifications.tasks import deliver_webhook
from tests.fixtures import actor

HOOK = "https://hooks.harbour.test/stratadesk"


@pytest.fixture
def endpoint(world):
    return webhooks.create_endpoint(
        actor(world.ada), world.harbour, url=HOOK, events=["ticket.created"]
    )


@pytest.fixture
def failed_delivery(world, endpoint, make_receiver):
    receiver = make_receiver(statuses=[404])
    webhooks.update_endpoint(actor(world.ada), endpoint, url=receiver.url)
    receiver.secret = endpoint.secret
    world.raise_ticket()
    delivery = WebhookDelivery.objects.get()
    deliver_webhook.call(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    return delivery


def _state():
    return (
        list(WebhookEndpoint.objects.order_by("pk").values()),
        list(WebhookDelivery.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
    )


def test_it_lists_every_client_with_its_endpoint_counts(world, client, endpoint):
    client.force_login(world.ada)

    response = client.get(reverse("console:webhook_index"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Webhooks</h1>" in html
    harbour = reverse("console:webhook_client", args=[world.harbour.pk])
    assert f'<a href="{harbour}">Harbour Legal</a>' in html
    assert "Outback Mining" in html


def test_it_shows_the_webhooks_link_to_admins_only(world, client):
    client.force_login(world.ada)
    assert "/console/webhooks/" in client.get("/console/").content.decode()

    client.force_login(world.olivia)
    assert "/console/webhooks/" not in client.get("/console/").content.decode()


def test_it_adds_an_endpoint_and_shows_its_secret(world, client):
    client.force_login(world.ada)
    page = reverse("console:webhook_client", args=[world.harbour.pk])

    response = client.post(
        page,
        {
            "url": HOOK,
            "description": "Their ITSM",
            "events": ["ticket.created", "svr.approved"],
        },
    )

    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/console/webhooks/{endpoint.pk}/"
    assert (endpoint.client, endpoint.events) == (
        world.harbour,
        ["ticket.created", "svr.approved"],
    )
    shown = client.get(response["Location"]).content.decode()
    assert f'<code id="signing-secret">{endpoint.secret}</code>' in shown
    assert "Endpoint added." in shown


def test_it_shows_the_services_messages_next_to_the_fields(world, client):
    client.force_login(world.ada)
    page = reverse("console:webhook_client", args=[world.harbour.pk])

    response = client.post(page, {"url": "ftp://x.test/", "events": []})

    html = response.content.decode()
    assert response.status_code == 422
    assert "Give an http:// or https:// URL with a host name." in html
    assert "Choose at least one event." in html
    assert WebhookEndpoint.objects.count() == 0


def test_it_changes_an_endpoint(world, client, endpoint):
    client.force_login(world.ada)
    page = reverse("console:webhook_endpoint", args=[endpoint.pk])

    response = client.post(
        page,
        {
            "edit-url": "https://hooks.harbour.test/v2",
            "edit-description": "",
            "edit-events": ["ticket.commented"],
        },
    )

    endpoint.refresh_from_db()
    assert response.status_code == 302
    assert (endpoint.url, endpoint.events, endpoint.is_active) == (
        "https://hooks.harbour.test/v2",
        ["ticket.commented"],
        False,
    )


def test_it_rotates_the_secret(world, client, endpoint):
    client.force_login(world.ada)

    response = client.post(reverse("console:webhook_rotate", args=[endpoint.pk]))

    old_secret = endpoint.secret
    endpoint.refresh_from_db()
    assert response.status_code == 302
    assert endpoint.secret != old_secret


def test_it_deletes_an_endpoint(world, client, endpoint):
    client.force_login(world.ada)

    response = client.post(reverse("console:webhook_delete", args=[endpoint.pk]))

    assert response.status_code == 302
    assert response["Location"] == f"/console/clients/{world.harbour.pk}/webhooks/"
    assert WebhookEndpoint.objects.count() == 0


def test_it_shows_deliveries_with_their_attempts_and_replays_one(
    world, client, failed_delivery
):
    client.force_login(world.ada)
    page = reverse("console:webhook_endpoint", args=[failed_delivery.endpoint_id])

    html = client.get(page).content.decode()
    assert failed_delivery.message_id in html
    assert "HTTP 404" in html
    replay = reverse("console:webhook_replay", args=[failed_delivery.pk])
    assert f'action="{replay}"' in html

    response = client.post(replay)

    failed_delivery.refresh_from_db()
    assert response.status_code == 302
    assert failed_delivery.status == DeliveryStatus.PENDING
    assert failed_delivery.replay_count == 1


def test_it_says_why_a_pending_delivery_cannot_be_replayed(world, client, endpoint):
    world.raise_ticket()
    delivery = WebhookDelivery.objects.get()
    client.force_login(world.ada)

    response = client.post(reverse("console:webhook_replay", args=[delivery.pk]))

    assert response.status_code == 409
    assert "is still being delivered" in response.content.decode()


@pytest.mark.parametrize("who", ["olivia", "sam", "alex"])
def test_it_refuses_other_staff_every_webhook_page(world, client, who, failed_delivery):
    endpoint = failed_delivery.endpoint
    client.force_login(getattr(world, who))
    before = _state()

    pages = [
        reverse("console:webhook_index"),
        reverse("console:webhook_client", args=[world.harbour.pk]),
        reverse("console:webhook_endpoint", args=[endpoint.pk]),
    ]
    posts = [
        *pages[1:],
        reverse("console:webhook_rotate", args=[endpoint.pk]),
        reverse("console:webhook_delete", args=[endpoint.pk]),
        reverse("console:webhook_replay", args=[failed_delivery.pk]),
    ]

    assert [client.get(page).status_code for page in pages] == [403] * 3
    got = [client.post(url, {"url": HOOK, "events": ["svr.issued"]}) for url in posts]
    assert [response.status_code for response in got] == [403] * 5
    assert _state() == before


def test_it_hides_the_webhook_pages_from_client_users(world, client, endpoint):
    client.force_login(world.harry)

    assert client.get(reverse("console:webhook_index")).status_code == 404
    page = reverse("console:webhook_endpoint", args=[endpoint.pk])
    assert client.get(page).status_code == 404
