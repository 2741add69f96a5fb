"""The hourly housekeeping task: purges, recovery, and its own next run."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from stratadesk import housekeeping
from stratadesk.api.models import IdempotencyRecord, IdempotencyState
from stratadesk.core import clock
from stratadesk.notifications import webhooks
from stratadesk.notifications.models import WebhookDelivery
from tests.fixtures import actor
from tests.notifications.support import DELIVER, run_worker


def _old_record():
    created = clock.now() - timedelta(hours=25)
    return IdempotencyRecord.objects.create(
        owner="client:1",
        key="old",
        fingerprint="x",
        method="POST",
        path="/api/v1/tickets",
        state=IdempotencyState.DONE,
        response_status=201,
        response_body={},
        created_at=created,
        expires_at=created + timedelta(hours=24),
    )


def test_it_purges_expired_idempotency_records(db):
    _old_record()

    done = housekeeping.run_once()

    assert done["idempotency_records_purged"] == 1
    assert not IdempotencyRecord.objects.exists()


def test_it_requeues_a_delivery_whose_task_was_lost(world):
    webhooks.create_endpoint(
        actor(world.ada),
        world.harbour,
        url="https://hooks.harbour.test/in",
        events=["ticket.created"],
    )
    world.raise_ticket()
    DBTaskResult.objects.filter(task_path=DELIVER).delete()

    with time_machine.travel(clock.now() + timedelta(minutes=11)):
        resumed = housekeeping.run_once()["webhook_deliveries_resumed"]

    assert resumed == WebhookDelivery.objects.count() == 1
    assert DBTaskResult.objects.filter(task_path=DELIVER).count() == 1


# The worker closes its database connection when done, which a test transaction
# cannot survive on PostgreSQL, so this test commits for real.
@pytest.mark.django_db(transaction=True)
def test_it_schedules_itself_once_and_requeues_after_each_run():
    call_command("housekeeping", "--schedule")
    call_command("housekeeping", "--schedule")
    queued = DBTaskResult.objects.filter(task_path=housekeeping.TASK_PATH)
    assert queued.count() == 1

    run_worker()

    waiting = queued.filter(status="READY")
    assert waiting.count() == 1
    assert waiting.get().run_after > clock.now() + timedelta(minutes=59)
