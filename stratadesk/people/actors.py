"""Who is acting, in what role and through which channel.

Every domain service takes an Actor, so rules and the audit trail see the same facts
whether the change came from the console, the portal, the API, email or the system.
"""

from dataclasses import dataclass

from stratadesk.core.models import Channel
from stratadesk.people.models import Role
from stratadesk.people.permissions import API_CLIENT, EMAIL_CONTACT

SYSTEM_ROLE = "system"


class ContactPrincipal:
    """A client contact writing by email, shaped like a user for permission checks.

    Most contacts have no portal login, so the matrix is asked about the contact
    itself, as its `email_contact` row.
    """

    role = EMAIL_CONTACT
    pk = None
    is_authenticated = True
    is_anonymous = False
    is_msp_staff = False
    is_client_user = False

    def __init__(self, contact):
        self.contact = contact
        self.client = contact.client
        self.client_id = contact.client_id
        self.is_active = contact.is_active and contact.client.is_active

    def get_username(self) -> str:
        return f"contact:{self.contact.pk}"

    def get_full_name(self) -> str:
        return self.contact.name

    def __str__(self):
        return self.get_full_name()


@dataclass(frozen=True)
class Actor:
    user: object | None
    role: str
    channel: str
    client_id: int | None = None
    label: str = ""
    request_id: str = ""
    # Whom permission checks ask about when it is not `user`: an API key's principal.
    principal: object | None = None
    # The contact an API client acts in the name of (the approver signing an SVR).
    contact: object | None = None

    @classmethod
    def for_user(cls, user, channel: str, request_id: str = "") -> "Actor":
        return cls(
            user=user,
            role=user.role,
            channel=channel,
            client_id=user.client_id,
            # Audit and comment columns hold 150 characters; names can be longer.
            label=(user.get_full_name() or user.get_username())[:150],
            request_id=request_id,
        )

    @classmethod
    def from_request(cls, request, channel: str) -> "Actor":
        return cls.for_user(request.user, channel, getattr(request, "request_id", ""))

    @classmethod
    def for_api_key(cls, principal, request_id: str = "", contact=None) -> "Actor":
        """A client system calling with an API key: no person, one organisation."""
        return cls(
            user=None,
            role=API_CLIENT,
            channel=Channel.API,
            client_id=principal.client_id,
            label=principal.get_full_name()[:150],
            request_id=request_id,
            principal=principal,
            contact=contact,
        )

    @classmethod
    def for_contact(
        cls, contact, channel: str = Channel.EMAIL, request_id: str = ""
    ) -> "Actor":
        """A client contact, by email: they act in a client's role, as themselves.

        Permission checks ask about the contact (ContactPrincipal); the audit trail
        and comments name their portal login too, when they have one.
        """
        return cls(
            user=contact.user,
            role=Role.CLIENT,
            channel=channel,
            client_id=contact.client_id,
            label=contact.name[:150],
            request_id=request_id,
            principal=ContactPrincipal(contact),
            contact=contact,
        )

    @classmethod
    def system(cls, label: str = "system") -> "Actor":
        return cls(user=None, role=SYSTEM_ROLE, channel=Channel.SYSTEM, label=label)

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.user is not None else None

    @property
    def who(self):
        """The user or API principal that permission checks are asked about."""
        return self.principal if self.principal is not None else self.user

    @property
    def is_client(self) -> bool:
        """A client user or a client's system: both speak for a client organisation."""
        return self.role in (Role.CLIENT, API_CLIENT)

    @property
    def is_api_client(self) -> bool:
        return self.role == API_CLIENT

    @property
    def is_system(self) -> bool:
        return self.role == SYSTEM_ROLE
