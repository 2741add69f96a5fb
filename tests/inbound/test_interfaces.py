"""The two ways mail arrives: a provider's webhook (anymail) and an IMAP mailbox."""

import base64
import json

import pytest
from django.core.management import CommandError, call_command

from stratadesk.inbound import mailbox
from stratadesk.inbound.models import InboundMessage, Outcome
from stratadesk.tickets.models import Ticket
from tests.inbound.conftest import message

POSTMARK = "/inbound/anymail/postmark/inbound/"
SECRET = "postmark:s3cret-webhook-pass"


def _basic(credentials: str) -> str:
    return "Basic " + base64.b64encode(credentials.encode()).decode()


@pytest.fixture
def webhook_secret(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}


def _postmark(client, raw: bytes, auth=SECRET):
    payload = {
        "RawEmail": raw.decode("utf-8"),
        "Headers": [],
        "OriginalRecipient": "support@stratadesk.test",
    }
    return client.post(
        POSTMARK,
        json.dumps(payload),
        content_type="application/json",
        headers={"authorization": _basic(auth)},
    )


def test_a_providers_webhook_raises_the_ticket(world, client, webhook_secret):
    response = _postmark(client, message("new_request.eml"))

    assert response.status_code == 200
    record = InboundMessage.objects.get()
    assert (record.outcome, record.source) == (Outcome.RAISED, "webhook:Postmark")
    assert record.ticket.requester == world.harry_contact


def test_the_webhook_refuses_a_caller_without_the_secret(world, client, webhook_secret):
    response = _postmark(client, message("new_request.eml"), auth="postmark:guess")

    assert response.status_code == 400
    assert not InboundMessage.objects.exists()
    assert not Ticket.objects.exists()


def test_a_webhook_delivered_twice_raises_one_ticket(world, client, webhook_secret):
    _postmark(client, message("new_request.eml"))
    response = _postmark(client, message("new_request.eml"))

    assert response.status_code == 200
    assert Ticket.objects.count() == 1


class FakeIMAP:
    """An IMAP4 connection's few calls the poller makes, over messages in memory.

    No IMAP server runs where the tests do, so this is the one double they use.
    """

    mailbox: dict[bytes, dict] = {}

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.calls = []

    def login(self, user, password):
        self.calls.append(("login", user))
        return "OK", [b"Logged in"]

    def select(self, folder):
        self.calls.append(("select", folder))
        return "OK", [str(len(self.mailbox)).encode()]

    def uid(self, command, *args):
        if command == "SEARCH":
            unseen = [u for u, m in self.mailbox.items() if "\\Seen" not in m["flags"]]
            return "OK", [b" ".join(unseen)]
        if command == "FETCH":
            uid = args[0]
            assert args[1] == "(BODY.PEEK[])"
            return "OK", [
                (b"1 (UID %s BODY[] {n}" % uid, self.mailbox[uid]["raw"]),
                b")",
            ]
        if command == "STORE":
            uid, _, flags = args
            self.mailbox[uid]["flags"].add(flags.strip("()"))
            return "OK", [b""]
        raise AssertionError(command)

    def logout(self):
        return "BYE", [b""]


@pytest.fixture
def imap(settings):
    settings.INBOUND_IMAP = {
        "host": "imap.stratadesk.test",
        "port": 993,
        "user": "support@stratadesk.test",
        "password": "pw",
        "folder": "INBOX",
        "use_ssl": True,
    }
    FakeIMAP.mailbox = {
        b"7": {"raw": message("new_request.eml"), "flags": set()},
        b"8": {"raw": message("out_of_office.eml"), "flags": set()},
        b"9": {"raw": message("unknown_sender.eml"), "flags": {"\\Seen"}},
    }
    return FakeIMAP


def test_the_poller_reads_unseen_mail_and_marks_it_seen(world, imap):
    count = mailbox.poll(connection_class=imap)

    assert count == 2
    assert all("\\Seen" in m["flags"] for m in imap.mailbox.values())
    assert set(InboundMessage.objects.values_list("source", "outcome")) == {
        ("imap", Outcome.RAISED),
        ("imap", Outcome.IGNORED),
    }
    # Seen before: not read again.
    assert not InboundMessage.objects.filter(sender="priya.n@gmail.test").exists()


def test_a_message_that_fails_stays_unseen_for_the_next_poll(world, imap, monkeypatch):
    real = mailbox.receive

    def flaky(raw, **kwargs):
        if b"Automatic reply" in raw:
            raise RuntimeError("database went away")
        return real(raw, **kwargs)

    monkeypatch.setattr(mailbox, "receive", flaky)

    assert mailbox.poll(connection_class=imap) == 1
    assert imap.mailbox[b"8"]["flags"] == set()


def test_fetch_mail_polls_the_configured_mailbox(world, imap, monkeypatch):
    monkeypatch.setattr(mailbox, "imap_class", lambda use_ssl: imap)

    call_command("fetch_mail")

    assert Ticket.objects.count() == 1


def test_fetch_mail_says_when_no_mailbox_is_configured(settings):
    settings.INBOUND_IMAP = {**settings.INBOUND_IMAP, "host": ""}

    with pytest.raises(CommandError, match="STRATADESK_IMAP_HOST"):
        call_command("fetch_mail")
