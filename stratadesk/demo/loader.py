"""Loading the demo: the cast, every ticket story in time order, then the profile."""

import logging
import random

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from stratadesk.clients.models import ClientOrganisation
from stratadesk.demo import ledger, story
from stratadesk.demo.branding import create_branding
from stratadesk.demo.sla import create_service_levels
from stratadesk.demo.story import (
    ASK,
    CHASE,
    HAND_BACK,
    HISTORY_DAYS,
    REJECT,
    REVIEW,
    VENDOR,
    Story,
)
from stratadesk.demo.world import (
    CLIENTS,
    STAFF,
    Cast,
    build_cast,
    create_business_profile,
)
from stratadesk.people.actors import Actor
from stratadesk.people.models import User
from stratadesk.sla import enforcement
from stratadesk.svr import followups
from stratadesk.tickets.models import Stage, Ticket

logger = logging.getLogger(__name__)

SEED = 2026

# How many stories end where. Closed tickets outnumber open ones, as in a real desk.
ROUTES = (
    (Stage.REQUEST, 10),
    (Stage.TRIAGE, 10),
    (Stage.ASSIGNED, 12),
    (Stage.IN_PROGRESS, 20),
    (Stage.PENDING_CLIENT, 12),
    (Stage.PENDING_THIRD_PARTY, 10),
    (Stage.RESOLVED, 10),
    (Stage.SVR_PENDING, 14),
    (story.APPROVED, 82),
    (story.OVERRIDDEN, 3),
    (story.REOPENED, 2),
    (story.WITHDRAWN, 8),
    (story.DUPLICATE, 8),
    (story.SPAM, 5),
    (story.NOT_SERVICE, 4),
)

# How far along a route goes: 1 assigned, 2 worked, 3 resolved, 4 SVR issued.
_DEPTH = {
    Stage.ASSIGNED: 1,
    Stage.IN_PROGRESS: 2,
    Stage.PENDING_CLIENT: 2,
    Stage.PENDING_THIRD_PARTY: 2,
    Stage.RESOLVED: 3,
    Stage.SVR_PENDING: 4,
    story.APPROVED: 4,
    story.OVERRIDDEN: 4,
    story.REOPENED: 4,
}

# Detour, the depth a route needs for it, and its chance on such a route.
CHANCES = (
    (HAND_BACK, 1, 0.06),
    (ASK, 2, 0.25),
    (VENDOR, 2, 0.15),
    (CHASE, 2, 0.12),
    (REVIEW, 3, 0.04),
)

# Every load shows these detours at least this often: on the first stories of a route.
GUARANTEED = {
    story.APPROVED: (REJECT,) * 5 + (REVIEW,) * 5,
    Stage.SVR_PENDING: (REJECT,) * 2,
    Stage.RESOLVED: (REVIEW,) * 2,
}

# NSW, VIC and WA in the order of world.CLIENTS.
CLIENT_WEIGHTS = (40, 35, 25)

DEMO_USERNAMES = [username for username, *_ in STAFF] + [c.login for c in CLIENTS]


def refusal() -> str:
    """Why the demo cannot load into this database, or "" when it can."""
    if ClientOrganisation.objects.exists() or Ticket.objects.exists():
        return (
            "The database already holds clients or tickets but no business profile; "
            "the demo loads into an empty database only."
        )
    taken = User.objects.filter(username__in=DEMO_USERNAMES)
    names = sorted(taken.values_list("username", flat=True))
    if names:
        return f"Demo usernames already taken: {', '.join(names)}."
    return ""


def plan(cast, seed: int = SEED) -> list[Story]:
    stories = []
    for route, count in ROUTES:
        guaranteed = GUARANTEED.get(route, ())
        for index in range(count):
            # Seeded per story, so each story reads the same whatever runs first.
            rng = random.Random(f"{seed}:{route}:{index}")  # noqa: S311 - not secret
            who = rng.choices(cast.clients, weights=CLIENT_WEIGHTS)[0]
            detours = {
                detour
                for detour, depth, chance in CHANCES
                if _DEPTH.get(route, 0) >= depth and rng.random() < chance
            }
            if index < len(guaranteed):
                detours.add(guaranteed[index])
            stories.append(Story(cast, who, route, detours, rng))
    return stories


def load(seed: int = SEED) -> Cast:
    """Write the whole demo. The caller has checked refusal() first."""
    actor = Actor.system("demo")
    now = timezone.now()
    cast = build_cast(actor, now, HISTORY_DAYS)
    create_service_levels(cast)
    create_branding(cast)
    # Before the stories: each approval charges the client at its agreed rates.
    ledger.create_agreements(actor, cast)

    stories = plan(cast, seed)
    # Told in the order they start, so ticket numbers rise with creation time.
    timeline = sorted(
        ((s.schedule(now), s) for s in stories), key=lambda pair: pair[0][0]
    )
    logger.info("demo: replaying %d ticket stories", len(timeline))
    for done, (instants, each) in enumerate(timeline, start=1):
        each.run(instants)
        if done % 50 == 0:
            logger.info("demo: %d of %d tickets written", done, len(timeline))

    # Warnings and breaches of the story's past are recorded as fired, so the worker
    # does not announce weeks-old news on its first sweep (the caller suppresses
    # notifications).
    enforcement.sweep(now=now)
    # Likewise the story's overdue SVRs: reminded, or auto-approved where the
    # client's agreement says so, as the worker would have done at the time.
    followups.sweep(now=now)
    # Invoices name their supplier, so the profile comes first; both in one
    # transaction, so the profile still marks a load that finished.
    with transaction.atomic():
        create_business_profile(actor)
        ledger.create_books(actor, cast, now)
    return cast


def stage_counts() -> dict[str, int]:
    rows = Ticket.objects.values_list("stage").annotate(n=Count("id"))
    found = dict(rows)
    return {stage: found.get(stage, 0) for stage in Stage.values}


def close_reason_counts() -> dict[str, int]:
    rows = (
        Ticket.objects.filter(stage=Stage.CLOSED)
        .values_list("close_reason")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    return dict(rows)
