"""Hourly housekeeping in the background worker, across the packages.

One task does it all and queues its own next run, so a single row in the task table
keeps the schedule; `stratadesk housekeeping --schedule` (run by `make run` before the
worker starts) queues the first one when none is waiting. Running it twice at once is
harmless: every step is idempotent.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.tasks import task

from stratadesk.api import idempotency
from stratadesk.core import clock, submissions
from stratadesk.core.periodic import schedule_if_idle
from stratadesk.notifications import outbox, webhooks
from stratadesk.svr import links

logger = logging.getLogger(__name__)

EVERY = timedelta(hours=1)
TASK_PATH = "stratadesk.housekeeping.housekeeping"


def run_once() -> dict[str, int]:
    """Each step's count, for the log and the command line."""
    done = {
        "idempotency_records_purged": idempotency.purge_expired(),
        "submission_tokens_purged": submissions.purge(),
        "svr_links_purged": links.purge_expired(),
        "webhook_deliveries_resumed": webhooks.resume_stalled(),
    }
    emails = outbox.resume_stalled()
    done["email_deliveries_resumed"] = emails["resumed"]
    done["email_deliveries_lost"] = emails["lost"]
    logger.info("housekeeping done", extra=done)
    return done


@task()
def housekeeping() -> None:
    run_once()
    with transaction.atomic():
        housekeeping.using(run_after=clock.now() + EVERY).enqueue()


def schedule() -> bool:
    """Queue the first run unless one is already waiting; True when it queued one."""
    return schedule_if_idle(housekeeping, TASK_PATH)
