"""Reply addresses and message ids that outbound mail will carry."""

import re

from stratadesk.inbound import addresses
from stratadesk.inbound.models import OutboundMessage, Outcome, ReplyToken
from stratadesk.inbound.services import receive
from tests.inbound.conftest import message

ADDRESS = re.compile(r"^support\+([a-z2-7]{32})@stratadesk\.test$")


def test_a_reply_address_carries_a_fresh_token_whose_digest_alone_is_kept(world):
    ticket = world.raise_ticket()

    first = addresses.reply_address(ticket, world.harry_contact)
    second = addresses.reply_address(ticket, world.harry_contact)

    token = ADDRESS.match(first).group(1)
    assert first != second
    assert not ReplyToken.objects.filter(digest__contains=token).exists()
    stored = addresses.find_token(token)
    assert (stored.ticket, stored.contact) == (ticket, world.harry_contact)


def test_a_token_survives_a_mail_system_that_folds_case(world):
    ticket = world.raise_ticket()
    address = addresses.reply_address(ticket, world.harry_contact)

    token = addresses.token_in(address.upper())

    assert addresses.find_token(token).ticket == ticket


def test_only_our_own_subaddresses_carry_tokens():
    token = "a" * 32

    assert addresses.token_in(f"support+{token}@stratadesk.test") == token
    assert addresses.token_in(f"support+{token}@elsewhere.test") is None
    assert addresses.token_in(f"sales+{token}@stratadesk.test") is None
    assert addresses.token_in("support+short@stratadesk.test") is None
    assert addresses.is_ours("Support@Stratadesk.test")
    assert not addresses.is_ours("harry@harbour.test")


def test_outbound_headers_thread_the_ticket_and_are_recorded(world):
    ticket = world.raise_ticket()

    headers = addresses.outbound_headers(ticket, world.harry_contact)

    assert re.match(
        rf"^<ticket-{ticket.number}\.[0-9a-f]{{24}}@stratadesk\.test>$",
        headers["Message-ID"],
    )
    assert headers["References"] == f"<ticket-{ticket.number}@stratadesk.test>"
    assert ADDRESS.match(headers["Reply-To"])
    assert headers[addresses.LOOP_HEADER] == str(ticket.number)
    assert headers["Auto-Submitted"] == "auto-generated"
    sent = OutboundMessage.objects.get(message_id=headers["Message-ID"])
    assert (sent.ticket, sent.contact) == (ticket, world.harry_contact)


def test_a_staff_recipient_gets_threading_but_no_reply_token(world):
    ticket = world.raise_ticket()
    # Raising it emailed the requester, with a token of their own.
    tokens = ReplyToken.objects.count()

    headers = addresses.outbound_headers(ticket)

    assert "Reply-To" not in headers
    assert ReplyToken.objects.count() == tokens
    recorded = OutboundMessage.objects.get(message_id=headers["Message-ID"])
    assert recorded.contact is None


def test_the_guessable_thread_root_alone_matches_no_ticket(world):
    ticket = world.ticket_at("pending_client")
    addresses.outbound_headers(ticket, world.harry_contact)
    raw = (
        message("plain_reply.eml")
        .replace(b"support+harrytokenharrytokenharrytoken22@", b"support@")
        .replace(
            b"<ticket-1001.5e1f0c2a9b7d4e3f8a6b1c0d@stratadesk.test>",
            f"<ticket-{ticket.number}@stratadesk.test>".encode(),
        )
    )

    record = receive(raw, source="test")

    # Not a reply, then: a new request from Harry.
    assert record.outcome == Outcome.RAISED
    assert record.ticket != ticket
