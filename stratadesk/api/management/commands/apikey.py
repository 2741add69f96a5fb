"""`stratadesk apikey create|list|revoke|rotate`: client API keys from the shell.

Acts as the system (an operator at the server's shell is trusted like an Admin) and
is audited as such. A new key's secret is printed once; only its hash is kept.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from stratadesk.api import keys
from stratadesk.api.models import ClientApiKey, KeyScope
from stratadesk.clients.models import ClientOrganisation
from stratadesk.core import clock
from stratadesk.core.errors import DomainError
from stratadesk.people.actors import Actor

ACTOR = Actor.system("command line")


class Command(BaseCommand):
    help = "Create, list, rotate or revoke client API keys."

    def add_arguments(self, parser):
        verbs = parser.add_subparsers(dest="verb", required=True)

        create = verbs.add_parser("create", help="a new key; its secret is shown once")
        create.add_argument("--client", required=True, help="client slug")
        create.add_argument("--name", required=True, help="e.g. the calling system")
        create.add_argument(
            "--scope",
            action="append",
            dest="scopes",
            choices=KeyScope.values,
            required=True,
            help="repeat for several scopes",
        )
        create.add_argument("--expires-in-days", type=int, default=None)

        listing = verbs.add_parser("list", help="keys with their state, no secrets")
        listing.add_argument("--client", help="only this client's keys")

        for verb in ("revoke", "rotate"):
            one = verbs.add_parser(verb, help=f"{verb} the key with this prefix")
            one.add_argument("prefix")

    def handle(self, *args, verb, **options):
        try:
            getattr(self, f"_{verb}")(**options)
        except DomainError as exc:
            fields = "; ".join(
                f"{name}: {' '.join(messages)}" for name, messages in exc.fields.items()
            )
            raise CommandError(f"{exc.message} {fields}".strip()) from None

    def _create(self, *, client, name, scopes, expires_in_days, **_):
        organisation = _client(client)
        expires_at = None
        if expires_in_days is not None:
            expires_at = clock.now() + timedelta(days=expires_in_days)
        key, secret = keys.create_client_key(
            ACTOR, organisation, name=name, scopes=scopes, expires_at=expires_at
        )
        self._print_secret(key, secret)

    def _rotate(self, *, prefix, **_):
        new, secret = keys.rotate_client_key(ACTOR, _key(prefix))
        self.stdout.write(f"The old key {prefix} stops working within 24 hours.")
        # The secret last, so `| tail -1` takes it.
        self._print_secret(new, secret)

    def _revoke(self, *, prefix, **_):
        keys.revoke_client_key(ACTOR, _key(prefix))
        self.stdout.write(f"Revoked {prefix}.")

    def _list(self, *, client=None, **_):
        found = ClientApiKey.objects.select_related("client").order_by("created")
        if client:
            found = found.filter(client=_client(client))
        for key in found:
            self.stdout.write(
                "\t".join(
                    [
                        key.prefix,
                        key.client.slug,
                        key.name,
                        ",".join(key.scopes),
                        keys.state_of(key),
                        keys.last_used_of(key),
                    ]
                )
            )

    def _print_secret(self, key, secret):
        self.stdout.write(f"Key {key.prefix} for {key.client.slug}: {key.name}")
        self.stdout.write("Copy it now; it is not shown again:")
        self.stdout.write(secret)


def _client(slug) -> ClientOrganisation:
    client = ClientOrganisation.objects.filter(slug=slug).first()
    if client is None:
        raise CommandError(f"No client with slug {slug!r}.")
    return client


def _key(prefix) -> ClientApiKey:
    key = ClientApiKey.objects.filter(prefix=prefix).first()
    if key is None:
        raise CommandError(f"No client API key with prefix {prefix!r}.")
    return key
