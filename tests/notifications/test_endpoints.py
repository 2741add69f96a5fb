"""Registering, changing and removing endpoints; who may; where they may point."""

import base64
import socket

import pytest

from stratadesk.core.errors import PermissionDenied, ValidationFailed
from stratadesk.core.models import AuditEvent, Channel
from stratadesk.notifications import webhooks
from stratadesk.notifications.models import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
)
from stratadesk.notifications.tasks import deliver_webhook
from stratadesk.people.actors import Actor
from stratadesk.people.models import Role
from tests.fixtures import actor

HOOK = "https://hooks.harbour.test/stratadesk"
PUBLIC_IP = "93.184.216.34"


def _create(world, by=None, client=None, **fields):
    values = {"url": HOOK, "events": ["ticket.created"], **fields}
    return webhooks.create_endpoint(
        actor(by or world.ada), client or world.harbour, **values
    )


def _refusal(world, **fields) -> dict:
    with pytest.raises(ValidationFailed) as refused:
        _create(world, **fields)
    assert WebhookEndpoint.objects.count() == 0
    return refused.value.fields


@pytest.fixture
def public_dns(monkeypatch):
    """Every host name resolves to one public address, as on the internet."""

    def resolve(host, port, *args, **kwargs):
        address = host if host[0].isdigit() or ":" in host else PUBLIC_IP
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)


@pytest.fixture
def production_guard(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False


def test_it_registers_an_endpoint_with_a_standard_webhooks_secret(world):
    endpoint = _create(
        world,
        events=["ticket.commented", "ticket.created", "ticket.created"],
        description="  Their ServiceNow  ",
    )

    assert endpoint.client == world.harbour
    assert endpoint.events == ["ticket.created", "ticket.commented"]
    assert endpoint.description == "Their ServiceNow"
    assert (endpoint.is_active, endpoint.created_by) == (True, world.ada)
    assert endpoint.secret.startswith("whsec_")
    assert len(base64.b64decode(endpoint.secret.removeprefix("whsec_"))) == 32
    event = AuditEvent.objects.get(action="webhook.endpoint_created")
    assert (event.actor, event.client, event.subject_id) == (
        world.ada,
        world.harbour,
        str(endpoint.pk),
    )
    assert event.data == {"url": HOOK, "events": endpoint.events}


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "A URL is required."),
        (
            "ftp://hooks.harbour.test/in",
            "Give an http:// or https:// URL with a host name.",
        ),
        ("https:///no-host", "Give an http:// or https:// URL with a host name."),
        ("hooks.harbour.test/in", "Give an http:// or https:// URL with a host name."),
        ("https://hooks.harbour.test:99999/", "This is not a valid URL."),
        ("https://x.test/" + "a" * 500, "A URL has at most 500 characters."),
    ],
)
def test_it_refuses_a_url_that_is_not_http_with_a_host(world, url, message):
    assert _refusal(world, url=url) == {"url": [message]}


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ([], "Choose at least one event."),
        ("ticket.created", "Give a list of event names."),
        ([7], "Event names are strings."),
        (
            ["ticket.created", "ticket.deleted"],
            "Unknown events: ticket.deleted. Choose from ticket.created, "
            "ticket.stage_changed, ticket.commented, sla.warning, sla.breached, "
            "svr.issued, svr.approved, svr.rejected, invoice.issued, "
            "adjustment_note.issued.",
        ),
    ],
)
def test_it_refuses_events_that_are_not_a_list_of_known_names(world, events, message):
    assert _refusal(world, events=events) == {"events": [message]}


@pytest.mark.parametrize("who", ["olivia", "sam", "alex", "harry", "hannah"])
def test_it_lets_only_admins_register_endpoints_from_the_staff_side(world, who):
    with pytest.raises(PermissionDenied):
        _create(world, by=getattr(world, who))

    assert WebhookEndpoint.objects.count() == 0
    assert AuditEvent.objects.filter(action__startswith="webhook.").count() == 0


def test_it_lets_a_clients_own_system_register_for_its_organisation_only(world):
    harbour_system = Actor(
        user=None, role=Role.CLIENT, channel=Channel.API, client_id=world.harbour.pk
    )

    mine = webhooks.create_endpoint(
        harbour_system, world.harbour, url=HOOK, events=["ticket.created"]
    )
    with pytest.raises(PermissionDenied):
        webhooks.create_endpoint(
            harbour_system, world.outback, url=HOOK, events=["ticket.created"]
        )

    assert list(WebhookEndpoint.objects.all()) == [mine]
    assert mine.created_by is None


def test_it_changes_only_what_it_is_given_and_audits_the_change(world):
    endpoint = _create(world)

    changed = webhooks.update_endpoint(
        actor(world.ada), endpoint, events=["ticket.created", "svr.issued"]
    )

    assert (changed.url, changed.events) == (HOOK, ["ticket.created", "svr.issued"])
    event = AuditEvent.objects.get(action="webhook.endpoint_updated")
    assert event.data == {
        "events": [["ticket.created"], ["ticket.created", "svr.issued"]]
    }


def test_it_records_who_deactivated_an_endpoint_and_forgets_it_on_reactivation(
    world,
):
    endpoint = _create(world)

    off = webhooks.update_endpoint(actor(world.ada), endpoint, is_active=False)
    assert (off.is_active, off.disabled_reason) == (False, "Deactivated by Ada.")
    on = webhooks.update_endpoint(actor(world.ada), endpoint, is_active=True)
    assert (on.is_active, on.disabled_reason) == (True, "")


def test_it_changes_nothing_when_an_update_is_refused(world):
    endpoint = _create(world)

    with pytest.raises(ValidationFailed):
        webhooks.update_endpoint(
            actor(world.ada), endpoint, url="ftp://x.test/", events=["ticket.created"]
        )
    with pytest.raises(PermissionDenied):
        webhooks.update_endpoint(actor(world.olivia), endpoint, is_active=False)

    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.is_active) == (HOOK, True)
    assert AuditEvent.objects.filter(action="webhook.endpoint_updated").count() == 0


def test_it_rotates_the_secret_without_writing_it_to_the_audit_trail(world):
    endpoint = _create(world)
    old_secret = endpoint.secret

    rotated = webhooks.rotate_secret(actor(world.ada), endpoint)

    assert rotated.secret != old_secret
    assert rotated.secret.startswith("whsec_")
    event = AuditEvent.objects.get(action="webhook.secret_rotated")
    assert event.data == {}
    assert rotated.secret not in str(list(AuditEvent.objects.values()))


def test_it_deletes_an_endpoint_with_its_deliveries_and_keeps_the_audit(world):
    endpoint = _create(world)
    world.raise_ticket()

    webhooks.delete_endpoint(actor(world.ada), endpoint)

    assert WebhookEndpoint.objects.count() == 0
    assert WebhookDelivery.objects.count() == 0
    event = AuditEvent.objects.get(action="webhook.endpoint_deleted")
    assert event.data == {"url": HOOK, "events": ["ticket.created"], "deliveries": 1}


def test_it_finishes_a_pending_delivery_of_a_deactivated_endpoint_unsent(
    world, make_receiver
):
    receiver = make_receiver()
    endpoint = _create(world, url=receiver.url)
    world.raise_ticket()
    webhooks.update_endpoint(actor(world.ada), endpoint, is_active=False)
    delivery = WebhookDelivery.objects.get()

    deliver_webhook.call(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert receiver.calls == []
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error == "The endpoint was deactivated before this was sent."


# Only public addresses in production ------------------------------------------


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("http://127.0.0.1/", "127.0.0.1"),
        ("http://10.0.0.1/", "10.0.0.1"),
        ("http://192.168.1.20:8080/hook", "192.168.1.20"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
        ("http://[::1]/", "::1"),
        ("http://0.0.0.0/", "0.0.0.0"),  # noqa: S104 (an address under test)
    ],
)
def test_it_refuses_a_private_target_when_private_targets_are_off(
    world, production_guard, url, address
):
    host = address
    assert _refusal(world, url=url) == {
        "url": [
            f"Webhooks go only to public addresses; {host} resolves to {address}, "
            "which is not one."
        ]
    }


def test_it_refuses_a_name_that_resolves_to_any_private_address(
    world, production_guard, monkeypatch
):
    def resolve(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC_IP, port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.9.8.7", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)

    assert _refusal(world, url="https://intranet.harbour.test/hooks") == {
        "url": [
            "Webhooks go only to public addresses; intranet.harbour.test resolves "
            "to 10.9.8.7, which is not one."
        ]
    }


def test_it_refuses_a_name_that_does_not_resolve(world, production_guard, monkeypatch):
    def resolve(host, port, *args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", resolve)

    assert _refusal(world, url="https://nowhere.invalid/hook") == {
        "url": ["The host nowhere.invalid does not resolve."]
    }


def test_it_accepts_a_public_target_when_private_targets_are_off(
    world, production_guard, public_dns
):
    assert _create(world).url == HOOK


def test_it_accepts_a_private_target_in_development(world, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True

    assert _create(world, url="http://10.0.0.1/").url == "http://10.0.0.1/"


def test_it_refuses_at_delivery_an_endpoint_that_now_resolves_privately(
    world, make_receiver, settings
):
    receiver = make_receiver()
    endpoint = _create(world, url=receiver.url)
    world.raise_ticket()
    delivery = WebhookDelivery.objects.get()
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False

    deliver_webhook.call(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    endpoint.refresh_from_db()
    message = (
        "Webhooks go only to public addresses; 127.0.0.1 resolves to 127.0.0.1, "
        "which is not one."
    )
    assert receiver.calls == []
    assert (delivery.status, delivery.last_error) == (DeliveryStatus.FAILED, message)
    assert (endpoint.is_active, endpoint.disabled_reason) == (False, message)
    assert list(
        AuditEvent.objects.filter(
            action__in=["webhook.delivery_failed", "webhook.endpoint_disabled"]
        ).values_list("action", flat=True)
    ) == ["webhook.delivery_failed", "webhook.endpoint_disabled"]


def test_it_connects_to_the_address_it_checked_naming_the_real_host(
    settings, public_dns
):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    headers = {}

    target, extensions = webhooks._pinned_target(
        webhooks.httpx.URL("https://hooks.harbour.test:8443/in?x=1"), headers
    )

    assert str(target) == f"https://{PUBLIC_IP}:8443/in?x=1"
    assert headers == {"host": "hooks.harbour.test:8443"}
    assert extensions == {"sni_hostname": "hooks.harbour.test"}


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.0.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104 (an address under test, not a bind)
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
    ],
)
def test_it_counts_loopback_private_and_reserved_addresses_as_not_public(address):
    assert webhooks._is_public(address) is False


@pytest.mark.parametrize("address", [PUBLIC_IP, "1.1.1.1", "2606:4700:4700::1111"])
def test_it_counts_internet_addresses_as_public(address):
    assert webhooks._is_public(address) is True
