"""Which changes queue which webhook events, with what in them, for whom."""

import pytest
import time_machine
from django.db import transaction

from stratadesk.notifications import services as notifications
from stratadesk.notifications import webhooks
from stratadesk.notifications.models import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookEvent,
)
from stratadesk.tickets import services
from tests.fixtures import actor
from tests.notifications.support import DELIVER, MONDAY, TICKET_EVENTS, deliver_tasks

HOOK = "https://hooks.harbour.test/stratadesk"
EVERYTHING = list(WebhookEvent.values)


class Boom(Exception):
    pass


def _types(endpoint=None):
    deliveries = WebhookDelivery.objects.order_by("pk")
    if endpoint is not None:
        deliveries = deliveries.filter(endpoint=endpoint)
    return [delivery.event_type for delivery in deliveries]


def test_it_queues_a_signed_delivery_and_its_task_with_a_new_ticket(
    world, endpoint_for
):
    endpoint = endpoint_for(HOOK)
    with time_machine.travel(MONDAY, tick=False):
        ticket = world.raise_ticket(
            category=world.category, external_ref="HL-77", priority="P2"
        )

    delivery = WebhookDelivery.objects.get()
    assert (delivery.endpoint, delivery.ticket) == (endpoint, ticket)
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.message_id.startswith("msg_")
    assert delivery.payload == {
        "type": "ticket.created",
        "timestamp": "2026-03-01T22:00:00+00:00",
        "data": {
            "id": 1001,
            "reference": "T-1001",
            "title": "Printer on level 3 jams",
            "stage": "request",
            "priority": "P2",
            "category": "Hardware",
            "external_ref": "HL-77",
            "requester": "harry@harbour.test",
            "created_at": "2026-03-01T22:00:00+00:00",
            "updated_at": "2026-03-01T22:00:00+00:00",
            "stage_changed_at": "2026-03-01T22:00:00+00:00",
            "url": "http://127.0.0.1:8000/api/v1/tickets/1001",
        },
    }
    [task] = deliver_tasks()
    assert (task.task_path, task.status) == (DELIVER, "READY")
    assert task.args_kwargs["kwargs"] == {"delivery_id": delivery.pk}


def test_it_tells_a_move_with_the_stages_it_went_between(world, endpoint_for):
    endpoint_for(HOOK)
    ticket = world.raise_ticket()

    world.move(ticket, "triage", world.olivia)

    moved = WebhookDelivery.objects.get(event_type="ticket.stage_changed")
    data = moved.payload["data"]
    assert (data["stage"], data["from_stage"], data["to_stage"]) == (
        "triage",
        "request",
        "triage",
    )


def test_it_sends_a_public_reply_with_its_author_and_body(world, endpoint_for):
    endpoint_for(HOOK)
    ticket = world.ticket_at("in_progress")

    with time_machine.travel(MONDAY, tick=False):
        comment = services.add_comment(actor(world.sam), ticket, "New fuser ordered.")

    delivery = WebhookDelivery.objects.get(event_type="ticket.commented")
    assert delivery.payload["data"]["comment"] == {
        "id": comment.pk,
        "body": "New fuser ordered.",
        "author": "Sam",
        "created_at": "2026-03-01T22:00:00+00:00",
    }
    assert delivery.payload["data"]["updated_at"] == "2026-03-01T22:00:00+00:00"


def test_it_queues_nothing_for_an_internal_note(world, endpoint_for):
    endpoint_for(HOOK)
    ticket = world.ticket_at("in_progress")
    before = WebhookDelivery.objects.count()

    services.add_comment(
        actor(world.sam), ticket, "Client's printer is out of warranty.", public=False
    )

    assert WebhookDelivery.objects.count() == before
    bodies = [str(d.payload) for d in WebhookDelivery.objects.all()]
    assert not any("out of warranty" in body for body in bodies)


def test_it_never_puts_internal_notes_or_costs_in_a_payload(world, endpoint_for):
    endpoint_for(HOOK, events=EVERYTHING)
    ticket = world.ticket_at("in_progress")
    services.add_comment(actor(world.sam), ticket, "Costs us $80.", public=False)
    services.add_material(
        actor(world.sam), ticket, item="Fuser", quantity=1, unit_price="79.50"
    )

    world.move(ticket, "resolve", world.sam, resolution_summary="Fuser replaced.")

    for delivery in WebhookDelivery.objects.all():
        text = str(delivery.payload)
        assert "Costs us" not in text and "79.5" not in text


def test_it_queues_nothing_when_the_change_rolls_back(world, endpoint_for):
    endpoint_for(HOOK)

    with pytest.raises(Boom), transaction.atomic():
        world.raise_ticket()
        raise Boom

    assert WebhookDelivery.objects.count() == 0
    assert deliver_tasks().count() == 0


def test_it_never_sends_one_clients_events_to_another_clients_endpoint(
    world, endpoint_for
):
    harbours = endpoint_for(HOOK, events=EVERYTHING)
    outbacks = endpoint_for(
        "https://hooks.outback.test/in", events=EVERYTHING, client=world.outback
    )

    world.ticket_at("closed")

    assert _types(outbacks) == []
    assert _types(harbours) == [
        "ticket.created",
        *["ticket.stage_changed"] * 4,
        "svr.issued",
        "ticket.stage_changed",
        "svr.approved",
        "ticket.stage_changed",
    ]


def test_it_sends_only_the_events_an_endpoint_asked_for(world, endpoint_for):
    endpoint_for(HOOK, events=[WebhookEvent.TICKET_COMMENTED])
    ticket = world.ticket_at("in_progress")

    services.add_comment(actor(world.sam), ticket, "On site at two.")

    assert _types() == ["ticket.commented"]


def test_it_queues_nothing_for_a_deactivated_endpoint(world, endpoint_for):
    endpoint = endpoint_for(HOOK)
    webhooks.update_endpoint(actor(world.ada), endpoint, is_active=False)

    world.raise_ticket()

    assert WebhookDelivery.objects.count() == 0


def test_it_queues_nothing_while_notifications_are_suppressed(world, endpoint_for):
    endpoint_for(HOOK)

    with notifications.suppressed():
        world.raise_ticket()

    assert WebhookDelivery.objects.count() == 0


def test_it_tells_of_an_svr_issued_and_rejected(world, endpoint_for):
    endpoint_for(HOOK, events=[WebhookEvent.SVR_ISSUED, WebhookEvent.SVR_REJECTED])
    ticket = world.ticket_at("svr_pending")

    with time_machine.travel(MONDAY, tick=False):
        world.move(ticket, "reject_svr", world.hannah, reason="The tray still jams.")

    issued, rejected = WebhookDelivery.objects.order_by("pk")
    assert issued.payload["type"] == "svr.issued"
    assert rejected.payload["data"] == {
        "svr": {
            "version": 1,
            "status": "rejected",
            "work_summary": "Fuser.",
            "issued_at": issued.payload["data"]["svr"]["issued_at"],
            "decided_at": "2026-03-01T22:00:00+00:00",
            "reason": "The tray still jams.",
        },
        "ticket": {
            "id": ticket.number,
            "reference": ticket.reference,
            "title": "Printer on level 3 jams",
            "url": f"http://127.0.0.1:8000/api/v1/tickets/{ticket.number}",
        },
    }


def test_it_refuses_an_event_name_it_does_not_know(world):
    with pytest.raises(ValueError, match=r"'ticket\.deleted' is not a webhook event"):
        webhooks.queue_event("ticket.deleted", client=world.harbour, data={})


def test_it_offers_the_ten_events_of_the_api_contract():
    contract = [
        *TICKET_EVENTS,
        "sla.warning",
        "sla.breached",
        "svr.issued",
        "svr.approved",
        "svr.rejected",
        "invoice.issued",
        "adjustment_note.issued",
    ]

    assert contract == EVERYTHING
