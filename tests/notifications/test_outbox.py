"""Sending an EmailDelivery: once, with retries for temporary failures only."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django_tasks_db.models import DBTaskResult

from stratadesk.core import clock
from stratadesk.notifications import outbox
from stratadesk.notifications.models import EmailDelivery, EmailStatus
from tests.notifications import flaky
from tests.notifications.support import MONDAY


@pytest.fixture(autouse=True)
def flaky_backend(settings):
    settings.MAILERS = {
        "default": {"BACKEND": "tests.notifications.flaky.FlakyBackend"}
    }
    flaky.FAILURES.clear()
    yield
    flaky.FAILURES.clear()


def _delivery(world):
    world.raise_ticket()
    return EmailDelivery.objects.get()


def test_a_temporary_failure_is_retried_later_and_then_sent_once(world):
    with time_machine.travel(MONDAY, tick=False) as traveller:
        delivery = _delivery(world)
        flaky.FAILURES.append(flaky.temporary())

        outbox.send(delivery.pk)
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempt_count) == ("pending", 1)
        assert "SMTPServerDisconnected" in delivery.last_error
        assert delivery.next_attempt_at > clock.now() + timedelta(seconds=40)
        retry = DBTaskResult.objects.order_by("-pk").first()
        assert retry.args_kwargs["kwargs"] == {"delivery_id": delivery.pk}

        outbox.send(delivery.pk)  # too early: left alone
        assert mail.outbox == []

        traveller.move_to(delivery.next_attempt_at)
        outbox.send(delivery.pk)
        outbox.send(delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempt_count) == ("sent", 2)
    assert delivery.last_error == ""
    assert len(mail.outbox) == 1


def test_a_refused_recipient_fails_at_once(world):
    delivery = _delivery(world)
    flaky.FAILURES.append(flaky.permanent())

    outbox.send(delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempt_count) == ("failed", 1)
    assert "SMTPRecipientsRefused" in delivery.last_error


def test_retries_run_out(world):
    with time_machine.travel(MONDAY, tick=False) as traveller:
        delivery = _delivery(world)
        for _ in range(len(outbox.RETRY_DELAYS) + 1):
            flaky.FAILURES.append(flaky.temporary())
            outbox.send(delivery.pk)
            delivery.refresh_from_db()
            traveller.move_to(clock.now() + timedelta(hours=8))

    assert delivery.status == "failed"
    assert delivery.attempt_count == len(outbox.RETRY_DELAYS) + 1


def test_a_worker_that_died_mid_send_is_not_sent_again(world):
    with time_machine.travel(MONDAY, tick=False) as traveller:
        delivery = _delivery(world)
        EmailDelivery.objects.filter(pk=delivery.pk).update(
            status=EmailStatus.SENDING, sending_since=clock.now(), attempt_count=1
        )
        traveller.move_to(clock.now() + outbox.SENDING_LEASE + timedelta(minutes=1))

        assert outbox.resume_stalled() == {"lost": 1, "resumed": 0}
        outbox.send(delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert "may or may not" in delivery.last_error
    assert mail.outbox == []


def test_a_pending_delivery_that_lost_its_task_is_queued_again(world):
    with time_machine.travel(MONDAY, tick=False) as traveller:
        delivery = _delivery(world)
        DBTaskResult.objects.all().delete()
        traveller.move_to(clock.now() + outbox.STALLED_AFTER + timedelta(minutes=1))

        assert outbox.resume_stalled() == {"lost": 0, "resumed": 1}

    [task] = DBTaskResult.objects.all()
    assert task.args_kwargs["kwargs"] == {"delivery_id": delivery.pk}
