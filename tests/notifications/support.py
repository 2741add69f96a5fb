"""Helpers shared by the webhook tests: the worker, the clock and the constants."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from stratadesk.notifications.models import EmailDelivery, WebhookEvent

DELIVER = "stratadesk.notifications.tasks.deliver_webhook"
SEND_EMAIL = "stratadesk.notifications.tasks.send_email"
TICKET_EVENTS = [
    WebhookEvent.TICKET_CREATED,
    WebhookEvent.TICKET_STAGE_CHANGED,
    WebhookEvent.TICKET_COMMENTED,
]
# A Monday morning in Sydney; tests that move the clock start here.
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Australia/Sydney"))


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def run_until_done(traveller, *, rounds=40):
    """Run the worker, then move the clock to the next queued task, until none is left.

    Retries wait minutes to hours; the clock jumps instead of the test sleeping.
    """
    for _ in range(rounds):
        run_worker()
        upcoming = DBTaskResult.objects.filter(status="READY").order_by("run_after")
        if not upcoming.exists():
            return
        traveller.move_to(upcoming.first().run_after + timedelta(seconds=1))
    raise AssertionError(f"tasks still queued after {rounds} rounds")


def deliver_tasks():
    return DBTaskResult.objects.filter(task_path=DELIVER)


def emails_queued(template):
    """Each email composed from `template`, one per recipient, oldest first."""
    return [
        {
            "to": [delivery.to_address],
            "subject": delivery.subject,
            "body": delivery.body_text,
            "html": delivery.body_html,
            "headers": delivery.headers,
            "event": delivery.event,
            "ticket_id": delivery.ticket_id,
            "attach_svr": delivery.attach_svr,
            "delivery_id": delivery.pk,
            "status": delivery.status,
        }
        for delivery in EmailDelivery.objects.filter(template=template).order_by("pk")
    ]


def email_tasks():
    return DBTaskResult.objects.filter(task_path=SEND_EMAIL)
