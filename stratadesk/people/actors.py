"""Who is acting, in what role and through which channel.

Every domain service takes an Actor, so rules and the audit trail see the same facts
whether the change came from the console, the portal, the API, email or the system.
"""

from dataclasses import dataclass

from stratadesk.core.models import Channel
from stratadesk.people.models import Role

SYSTEM_ROLE = "system"


@dataclass(frozen=True)
class Actor:
    user: object | None
    role: str
    channel: str
    client_id: int | None = None
    label: str = ""
    request_id: str = ""

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
    def system(cls, label: str = "system") -> "Actor":
        return cls(user=None, role=SYSTEM_ROLE, channel=Channel.SYSTEM, label=label)

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.user is not None else None

    @property
    def is_client(self) -> bool:
        return self.role == Role.CLIENT

    @property
    def is_system(self) -> bool:
        return self.role == SYSTEM_ROLE
