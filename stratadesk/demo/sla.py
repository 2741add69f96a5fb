"""The demo MSP's service levels: a calendar per client state and three policies.

A default policy for any client without its own; Kestrel Lane's (tighter, P1 around
the clock), Yarra Valley's (Victorian hours) and Goldfields Haulage's (a third party
does not pause its clock), each on its own state's calendar, with a few escalation
rules, so the console shows clocks met, running, paused and breached.
"""

from stratadesk.sla import calendars
from stratadesk.sla.models import EscalationRule, SlaPolicy, SlaTarget

HOUR = 60
DEFAULT_TARGETS = {
    "P1": (HOUR, 4 * HOUR),
    "P2": (2 * HOUR, 8 * HOUR),
    "P3": (4 * HOUR, 24 * HOUR),
    "P4": (8 * HOUR, 40 * HOUR),
}


def _policy(name, client, calendar, targets, *, p1_calendar=None, **options):
    policy = SlaPolicy.objects.create(
        name=name, client=client, warning_fractions=[0.5, 0.75, 0.9], **options
    )
    for priority, (response, resolution) in targets.items():
        SlaTarget.objects.create(
            policy=policy,
            priority=priority,
            response_minutes=response,
            resolution_minutes=resolution,
            calendar=p1_calendar if priority == "P1" and p1_calendar else calendar,
        )
    return policy


def create_service_levels(cast) -> None:
    """Calendars and policies for the cast's clients; run before any ticket."""
    by_state = {
        client.client.state: calendars.business_hours(
            f"{client.client.state} business hours",
            client.client.timezone,
            client.client.state,
            hours=("08:30", "17:30"),
        )
        for client in cast.clients
    }
    # Each client's business days, for SVR reminders and auto-approval, are those
    # of its state.
    for each in cast.clients:
        each.client.business_calendar = by_state[each.client.state]
        each.client.save(update_fields=["business_calendar"])
    sydney = by_state.get("NSW") or next(iter(by_state.values()))
    default = _policy("Standard service levels", None, sydney, DEFAULT_TARGETS)
    EscalationRule.objects.create(
        policy=default, trigger="breach", action="notify_role", role="operations"
    )

    for each in cast.clients:
        client = each.client
        if client.slug == "kestrel-lane":
            tighter = {**DEFAULT_TARGETS, "P2": (HOUR, 6 * HOUR)}
            policy = _policy(
                "Kestrel Lane premium",
                client,
                by_state[client.state],
                tighter,
                p1_calendar=calendars.always_open("24x7 Sydney", client.timezone),
            )
            EscalationRule.objects.create(
                policy=policy,
                trigger="after_breach",
                after_minutes=2 * HOUR,
                action="notify_role",
                role="admin",
            )
            EscalationRule.objects.create(
                policy=policy,
                trigger="warning",
                fraction=0.9,
                clock_kind="resolution",
                action="notify_contacts",
            )
        elif client.slug == "yarra-valley-engineering":
            # Its own policy, so its clocks run on Victorian hours and holidays.
            _policy(
                "Yarra Valley standard", client, by_state[client.state], DEFAULT_TARGETS
            )
        elif client.slug == "goldfields-haulage":
            _policy(
                "Goldfields standard",
                client,
                by_state[client.state],
                DEFAULT_TARGETS,
                pause_on_pending_third_party=False,
            )
