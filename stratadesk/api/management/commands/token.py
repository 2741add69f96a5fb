"""`stratadesk token create|list|revoke`: staff API tokens from the shell.

A token acts as its user, with that user's role. A new token's secret is printed
once; only its hash is kept.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from stratadesk.api import keys
from stratadesk.api.models import StaffToken
from stratadesk.core import clock
from stratadesk.core.errors import DomainError
from stratadesk.people.actors import Actor
from stratadesk.people.models import User

ACTOR = Actor.system("command line")


class Command(BaseCommand):
    help = "Create, list or revoke staff API tokens."

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True)

        create = verbs.add_parser("create", help="a new token; shown once")
        create.add_argument("--user", required=True, help="a staff username")
        create.add_argument("--name", default="command line")
        create.add_argument("--expires-in-days", type=int, default=None)

        listing = verbs.add_parser("list", help="tokens with their state")
        listing.add_argument("--user", help="only this user's tokens")

        revoke = verbs.add_parser("revoke", help="revoke the token with this prefix")
        revoke.add_argument("prefix")

    def handle(self, *args, verb, **options):
        try:
            getattr(self, f"_{verb}")(**options)
        except DomainError as exc:
            raise CommandError(exc.message) from None

    def _create(self, *, user, name, expires_in_days, **_):
        expires_at = None
        if expires_in_days is not None:
            expires_at = clock.now() + timedelta(days=expires_in_days)
        token, secret = keys.create_staff_token(
            ACTOR, _user(user), name=name, expires_at=expires_at
        )
        self.stdout.write(f"Token {token.prefix} for {user}: {token.name}")
        self.stdout.write("Copy it now; it is not shown again:")
        self.stdout.write(secret)

    def _revoke(self, *, prefix, **_):
        token = StaffToken.objects.filter(prefix=prefix).first()
        if token is None:
            raise CommandError(f"No staff token with prefix {prefix!r}.")
        keys.revoke_staff_token(ACTOR, token)
        self.stdout.write(f"Revoked {prefix}.")

    def _list(self, *, user=None, **_):
        found = StaffToken.objects.select_related("user").order_by("created")
        if user:
            found = found.filter(user=_user(user))
        for token in found:
            self.stdout.write(
                "\t".join(
                    [
                        token.prefix,
                        token.user.get_username(),
                        token.name,
                        keys.state_of(token),
                        keys.last_used_of(token),
                    ]
                )
            )


def _user(username) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"No user {username!r}.")
    return user
