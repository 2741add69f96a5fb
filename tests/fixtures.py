"""Named personas and builders shared by the tests.

The world: the MSP's staff (Olivia in Operations, Sam and Sasha in Support, Alex in
Accounts, Ada the Admin), the client Harbour Legal with its approver Hannah and its
requester Harry, and an outsider, Oscar, at a different client, Outback Mining.
"""

from stratadesk.clients.models import ClientOrganisation, Contact
from stratadesk.core.models import Channel
from stratadesk.people.actors import Actor
from stratadesk.people.models import Role, User
from stratadesk.tickets import services
from stratadesk.tickets.models import Category

PASSWORD = "correct-horse-battery-staple"


def make_user(username, role, client=None, **extra):
    user = User(username=username, role=role, client=client, **extra)
    user.email = extra.get("email", f"{username}@example.test")
    user.set_password(PASSWORD)
    user.save()
    return user


def make_client(slug, name, state="NSW", timezone="Australia/Sydney", **extra):
    return ClientOrganisation.objects.create(
        slug=slug, name=name, state=state, timezone=timezone, **extra
    )


def make_contact(client, name, email, user=None, **extra):
    return Contact.objects.create(
        client=client, name=name, email=email, user=user, **extra
    )


def actor(user, channel=Channel.CONSOLE):
    if user.role == Role.CLIENT and channel == Channel.CONSOLE:
        channel = Channel.PORTAL
    return Actor.for_user(user, channel)


class World:
    """Everyone and everything a lifecycle test needs, built once per test."""

    def __init__(self):
        self.harbour = make_client("harbour-legal", "Harbour Legal")
        self.outback = make_client(
            "outback-mining", "Outback Mining", state="WA", timezone="Australia/Perth"
        )
        self.category = Category.objects.create(name="Hardware")

        self.olivia = make_user("olivia", Role.OPERATIONS, first_name="Olivia")
        self.sam = make_user("sam", Role.SUPPORT, first_name="Sam")
        self.sasha = make_user("sasha", Role.SUPPORT, first_name="Sasha")
        self.alex = make_user("alex", Role.ACCOUNTS, first_name="Alex")
        self.ada = make_user("ada", Role.ADMIN, first_name="Ada")

        self.hannah = make_user("hannah", Role.CLIENT, client=self.harbour)
        self.harry = make_user("harry", Role.CLIENT, client=self.harbour)
        self.oscar = make_user("oscar", Role.CLIENT, client=self.outback)
        self.hannah_contact = make_contact(
            self.harbour,
            "Hannah Approver",
            "hannah@harbour.test",
            user=self.hannah,
            is_approver=True,
        )
        self.harry_contact = make_contact(
            self.harbour, "Harry Requester", "harry@harbour.test", user=self.harry
        )
        self.oscar_contact = make_contact(
            self.outback,
            "Oscar Outsider",
            "oscar@outback.test",
            user=self.oscar,
            is_approver=True,
        )

    def raise_ticket(self, by=None, **fields):
        by = by or self.harry
        defaults = {
            "client": self.harbour,
            "title": "Printer on level 3 jams",
            "description": "Every second page jams since Monday.",
            "requester": self.harry_contact,
        }
        defaults.update(fields)
        return services.create_ticket(actor(by), **defaults)

    def move(self, ticket, name, by, **data):
        return services.transition(actor(by), ticket, name, data)

    def ticket_at(self, stage):
        """A Harbour Legal ticket driven through the real services to `stage`."""
        ticket = self.raise_ticket()
        path = _PATHS[stage]
        for name, who, data in path:
            if name == "log_time":
                services.log_time(
                    actor(getattr(self, who)),
                    ticket,
                    minutes=45,
                    work_date=ticket.created_at.date(),
                    work_type="business_hours",
                )
                continue
            ticket = self.move(ticket, name, getattr(self, who), **data(self))
        return ticket


def _assign_data(world):
    return {"priority": "P2", "category": world.category.pk, "assignee": world.sam.pk}


_TO_TRIAGE = [("triage", "olivia", lambda w: {})]
_TO_ASSIGNED = [*_TO_TRIAGE, ("assign", "olivia", _assign_data)]
_TO_PROGRESS = [*_TO_ASSIGNED, ("start", "sam", lambda w: {})]
_TO_RESOLVED = [
    *_TO_PROGRESS,
    ("log_time", "sam", None),
    ("resolve", "sam", lambda w: {"resolution_summary": "Replaced the fuser."}),
]
_TO_SVR = [*_TO_RESOLVED, ("issue_svr", "sam", lambda w: {"work_summary": "Fuser."})]
_PATHS = {
    "request": [],
    "triage": _TO_TRIAGE,
    "assigned": _TO_ASSIGNED,
    "in_progress": _TO_PROGRESS,
    "pending_client": [
        *_TO_PROGRESS,
        ("await_client", "sam", lambda w: {"message": "Which tray jams?"}),
    ],
    "pending_third_party": [
        *_TO_PROGRESS,
        (
            "await_third_party",
            "sam",
            lambda w: {"third_party_name": "Ricoh", "third_party_ref": "RC-77"},
        ),
    ],
    "resolved": _TO_RESOLVED,
    "svr_pending": _TO_SVR,
    "closed": [
        *_TO_SVR,
        (
            "approve_svr",
            "hannah",
            lambda w: {"typed_name": "Hannah Approver", "declaration": True},
        ),
    ],
}


def seed_chart_of_accounts():
    """Seed the chart of accounts again if a flushing (transactional) test emptied it.

    Its data migration seeded it once; such a test ends by emptying every table.
    """
    import importlib

    from django.apps import apps

    from stratadesk.ledger.models import Account

    if not Account.objects.exists():
        chart = importlib.import_module(
            "stratadesk.ledger.migrations.0002_seed_chart_of_accounts"
        )
        chart.seed(apps, None)
