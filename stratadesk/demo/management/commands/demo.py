"""`stratadesk demo`: load a plausible 60-day history into an empty database."""

import logging
import time
from contextlib import contextmanager, nullcontext

from django.core.management.base import BaseCommand, CommandError

from stratadesk.core.models import BusinessProfile
from stratadesk.demo import loader
from stratadesk.demo.world import DEMO_PASSWORD
from stratadesk.notifications import services as notifications
from stratadesk.tickets.models import CloseReason, Stage

logger = logging.getLogger(__name__)

# The services log every ticket created and moved. Replaying thousands of steps, that
# drowns the progress lines, so below -v 2 they are held back to warnings.
CHATTY_LOGGERS = ("stratadesk.tickets.services", "stratadesk.clients.services")


class Command(BaseCommand):
    help = (
        "Load demo data: the MSP's profile, staff and client logins, three clients "
        "and 200+ tickets with 60 days of history. Does nothing if already loaded."
    )

    def handle(self, *args, **options):
        if BusinessProfile.current() is not None:
            self.stdout.write("demo data already loaded; nothing to do.")
            return
        problem = loader.refusal()
        if problem:
            raise CommandError(problem)

        started = time.monotonic()
        quiet = options["verbosity"] < 2
        with (
            _held_back(CHATTY_LOGGERS) if quiet else nullcontext(),
            notifications.suppressed(),
        ):
            cast = loader.load()
        elapsed = time.monotonic() - started
        logger.info("demo data loaded in %.1f s", elapsed)
        self._summary(cast, elapsed)

    def _summary(self, cast, elapsed: float) -> None:
        out = self.stdout
        stages = loader.stage_counts()
        out.write(
            f"Demo data loaded in {elapsed:.1f} s: {sum(stages.values())} tickets."
        )
        for stage, count in stages.items():
            out.write(f"  {Stage(stage).label:<20} {count:>4}")
        reasons = ", ".join(
            f"{CloseReason(reason).label} {count}"
            for reason, count in loader.close_reason_counts().items()
        )
        out.write(f"  Closed by reason: {reasons}")

        out.write("")
        out.write(f"Demo logins, all with the password {DEMO_PASSWORD}")
        for user in cast.logins:
            where = f", {user.client.name}" if user.client_id else ""
            name = user.get_full_name()
            out.write(
                f"  {user.username:<11} {user.get_role_display():<11} {name}{where}"
            )


@contextmanager
def _held_back(names):
    """Let the named loggers through at WARNING and above only, for the block."""
    loggers = [logging.getLogger(name) for name in names]
    levels = [each.level for each in loggers]
    for each in loggers:
        each.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for each, level in zip(loggers, levels, strict=True):
            each.setLevel(level)
