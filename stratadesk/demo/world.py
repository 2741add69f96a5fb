"""The demo's cast: the MSP, its staff, three clients with contacts and sites, logins.

Names, addresses and numbers are made up. Email domains end in `.example` and phone
numbers come from the ranges set aside for fiction, so nothing reaches a real person.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from stratadesk.clients import services as client_services
from stratadesk.clients.models import ClientOrganisation, Contact, Site
from stratadesk.core import audit
from stratadesk.core.models import BusinessProfile
from stratadesk.demo.catalogue import CATEGORIES
from stratadesk.demo.hours import OfficeHours
from stratadesk.people.actors import Actor
from stratadesk.people.models import Role, User
from stratadesk.tickets.models import Category

logger = logging.getLogger(__name__)

# Documented in the README and printed by the command; it passes Django's validators.
DEMO_PASSWORD = "Harbour-Lights-2026"  # noqa: S105 - a published demo login

STAFF = (
    ("admin", Role.ADMIN, "Priya", "Raman"),
    ("ops", Role.OPERATIONS, "Olivia", "Nguyen"),
    ("support1", Role.SUPPORT, "Sam", "Kowalski"),
    ("support2", Role.SUPPORT, "Jess", "Tran"),
    ("accounts", Role.ACCOUNTS, "Marcus", "Bell"),
)

PROFILE = {
    "legal_name": "Stratadesk Managed Services Pty Ltd",
    "trading_name": "Stratadesk",
    "abn": "53004085616",
    "gst_registered": True,
    "address": "Level 9, 60 Castlereagh Street\nSydney NSW 2000",
    "email": "accounts@stratadesk.example",
    "phone": "02 5550 4100",
}


@dataclass(frozen=True)
class ContactSpec:
    name: str
    phone: str
    approver: bool = False
    billing: bool = False
    login: bool = False


@dataclass(frozen=True)
class ClientSpec:
    slug: str
    name: str
    abn: str
    state: str
    timezone: str
    domain: str
    asset_prefix: str
    ip: str  # where the client's approvers reach the portal from (documentation range)
    login: str
    sites: tuple[tuple[str, str], ...]
    contacts: tuple[ContactSpec, ...]
    contacts_see_all_tickets: bool = True
    svr_review_required: bool = False
    svr_auto_approve_days: int | None = None


CLIENTS = (
    ClientSpec(
        slug="kestrel-lane",
        name="Kestrel Lane Lawyers",
        abn="97 612 004 217",
        state="NSW",
        timezone="Australia/Sydney",
        domain="kestrellane.example",
        asset_prefix="KLL",
        ip="203.0.113.24",
        login="client-nsw",
        sites=(
            ("Sydney CBD office", "Level 12, 60 Margaret Street\nSydney NSW 2000"),
            ("Parramatta office", "Suite 3, 91 Phillip Street\nParramatta NSW 2150"),
        ),
        contacts=(
            ContactSpec("Rebecca Moretti", "02 5550 7201", approver=True, login=True),
            ContactSpec("Daniel Cho", "02 5550 7202", approver=True),
            ContactSpec("Aisha Rahman", "02 5550 7203", billing=True),
            ContactSpec("Tom Gallagher", "02 5550 7204"),
            ContactSpec("Sophie Lin", "02 5550 7205"),
        ),
        # Its agreement lets an SVR nobody decides on approve itself after a week.
        svr_auto_approve_days=5,
    ),
    ClientSpec(
        slug="yarra-valley-engineering",
        name="Yarra Valley Engineering Pty Ltd",
        abn="41 634 908 271",
        state="VIC",
        timezone="Australia/Melbourne",
        domain="yarravalleyeng.example",
        asset_prefix="YVE",
        ip="198.51.100.37",
        login="client-vic",
        sites=(
            ("Richmond head office", "14 Swan Street\nRichmond VIC 3121"),
            ("Dandenong workshop", "22 Greens Road\nDandenong South VIC 3175"),
        ),
        contacts=(
            ContactSpec(
                "Michael Papadopoulos", "03 5550 3301", approver=True, login=True
            ),
            ContactSpec("Grace O'Brien", "03 5550 3302", billing=True),
            ContactSpec("Luke Henderson", "03 5550 3303"),
            ContactSpec("Nadia Petrovic", "03 5550 3304"),
        ),
        svr_review_required=True,
    ),
    ClientSpec(
        slug="goldfields-haulage",
        name="Goldfields Haulage & Mining Services",
        abn="16 621 480 335",
        state="WA",
        timezone="Australia/Perth",
        domain="goldfieldshaulage.example",
        asset_prefix="GHM",
        ip="192.0.2.58",
        login="client-wa",
        sites=(
            ("Perth office", "Level 5, 200 St Georges Terrace\nPerth WA 6000"),
            ("Kalgoorlie depot", "31 Great Eastern Highway\nKalgoorlie WA 6430"),
        ),
        contacts=(
            ContactSpec("Karen Whitford", "08 5550 9101", approver=True, login=True),
            ContactSpec("Jarrah Wallace", "08 5550 9102", approver=True),
            ContactSpec("Brett Sullivan", "08 5550 9103", billing=True),
            ContactSpec("Mei Chen", "08 5550 9104"),
            ContactSpec("Ryan Kelly", "08 5550 9105"),
        ),
        contacts_see_all_tickets=False,
    ),
)


@dataclass
class ClientCast:
    """One client organisation and the people and places a story draws on."""

    spec: ClientSpec
    client: ClientOrganisation
    hours: OfficeHours
    contacts: list[Contact]
    sites: list[Site]
    user: User  # the portal login, an SVR approver
    contact: Contact  # the login's contact

    @property
    def approvers(self) -> list[Contact]:
        return [c for c in self.contacts if c.is_approver]

    def can_see(self, requester: Contact) -> bool:
        """Whether the portal login sees tickets that `requester` raised."""
        return self.client.contacts_see_all_tickets or requester == self.contact


@dataclass
class Cast:
    admin: User
    ops: User
    support: list[User]
    accounts: User
    clients: list[ClientCast]
    categories: dict[str, Category]
    logins: list[User] = field(default_factory=list)


def _email(name: str, domain: str) -> str:
    local = name.lower().replace("'", "").replace(" ", ".")
    return f"{local}@{domain}"


def _user(username, role, first, last, email, hashed, client=None) -> User:
    user = User(
        username=username,
        role=role,
        client=client,
        first_name=first,
        last_name=last,
        email=email,
    )
    validate_password(DEMO_PASSWORD, user)
    user.password = hashed
    user.save()
    return user


def _client(actor, spec: ClientSpec, years, hashed) -> ClientCast:
    client = client_services.create_client(
        actor,
        name=spec.name,
        slug=spec.slug,
        abn=spec.abn,
        state=spec.state,
        timezone=spec.timezone,
        contacts_see_all_tickets=spec.contacts_see_all_tickets,
        svr_review_required=spec.svr_review_required,
        svr_auto_approve_days=spec.svr_auto_approve_days,
    )
    sites = [
        client_services.add_site(actor, client, name=name, address=address)
        for name, address in spec.sites
    ]

    contacts = [
        _contact(actor, client, spec, person, hashed) for person in spec.contacts
    ]
    login = next(c for c in contacts if c.user_id is not None)

    return ClientCast(
        spec=spec,
        client=client,
        hours=OfficeHours(spec.timezone, spec.state, years),
        contacts=contacts,
        sites=sites,
        user=login.user,
        contact=login,
    )


def _contact(actor, client, spec: ClientSpec, person: ContactSpec, hashed):
    email = _email(person.name, spec.domain)
    user = None
    if person.login:
        first, last = person.name.split(" ", 1)
        user = _user(spec.login, Role.CLIENT, first, last, email, hashed, client=client)
    return client_services.add_contact(
        actor,
        client,
        name=person.name,
        email=email,
        phone=person.phone,
        is_approver=person.approver,
        is_billing=person.billing,
        user=user,
    )


@transaction.atomic
def build_cast(actor: Actor, now: datetime, history_days: int) -> Cast:
    """Create staff, categories and clients. The database holds none of them yet."""
    # One published password for every login, so it is hashed once: Argon2 is slow
    # by design.
    hashed = make_password(DEMO_PASSWORD)
    staff = {
        username: _user(
            username,
            role,
            first,
            last,
            f"{first}.{last}@stratadesk.example".lower(),
            hashed,
        )
        for username, role, first, last in STAFF
    }
    categories = {name: Category.objects.create(name=name) for name in CATEGORIES}

    first_year = (now - timedelta(days=history_days + 1)).year
    years = range(first_year, now.year + 1)
    clients = [_client(actor, spec, years, hashed) for spec in CLIENTS]
    logger.info("demo cast created: %d staff, %d clients", len(staff), len(clients))

    return Cast(
        admin=staff["admin"],
        ops=staff["ops"],
        support=[staff["support1"], staff["support2"]],
        accounts=staff["accounts"],
        clients=clients,
        categories=categories,
        logins=[*staff.values(), *(c.user for c in clients)],
    )


@transaction.atomic
def create_business_profile(actor: Actor) -> BusinessProfile:
    """The MSP's own details. Written last: its presence marks a complete load."""
    profile = BusinessProfile(**PROFILE)
    profile.full_clean()
    profile.save()
    audit.record(actor, "business_profile.created", profile)
    return profile
