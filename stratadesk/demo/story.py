"""One demo ticket's life: planned as timed steps, then replayed through the services.

A story is planned first, without touching the database: which scenario, who asks,
who works it, and every step with the office time that passes before it. Scheduling
then places the steps on real instants in the client's own office hours, ending
before now; running replays each step through the product's service functions as
the right actor, with the clock set to that step's instant.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction

from stratadesk.core import clock
from stratadesk.core.models import Channel
from stratadesk.demo import catalogue as text
from stratadesk.demo.hours import DAY_MINUTES
from stratadesk.people.actors import Actor
from stratadesk.tickets import services
from stratadesk.tickets.models import CloseReason, Stage, Ticket, WorkType

HOUR = 60
DAY = DAY_MINUTES

# Where a story ends: an open stage, or one of the ways a ticket closes.
APPROVED = "approved"
OVERRIDDEN = "overridden"
REOPENED = "reopened"
WITHDRAWN = "withdrawn"
DUPLICATE = "duplicate"
SPAM = "spam"
NOT_SERVICE = "not_service_request"
DISMISSED = {
    DUPLICATE: CloseReason.DUPLICATE,
    SPAM: CloseReason.SPAM,
    NOT_SERVICE: CloseReason.NOT_SERVICE_REQUEST,
}

# Detours a worked ticket may take on the way.
ASK = "asked the client"
VENDOR = "waited on a third party"
HAND_BACK = "handed back to triage"
CHASE = "client chased"
REVIEW = "reopened after review"
REJECT = "SVR rejected and re-issued"

# How many days before now a story may start, by where it ends. Open tickets are
# recent; nobody leaves a request untriaged for a month.
START_DAYS_AGO = {
    Stage.REQUEST: (0, 1),
    Stage.TRIAGE: (0, 2),
    Stage.ASSIGNED: (0.5, 3),
    Stage.IN_PROGRESS: (1, 10),
    Stage.PENDING_CLIENT: (1, 8),
    Stage.PENDING_THIRD_PARTY: (2, 12),
    Stage.RESOLVED: (1, 5),
    Stage.SVR_PENDING: (2, 8),
    APPROVED: (6, 58),
    OVERRIDDEN: (10, 50),
    REOPENED: (25, 50),
    WITHDRAWN: (1, 58),
    DUPLICATE: (2, 56),
    SPAM: (1, 58),
    NOT_SERVICE: (1, 58),
}
HISTORY_DAYS = 60
EARLIEST_START = time(7, 40)
START_SPREAD = 9 * HOUR + 20  # raised between 7:40 and 17:00 local time

EMAIL_INTAKE = replace(Actor.system("email intake"), channel=Channel.EMAIL)


@dataclass(frozen=True)
class Step:
    gap: int  # minutes of office time after the previous step
    action: Callable[[], None]  # run with the clock at the step's instant
    evening: int | None = None  # after hours: minutes after 18:30 instead of `gap`
    seconds: int = 0


class Story:
    """One ticket from raise to where `route` says it ends, via `detours`.

    `rng` belongs to this story alone, so what it says does not depend on the order
    in which stories are run.
    """

    def __init__(self, cast, who, route: str, detours: set[str], rng):
        self.cast = cast
        self.who = who
        self.route = route
        self.detours = set(detours)
        self.rng = rng

        self.scenario = rng.choice(text.SCENARIOS)
        self.requester = self._pick_requester()
        self.site = self._pick_site()
        self.engineer = rng.choice(cast.support) if rng.random() > 0.08 else cast.ops
        self.billable = rng.random() > 0.1
        self.raised_by = self._pick_raiser()
        self.vendor = (
            self.scenario.vendor or text.VENDOR_BY_CATEGORY[self.scenario.category]
        )
        digits = self.vendor.ref_digits
        self.words = {
            "first": self.requester.name.split()[0],
            "colleague": rng.choice(text.COLLEAGUES),
            "asset": f"{who.spec.asset_prefix}-{rng.choice(['LT', 'PC'])}-"
            f"{rng.randint(1, 240):04d}",
            "desk": str(rng.randint(2, 48)),
            "site": (self.site or rng.choice(who.sites)).name,
            "vendor": self.vendor.name,
            "ref": self.vendor.ref_prefix
            + str(rng.randrange(10**digits)).zfill(digits),
        }
        self.question = (
            (self.scenario.question, self.scenario.answer)
            if self.scenario.question
            else rng.choice(text.GENERIC_QUESTIONS)
        )
        self.days_ago = rng.uniform(*START_DAYS_AGO[route])
        self.after_hours_raise = self.raised_by.is_client and rng.random() < 0.12
        self.start_minute = rng.randrange(
            150 if self.after_hours_raise else START_SPREAD
        )

        self.steps: list[Step] = []
        self.ticket: Ticket | None = None
        self.original: Ticket | None = None  # what a duplicate duplicates
        self._notes = list(self.scenario.notes)
        self._fix_note = ""
        self._worked = False  # whether any work (not travel) is logged yet
        self._plan()

    # Choosing the people ---------------------------------------------------------

    def _pick_requester(self):
        login = self.who.contact
        # Withdrawing and answering SVRs in the portal need the login to see the
        # ticket; a client whose contacts see only their own tickets therefore has
        # its login raise most of the tickets that will ask it for a decision.
        if self.route == WITHDRAWN or REJECT in self.detours or CHASE in self.detours:
            return login
        decides = self.route in (APPROVED, REOPENED)
        share = 0.9 if decides and not self.who.client.contacts_see_all_tickets else 0.4
        if self.rng.random() < share:
            return login
        return self.rng.choice([c for c in self.who.contacts if c != login])

    def _pick_site(self):
        if self.scenario.onsite or self.rng.random() < 0.4:
            return self.rng.choice(self.who.sites)
        return None

    def _pick_raiser(self) -> Actor:
        if self.route in (SPAM, NOT_SERVICE, DUPLICATE):
            return EMAIL_INTAKE
        if self.requester == self.who.contact and (
            self.route == WITHDRAWN or self.rng.random() < 0.85
        ):
            return self._portal()
        return EMAIL_INTAKE if self.rng.random() < 0.5 else self._staff(self.cast.ops)

    def _staff(self, user) -> Actor:
        return Actor.for_user(user, Channel.CONSOLE)

    def _portal(self) -> Actor:
        return Actor.for_user(self.who.user, Channel.PORTAL)

    def _say(self, template: str, **extra) -> str:
        engineer = self.engineer.first_name
        return template.format(**self.words, engineer=engineer, **extra)

    # Planning -----------------------------------------------------------------------

    def _then(self, low: int, high: int, action, *, evening=None) -> None:
        gap = self.rng.randint(low, high)
        self.steps.append(Step(gap, action, evening, self.rng.randrange(60)))

    def _plan(self) -> None:
        self._then(0, 0, self._raise)
        if self.route == Stage.REQUEST:
            return
        if self.route in DISMISSED or self.route == WITHDRAWN:
            self._plan_early_close()
            return

        urgent = self.scenario.priority == "P1"
        self._then(*((2, 10) if urgent else (5, 150)), self._triage)
        if self.rng.random() < 0.3:
            self._then(1, 5, self._triage_note)
        if self.rng.random() < 0.35:
            self._then(1, 10, self._ops_acknowledge)
        if self.route == Stage.TRIAGE:
            return
        self._then(2, 60, self._assign)
        if HAND_BACK in self.detours:
            self._then(30, 300, self._hand_back)
            self._then(10, 90, self._reassign)
        if self.route == Stage.ASSIGNED:
            return

        self._then(*((2, 15) if urgent else (10, 300)), self._start)
        self._then(1, 4, self._acknowledge)
        self._plan_work(first=True)
        self._plan_detours()
        if self.route == Stage.IN_PROGRESS:
            return
        if self.route == Stage.PENDING_CLIENT:
            self._then(10, 120, self._ask)
            return
        if self.route == Stage.PENDING_THIRD_PARTY:
            self._then(10, 90, self._await_vendor)
            return
        self._plan_resolution()

    def _plan_early_close(self) -> None:
        if self.rng.random() < 0.5:
            self._then(5, 90, self._triage)
        if self.route == WITHDRAWN:
            self._then(20, 600, self._withdraw)
            return
        self._then(2, 60, self._dismissal_note)
        self._then(1, 5, self._dismiss)

    def _plan_work(self, *, first: bool) -> None:
        self._then(20, 180, self._work_note)
        if first and self.scenario.onsite:
            self._then(1, 3, self._log_travel)
        self._then(1, 3, self._log_work)
        if first:
            for item in self.scenario.materials:
                self._then(1, 5, lambda item=item: self._add_material(item))
            if self.scenario.priority == "P1":
                evening = self.rng.randint(0, 150)
                self._then(0, 0, self._log_after_hours, evening=evening)
        if self.rng.random() < 0.3:
            self._then(30, 240, self._progress_update)

    def _plan_detours(self) -> None:
        if CHASE in self.detours:
            self._then(120, DAY, self._chase)
            self._then(10, 120, self._answer_chase)
        if ASK in self.detours:
            self._then(10, 120, self._ask)
            self._then(HOUR, 2 * DAY, self._answer)
            self._plan_work(first=False)
        if VENDOR in self.detours:
            self._then(10, 90, self._await_vendor)
            self._then(DAY, 4 * DAY, self._vendor_back)
            self._plan_work(first=False)

    def _plan_resolution(self) -> None:
        self._then(15, 240, self._resolve)
        if REVIEW in self.detours:
            self._then(10, 300, self._review_failed)
            self._plan_rework()
        if self.route == Stage.RESOLVED:
            return

        self._plan_issue()
        if REJECT in self.detours:
            self._then(HOUR, 2 * DAY, self._reject)
            self._plan_rework()
            self._plan_issue()
        if self.route == Stage.SVR_PENDING:
            return

        self._plan_close()
        if self.route == REOPENED:
            self._then(DAY, 5 * DAY, self._reopen)
            self._plan_rework()
            self._plan_issue()
            self._plan_close()

    def _plan_rework(self) -> None:
        self._then(30, 4 * HOUR, self._rework_note)
        self._then(1, 3, self._log_work)
        self._then(15, 120, self._resolve)

    def _plan_issue(self) -> None:
        if self.who.client.svr_review_required:
            self._then(30, DAY, self._review_note)
            self._then(1, 10, self._issue_svr)
        else:
            self._then(5, 240, self._issue_svr)

    def _plan_close(self) -> None:
        if self.route == OVERRIDDEN or not self.who.can_see(self.requester):
            self._then(3 * DAY, 6 * DAY, self._override)
        else:
            self._then(HOUR, 3 * DAY, self._approve)

    # Scheduling ---------------------------------------------------------------------

    def schedule(self, now: datetime) -> list[datetime]:
        """The instants of the steps: in office hours, increasing, all before now.

        Starts on the planned day, or on earlier working days until the story has
        ended by now; a story too long for the history window is compressed.
        """
        hours = self.who.hours
        earliest = now - timedelta(days=HISTORY_DAYS - 0.5)
        latest = now - timedelta(minutes=2)
        planned = hours.local_date(now - timedelta(days=self.days_ago))
        if not hours.is_working_day(planned):
            planned = hours.previous_working_day(planned)

        scale = 1.0
        while scale > 0.01:
            day = planned
            while True:
                instants = self._instants(day, scale)
                if instants[0] < earliest:
                    break
                if instants[-1] <= latest:
                    return instants
                day = hours.previous_working_day(day)
            scale /= 2
        raise RuntimeError(f"A {self.route} story does not fit {HISTORY_DAYS} days.")

    def _instants(self, day, scale: float) -> list[datetime]:
        hours = self.who.hours
        if self.after_hours_raise:
            start = hours.on(day, time(18, 45))
        else:
            start = hours.on(day, EARLIEST_START)
        at = start + timedelta(minutes=self.start_minute, seconds=self.steps[0].seconds)
        instants = [at]
        for step in self.steps[1:]:
            if step.evening is not None:
                at = hours.evening_after(at, step.evening)
            else:
                at = hours.add(at, max(1, round(step.gap * scale)))
            at += timedelta(seconds=step.seconds)
            instants.append(at)
        return instants

    # Running --------------------------------------------------------------------------

    def run(self, instants: list[datetime]) -> Ticket:
        with transaction.atomic():
            for step, instant in zip(self.steps, instants, strict=True):
                with clock.at(instant):
                    step.action()
        return self.ticket

    def _move(self, actor, name: str, **data) -> None:
        extra = {}
        if actor.is_client:
            extra = {
                "ip": self.who.spec.ip,
                "user_agent": self.rng.choice(text.APPROVER_BROWSERS),
            }
        self.ticket = services.transition(actor, self.ticket, name, data, **extra)

    def _comment(self, actor, body: str, *, public: bool = True) -> None:
        services.add_comment(actor, self.ticket, body, public=public)
        if actor.is_client:
            # A client's reply may move the ticket; reload before the next step.
            self.ticket.refresh_from_db()

    def _log(self, minutes: int, work_type: str, note: str) -> None:
        services.log_time(
            self._staff(self.engineer),
            self.ticket,
            minutes=minutes,
            work_date=self.who.hours.local_date(clock.now()),
            work_type=work_type,
            billable=self.billable,
            note=note,
        )

    # The steps ------------------------------------------------------------------------

    def _raise(self) -> None:
        title, description = self._raise_text()
        actor = self.raised_by
        priority = ""
        if actor.user == self.cast.ops:
            description = f"{self.requester.name} phoned: {description}"
            priority = self.scenario.priority
        elif actor.channel == Channel.EMAIL:
            description = f"{description}\n\nThanks,\n{self.words['first']}"
        self.ticket = services.create_ticket(
            actor,
            client=self.who.client,
            title=title,
            description=description,
            requester=self.requester,
            priority=priority,
            site=self.site,
        )

    def _raise_text(self) -> tuple[str, str]:
        if self.route == SPAM:
            return self.rng.choice(text.SPAM)
        if self.route == NOT_SERVICE:
            return self.rng.choice(text.NOT_SERVICE_REQUESTS)
        if self.route == DUPLICATE:
            self.original = self._original()
            if self.original is not None:
                self.requester = self.original.requester
                self.words["first"] = self.requester.name.split()[0]
                return (
                    f"RE: {self.original.title}"[:200],
                    "Still waiting on this one, sending it again in case it got "
                    f"lost.\n\n{self.original.description}",
                )
            self.route = NOT_SERVICE  # nothing to duplicate yet
            return self._raise_text()
        return self._say(self.scenario.title), self._say(self.scenario.description)

    def _original(self) -> Ticket | None:
        return (
            Ticket.objects.filter(client=self.who.client, created_at__lt=clock.now())
            .exclude(close_reason__in=list(DISMISSED.values()))
            .order_by("-created_at")
            .first()
        )

    def _triage(self) -> None:
        self._move(self._staff(self.cast.ops), "triage")

    def _ops_acknowledge(self) -> None:
        body = self._say(text.OPS_ACKNOWLEDGEMENT)
        self._comment(self._staff(self.cast.ops), body)

    def _triage_note(self) -> None:
        note = self._say(self.rng.choice(text.OPS_TRIAGE_NOTES))
        self._comment(self._staff(self.cast.ops), note, public=False)

    def _assign(self) -> None:
        self._move(
            self._staff(self.cast.ops),
            "assign",
            priority=self.scenario.priority,
            category=self.cast.categories[self.scenario.category],
            assignee=self.engineer,
        )

    def _other_engineer(self):
        return next(u for u in self.cast.support if u != self.engineer)

    def _hand_back(self) -> None:
        other = self._other_engineer().first_name
        reason = self._say(self.rng.choice(text.HAND_BACK_REASONS), other=other)
        self._move(self._staff(self.engineer), "hand_back", reason=reason)

    def _reassign(self) -> None:
        self.engineer = self._other_engineer()
        self._assign()

    def _start(self) -> None:
        self._move(self._staff(self.engineer), "start")

    def _acknowledge(self) -> None:
        body = self._say(self.rng.choice(text.ACKNOWLEDGEMENTS))
        self._comment(self._staff(self.engineer), body)

    def _work_note(self) -> None:
        # The scenario's own notes first, in order; generic ones if there are more.
        if self._notes:
            note = self._notes.pop(0)
        else:
            note = self.rng.choice(text.FOLLOW_UP_NOTES)
        self._comment(self._staff(self.engineer), self._say(note), public=False)

    def _log_work(self) -> None:
        minutes = self.rng.choice((15, 30, 30, 45, 60, 60, 90, 120))
        if self._worked:
            note = self.rng.choice(text.LATER_TIME_NOTES)
        elif self.scenario.onsite:
            note = text.ONSITE_TIME_NOTE
        else:
            note = self.rng.choice(text.FIRST_TIME_NOTES)
        self._log(minutes, WorkType.BUSINESS_HOURS, self._say(note))
        self._worked = True

    def _log_travel(self) -> None:
        minutes = self.rng.choice((30, 45, 60))
        self._log(minutes, WorkType.TRAVEL, self._say("Travel to {site} and back"))

    def _log_after_hours(self) -> None:
        minutes = self.rng.choice((60, 90, 120))
        self._log(minutes, WorkType.AFTER_HOURS, "After-hours work to restore service")

    def _add_material(self, item) -> None:
        name, price = item
        services.add_material(
            self._staff(self.engineer),
            self.ticket,
            item=name,
            quantity=Decimal(1),
            unit_price=Decimal(price),
        )

    def _progress_update(self) -> None:
        body = self.rng.choice(text.PROGRESS_UPDATES)
        self._comment(self._staff(self.engineer), body)

    def _chase(self) -> None:
        self._comment(self._portal(), self.rng.choice(text.CLIENT_CHASERS))

    def _answer_chase(self) -> None:
        body = self._say(self.rng.choice(text.CHASER_REPLIES))
        self._comment(self._staff(self.engineer), body)

    def _ask(self) -> None:
        question = self._say(self.question[0])
        message = (
            f"Hi {self.words['first']}, {question[0].lower()}{question[1:]}\n\n"
            f"Thanks,\n{self.engineer.first_name}"
        )
        self._move(self._staff(self.engineer), "await_client", message=message)

    def _answer(self) -> None:
        _, answer = self.question
        if self.requester == self.who.contact:
            self._comment(self._portal(), self._say(answer))
            return
        template = self.rng.choice(text.PHONE_REPLIES)
        note = self._say(template, answer=self._say(answer))
        self._comment(self._staff(self.engineer), note, public=False)
        self._move(self._staff(self.engineer), "resume")

    def _await_vendor(self) -> None:
        self._move(
            self._staff(self.engineer),
            "await_third_party",
            third_party_name=self.vendor.name,
            third_party_ref=self.words["ref"],
        )

    def _vendor_back(self) -> None:
        note = self._say(self.rng.choice(text.THIRD_PARTY_UPDATES))
        self._comment(self._staff(self.engineer), note, public=False)
        self._move(self._staff(self.engineer), "resume")

    def _resolve(self) -> None:
        data = {"resolution_summary": self._say(self.scenario.resolution)}
        if not self.billable:
            data["not_billable"] = True
            data["not_billable_reason"] = (
                "Covered by the fixed-fee managed services agreement."
            )
        self._move(self._staff(self.engineer), "resolve", **data)

    def _review_failed(self) -> None:
        if self.who.client.svr_review_required:
            reviewer, reasons = self.cast.ops, text.REVIEW_FAILURES
        else:
            reviewer, reasons = self.engineer, text.SELF_CHECKS
        reason = self._send_back(reasons)
        self._move(self._staff(reviewer), "review_failed", reason=reason)

    def _send_back(self, reasons) -> str:
        """Choose why work goes back and remember what the fix will say."""
        reason, self._fix_note = self.rng.choice(reasons)
        return self._say(reason)

    def _rework_note(self) -> None:
        note = self._say(self._fix_note)
        self._comment(self._staff(self.engineer), note, public=False)

    def _review_note(self) -> None:
        note = self.rng.choice(text.ISSUE_REVIEW_NOTES)
        self._comment(self._staff(self.cast.ops), note, public=False)

    def _issue_svr(self) -> None:
        issuer = self.engineer
        if self.who.client.svr_review_required:
            issuer = self.cast.ops
        summary = self._say(self.scenario.resolution)
        self._move(self._staff(issuer), "issue_svr", work_summary=summary)

    def _approve(self) -> None:
        self._move(
            self._portal(),
            "approve_svr",
            typed_name=self.who.contact.name,
            declaration=True,
        )

    def _reject(self) -> None:
        reason = self._send_back(text.REJECTIONS)
        self._move(self._portal(), "reject_svr", reason=reason)

    def _override(self) -> None:
        approvers = [c for c in self.who.approvers if c != self.who.contact]
        approver = self.rng.choice(approvers or self.who.approvers)
        why = text.OVERRIDE_AWAY if approver.user_id else text.OVERRIDE_NO_LOGIN
        reason = self._say(why, approver=approver.name)
        self._move(self._staff(self.cast.admin), "override_svr", reason=reason)

    def _reopen(self) -> None:
        reason = self._send_back(text.REOPENINGS)
        self._move(self._staff(self.cast.admin), "reopen", reason=reason)

    def _withdraw(self) -> None:
        reason = self._say(self.rng.choice(text.WITHDRAW_REASONS))
        self._move(self._portal(), "withdraw", reason=reason)

    def _dismissal_note(self) -> None:
        ops = self._staff(self.cast.ops)
        if self.route == DUPLICATE:
            body = (
                f"Hi {self.words['first']}, this is already being worked on as "
                f"{self.original.reference}. I've closed this copy so all updates "
                "stay in one place."
            )
            self._comment(ops, body)
            return
        notes = text.SPAM_NOTES if self.route == SPAM else text.NOT_SERVICE_NOTES
        self._comment(ops, self.rng.choice(notes), public=False)

    def _dismiss(self) -> None:
        data = {"close_reason": DISMISSED[self.route]}
        if self.route == DUPLICATE:
            data["duplicate_of"] = self.original.reference
        self._move(self._staff(self.cast.ops), "dismiss", **data)
