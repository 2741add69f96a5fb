"""Delivering webhooks to a real receiver: retries, order, dead letter and replay."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from stratadesk.core.errors import Conflict
from stratadesk.core.models import AuditEvent
from stratadesk.notifications import webhooks
from stratadesk.notifications.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
)
from stratadesk.notifications.tasks import deliver_webhook
from stratadesk.tickets import services
from tests.fixtures import actor
from tests.notifications.receiver import closed_port
from tests.notifications.support import (
    MONDAY,
    deliver_tasks,
    emails_queued,
    run_until_done,
)


def _deliver(delivery):
    """Run the delivery task's function once, as the worker would."""
    deliver_webhook.call(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    return delivery


# The worker closes its database connection when done, which a test transaction
# cannot survive on PostgreSQL, so the tests that run it commit for real.
@pytest.mark.django_db(transaction=True)
def test_it_delivers_every_event_once_in_order_to_a_receiver_that_fails_at_first(
    world, make_receiver, endpoint_for
):
    receiver = make_receiver(statuses=[500, 500, 500])
    with time_machine.travel(MONDAY, tick=True) as traveller:
        endpoint_for(receiver.url, receiver=receiver)
        printer = world.raise_ticket()
        printer = world.move(printer, "triage", world.olivia)
        services.add_comment(actor(world.olivia), printer, "Looking at it now.")
        services.add_comment(actor(world.olivia), printer, "Fuser again?", public=False)
        laptop = world.raise_ticket(title="Laptop will not boot")

        run_until_done(traveller)

    deliveries = WebhookDelivery.objects.order_by("pk")
    assert [d.status for d in deliveries] == [DeliveryStatus.SUCCEEDED] * 4
    assert [call.status for call in receiver.calls] == [
        500,
        500,
        500,
        200,
        200,
        200,
        200,
    ]
    assert all(call.verified for call in receiver.calls)
    accepted_ids = [call.message_id for call in receiver.accepted]
    assert sorted(accepted_ids) == sorted(d.message_id for d in deliveries)
    by_ticket = {}
    for call in receiver.accepted:
        payload = call.payload
        by_ticket.setdefault(payload["data"]["id"], []).append(payload["type"])
    assert by_ticket == {
        printer.number: ["ticket.created", "ticket.stage_changed", "ticket.commented"],
        laptop.number: ["ticket.created"],
    }
    assert WebhookAttempt.objects.count() == 7


@pytest.mark.django_db(transaction=True)
def test_it_gives_up_after_a_day_of_refused_connections_and_tells_the_owner(
    world, endpoint_for
):
    with time_machine.travel(MONDAY, tick=True) as traveller:
        endpoint = endpoint_for(f"http://127.0.0.1:{closed_port()}/hooks")
        world.raise_ticket()

        run_until_done(traveller)

    delivery = WebhookDelivery.objects.get()
    attempts = list(delivery.attempts.order_by("number"))
    assert delivery.status == DeliveryStatus.FAILED
    assert [a.number for a in attempts] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert attempts[-1].started_at - attempts[0].started_at >= timedelta(hours=24)
    assert {a.status_code for a in attempts} == {None}
    assert all(a.error.startswith("ConnectError: ") for a in attempts)

    [told] = [message for message in mail.outbox if message.to == ["ada@example.test"]]
    assert told.subject == "Webhook not delivered to Harbour Legal: ticket.created"
    assert delivery.message_id in told.body
    assert f"/console/webhooks/{endpoint.pk}/" in told.body
    event = AuditEvent.objects.get(action="webhook.delivery_failed")
    assert (event.subject_id, event.client, event.actor_role) == (
        str(delivery.pk),
        world.harbour,
        "system",
    )
    assert event.data["attempts"] == 8


def test_it_sends_a_refused_message_straight_to_the_dead_letter(
    world, make_receiver, endpoint_for
):
    receiver = make_receiver(statuses=[410])
    endpoint_for(receiver.url, receiver=receiver)
    world.raise_ticket()
    delivery = WebhookDelivery.objects.get()

    _deliver(delivery)

    assert (delivery.status, delivery.attempt_count) == (DeliveryStatus.FAILED, 1)
    assert delivery.last_status_code == 410
    assert delivery.last_error == "The receiver answered 410."
    assert delivery.attempts.get().response_excerpt == "receiver says no"
    # Only the task queued with the event; no retry was queued.
    assert deliver_tasks().count() == 1
    assert AuditEvent.objects.filter(action="webhook.delivery_failed").count() == 1
    [email] = emails_queued("webhook_dead_letter")
    assert email["to"] == ["ada@example.test"]


def test_it_replays_a_dead_letter_with_the_same_message_id_and_body(
    world, make_receiver, endpoint_for
):
    receiver = make_receiver(statuses=[410])
    endpoint_for(receiver.url, receiver=receiver)
    world.raise_ticket()
    delivery = _deliver(WebhookDelivery.objects.get())

    replayed = webhooks.replay_delivery(actor(world.ada), delivery)
    assert (replayed.status, replayed.attempt_count) == (DeliveryStatus.PENDING, 0)
    _deliver(delivery)

    first, second = receiver.calls
    assert (first.status, second.status) == (410, 200)
    assert second.message_id == first.message_id == delivery.message_id
    assert second.body == first.body
    assert second.verified
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert list(delivery.attempts.values_list("number", "status_code")) == [
        (1, 410),
        (2, 200),
    ]
    event = AuditEvent.objects.get(action="webhook.delivery_replayed")
    assert (event.actor, event.subject_id) == (world.ada, str(delivery.pk))


def test_it_refuses_to_replay_a_delivery_still_pending(world, endpoint_for):
    endpoint_for(f"http://127.0.0.1:{closed_port()}/hooks")
    world.raise_ticket()
    delivery = WebhookDelivery.objects.get()
    audit_before = AuditEvent.objects.count()

    with pytest.raises(Conflict) as refused:
        webhooks.replay_delivery(actor(world.ada), delivery)

    assert refused.value.code == "delivery_pending"
    assert WebhookDelivery.objects.get().replay_count == 0
    assert AuditEvent.objects.count() == audit_before


def test_it_retries_a_429_after_about_five_seconds(world, make_receiver, endpoint_for):
    receiver = make_receiver(statuses=[429])
    endpoint_for(receiver.url, receiver=receiver)

    with time_machine.travel(MONDAY, tick=False):
        world.raise_ticket()
        delivery = _deliver(WebhookDelivery.objects.get())

    assert (delivery.status, delivery.attempt_count) == (DeliveryStatus.PENDING, 1)
    wait = delivery.next_attempt_at - MONDAY
    assert timedelta(seconds=4) <= wait <= timedelta(seconds=6)
    [retry] = deliver_tasks().exclude(run_after__year=9999)
    assert retry.run_after == delivery.next_attempt_at


def test_it_holds_a_ticket_event_back_while_an_earlier_one_is_pending(
    world, make_receiver, endpoint_for
):
    receiver = make_receiver(statuses=[503])
    endpoint_for(receiver.url, receiver=receiver)
    ticket = world.raise_ticket()
    world.move(ticket, "triage", world.olivia)
    created, moved = WebhookDelivery.objects.order_by("pk")

    _deliver(created)
    _deliver(moved)

    assert [call.payload["type"] for call in receiver.calls] == ["ticket.created"]
    assert (moved.status, moved.attempt_count) == (DeliveryStatus.PENDING, 0)


def test_it_lets_the_next_event_of_the_ticket_go_when_one_finishes(
    world, make_receiver, endpoint_for
):
    receiver = make_receiver()
    endpoint_for(receiver.url, receiver=receiver)
    ticket = world.raise_ticket()
    world.move(ticket, "triage", world.olivia)
    created, moved = WebhookDelivery.objects.order_by("pk")
    before = set(deliver_tasks().values_list("id", flat=True))

    _deliver(created)

    [handed_on] = deliver_tasks().exclude(id__in=before)
    assert handed_on.args_kwargs["kwargs"] == {"delivery_id": moved.pk}


def test_it_leaves_alone_a_delivery_another_worker_is_sending(
    world, make_receiver, endpoint_for
):
    receiver = make_receiver()
    endpoint_for(receiver.url, receiver=receiver)
    world.raise_ticket()
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        sending_since=delivery.created_at
    )

    _deliver(delivery)

    assert receiver.calls == []
    assert (delivery.status, delivery.attempt_count) == (DeliveryStatus.PENDING, 0)


def test_it_sends_a_delivered_message_only_once_when_its_task_runs_twice(
    world, make_receiver, endpoint_for
):
    receiver = make_receiver()
    endpoint_for(receiver.url, receiver=receiver)
    world.raise_ticket()
    delivery = WebhookDelivery.objects.get()

    _deliver(delivery)
    _deliver(delivery)

    assert len(receiver.calls) == 1
    assert delivery.attempts.count() == 1


def test_it_signs_with_the_standard_webhooks_headers(
    world, make_receiver, endpoint_for
):
    receiver = make_receiver()
    endpoint_for(receiver.url, receiver=receiver)

    with time_machine.travel(MONDAY, tick=False):
        world.raise_ticket()
        delivery = _deliver(WebhookDelivery.objects.get())

    [call] = receiver.calls
    assert call.verified
    assert call.headers["webhook-id"] == delivery.message_id
    assert call.headers["webhook-timestamp"] == str(int(MONDAY.timestamp()))
    assert call.headers["webhook-signature"].startswith("v1,")
    assert call.headers["content-type"] == "application/json"
    assert call.payload == delivery.payload
