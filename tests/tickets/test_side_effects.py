"""Notifications are queued in the change's transaction and sent by the worker."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from stratadesk.core.models import AuditEvent
from stratadesk.notifications.models import EmailDelivery
from stratadesk.tickets import services
from stratadesk.tickets.models import Ticket
from tests.tickets import expected
from tests.tickets.state import actor_for, snapshot

SEND_EMAIL = "stratadesk.notifications.tasks.send_email"


class Boom(Exception):
    pass


def _run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def test_it_queues_the_acknowledgement_with_the_new_ticket(world):
    ticket = world.raise_ticket()

    [delivery] = EmailDelivery.objects.all()
    [task] = DBTaskResult.objects.all()
    assert (task.task_path, task.status) == (SEND_EMAIL, "READY")
    assert task.args_kwargs["kwargs"] == {"delivery_id": delivery.pk}
    assert (delivery.template, delivery.ticket) == ("ticket_created", ticket)
    assert (delivery.to_address, delivery.status) == ("harry@harbour.test", "pending")
    assert delivery.subject == (
        "[T-1001] We have received your request: Printer on level 3 jams"
    )


def test_it_leaves_no_ticket_event_or_task_when_the_caller_rolls_back(world):
    with pytest.raises(Boom), transaction.atomic():
        world.raise_ticket()
        raise Boom

    assert Ticket.objects.count() == 0
    assert AuditEvent.objects.count() == 0
    assert DBTaskResult.objects.count() == 0
    # The number was handed back with the rollback, so numbering stays gapless.
    assert world.raise_ticket().number == 1001


def test_it_leaves_no_task_when_a_move_is_rolled_back(world):
    ticket = world.ticket_at("triage")
    before = snapshot(ticket)

    with pytest.raises(Boom), transaction.atomic():
        services.transition(
            actor_for(world, expected.OPERATIONS),
            ticket,
            "assign",
            expected.valid_data("assign", world),
        )
        raise Boom

    assert snapshot(ticket) == before


@pytest.mark.django_db(transaction=True)
def test_it_emails_the_acknowledgement_when_the_worker_runs(world):
    ticket = world.raise_ticket()
    assert mail.outbox == []

    _run_worker()

    [message] = mail.outbox
    assert ticket.reference in message.subject
    assert message.to == ["harry@harbour.test"]
    assert "Hello Harry Requester," in message.body
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
def test_it_sends_nothing_for_a_change_that_rolled_back(world):
    with pytest.raises(Boom), transaction.atomic():
        world.raise_ticket()
        raise Boom

    _run_worker()

    assert mail.outbox == []


# The worker closes its database connection when done, which a test transaction
# cannot survive on PostgreSQL, so this test commits for real.
@pytest.mark.django_db(transaction=True)
def test_it_writes_plain_text_emails_without_html_escaping(world):
    world.raise_ticket(title="Can't print: O'Brien's PC & scanner")

    _run_worker()

    (sent,) = mail.outbox
    assert sent.subject.endswith("Can't print: O'Brien's PC & scanner")
    assert "&amp;" not in sent.body and "&#x27;" not in sent.body
