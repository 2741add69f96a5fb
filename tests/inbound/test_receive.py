"""Each kind of message lands where it should, and machines' mail changes nothing."""

import logging

import pytest

from stratadesk.core.models import AuditEvent, Channel
from stratadesk.inbound.models import InboundMessage, MessageKind, Outcome
from stratadesk.inbound.services import receive
from stratadesk.tickets.models import Attachment, Comment, Ticket
from tests.inbound.conftest import message, state


def _reload(ticket):
    return Ticket.objects.get(pk=ticket.pk)


def test_a_plain_reply_becomes_harrys_comment_and_ends_pending_client(world, notified):
    ticket = notified(world.ticket_at("pending_client"))

    record = receive(message("plain_reply.eml"), source="test")

    comment = Comment.objects.filter(ticket=ticket).latest("pk")
    assert comment.body == (
        "It\u2019s tray 2, the one on the left. It jams on every second page of\n"
        "a double-sided job.\n\nThanks,\nHarry"
    )
    assert comment.is_public
    assert comment.channel == Channel.EMAIL
    assert comment.author_contact == world.harry_contact
    assert comment.author == world.harry
    assert _reload(ticket).stage == "in_progress"
    assert (record.outcome, record.kind) == (Outcome.COMMENTED, MessageKind.REPLY)
    assert (record.ticket, record.comment) == (ticket, comment)
    moved = AuditEvent.objects.filter(
        subject_id=str(ticket.pk), action="ticket.transitioned"
    ).latest("pk")
    assert (moved.from_stage, moved.to_stage) == ("pending_client", "in_progress")
    assert (moved.channel, moved.actor_role) == (Channel.EMAIL, "client")


def test_an_html_reply_keeps_only_the_new_text_above_outlooks_history(world, notified):
    ticket = notified(world.ticket_at("in_progress"))

    receive(message("html_reply.eml"), source="test")

    comment = Comment.objects.filter(ticket=ticket).latest("pk")
    assert comment.body == (
        "Hi Sam,\n\nIt is the left tray & only on double-sided jobs.\n\nHarry"
    )
    assert _reload(ticket).stage == "in_progress"


def test_a_reply_brings_its_allowed_files_and_logs_the_refused_one(
    world, notified, caplog
):
    ticket = notified(world.ticket_at("pending_client"))
    caplog.set_level(logging.WARNING, logger="stratadesk.inbound.services")

    record = receive(message("reply_with_attachment.eml"), source="test")

    files = Attachment.objects.filter(ticket=ticket)
    assert [(f.original_name, f.content_type) for f in files] == [
        ("panel-error.png", "image/png")
    ]
    assert files[0].is_public
    assert record.outcome == Outcome.COMMENTED
    assert record.reason == "refused: driver-setup.exe (attachment_type_not_allowed)"
    refusal = next(r for r in caplog.records if r.msg == "inbound attachment refused")
    assert (refusal.ticket_id, refusal.code) == (
        ticket.pk,
        "attachment_type_not_allowed",
    )
    assert (
        Comment.objects.filter(ticket=ticket)
        .latest("pk")
        .body.startswith("Photo of the error")
    )
    assert _reload(ticket).stage == "in_progress"


def test_an_oversized_file_is_refused_and_the_comment_still_lands(
    world, notified, settings
):
    settings.ATTACHMENT_MAX_BYTES = 10
    ticket = notified(world.ticket_at("in_progress"))

    record = receive(message("reply_with_attachment.eml"), source="test")

    assert not Attachment.objects.filter(ticket=ticket).exists()
    assert "panel-error.png (attachment_too_large)" in record.reason
    assert record.comment.ticket == ticket


def test_a_reply_matched_only_by_its_threading_headers_lands_on_the_ticket(
    world, notified
):
    ticket = notified(world.ticket_at("pending_client"))
    raw = message("plain_reply.eml").replace(
        b"support+harrytokenharrytokenharrytoken22@", b"support@"
    )

    record = receive(raw, source="test")

    assert record.outcome == Outcome.COMMENTED
    assert record.ticket == ticket
    assert _reload(ticket).stage == "in_progress"


def test_a_reply_on_a_closed_ticket_opens_a_linked_follow_up(world, notified):
    closed = notified(world.ticket_at("closed"))
    before = state(closed)

    record = receive(message("plain_reply.eml"), source="test")

    follow_up = Ticket.objects.get(follow_up_of=closed)
    assert record.ticket == follow_up
    assert follow_up.channel == Channel.EMAIL
    assert follow_up.requester == world.harry_contact
    assert record.comment.ticket == follow_up
    after = state(closed)
    assert (after["stage"], after["comments"]) == ("closed", before["comments"])


def test_a_closed_tickets_follow_up_takes_the_files(world, notified):
    closed = notified(world.ticket_at("closed"))

    record = receive(message("reply_with_attachment.eml"), source="test")

    assert record.ticket.follow_up_of == closed
    assert record.ticket.attachments.count() == 1
    assert not closed.attachments.exists()


def test_a_new_message_from_a_known_contact_raises_a_ticket_for_their_client(world):
    record = receive(message("new_request.eml"), source="test")

    ticket = record.ticket
    assert record.outcome == Outcome.RAISED
    assert ticket.client == world.harbour
    assert ticket.requester == world.harry_contact
    assert ticket.title == "Laptop will not boot after Windows update"
    assert ticket.description.startswith("Hi team,\n\nMy laptop (asset HL-0423)")
    # The signature below "-- " is not part of the request.
    assert "Level 3, 1 Harbour St" not in ticket.description
    assert (ticket.stage, ticket.channel) == ("request", Channel.EMAIL)
    created = AuditEvent.objects.get(action="ticket.created", subject_id=str(ticket.pk))
    assert (created.channel, created.actor_label) == (Channel.EMAIL, "Harry Requester")


def test_a_forwarded_chain_raises_a_ticket_that_keeps_the_chain(world):
    record = receive(message("forwarded_chain.eml"), source="test")

    description = record.ticket.description
    assert record.ticket.title == "Fwd: VPN drops every hour"
    assert description.startswith("Can you look at this?")
    assert "Mine does it too, always on the hour." in description
    assert "From: Jane Partner <jane@harbour.test>" in description


def test_a_contact_without_a_portal_login_can_write_in(world):
    world.harry_contact.user = None
    world.harry_contact.save()

    record = receive(message("new_request.eml"), source="test")

    assert record.outcome == Outcome.RAISED
    assert record.ticket.created_by is None
    assert record.ticket.requester == world.harry_contact


def test_an_unknown_sender_is_held_with_nothing_raised(world):
    tickets_before = Ticket.objects.count()

    record = receive(message("unknown_sender.eml"), source="test")

    assert (record.outcome, record.reason) == (Outcome.HELD, "unknown sender")
    assert record.sender == "priya.n@gmail.test"
    assert record.raw == message("unknown_sender.eml")
    assert Ticket.objects.count() == tickets_before
    assert AuditEvent.objects.filter(action="inbound.held").count() == 1


def test_a_sender_at_two_clients_is_held_rather_than_guessed(world):
    from tests.fixtures import make_contact

    make_contact(world.outback, "Harry Moonlighting", "harry@harbour.test")

    record = receive(message("new_request.eml"), source="test")

    assert (record.outcome, record.reason) == (
        Outcome.HELD,
        "sender at several clients",
    )


def test_a_valid_token_from_another_clients_contact_posts_nothing(world, notified):
    ticket = notified(world.ticket_at("pending_client"))
    before = state(ticket)

    record = receive(message("forged_token.eml"), source="test")

    assert (record.outcome, record.reason) == (Outcome.HELD, "sender is not a contact")
    assert state(ticket) == before


def test_an_unknown_token_is_held_even_from_a_known_contact(world, notified):
    ticket = notified(world.ticket_at("pending_client"))
    before = state(ticket)

    record = receive(message("unknown_token.eml"), source="test")

    assert (record.outcome, record.reason) == (Outcome.HELD, "unknown reply token")
    assert state(ticket) == before


def test_a_colleague_answering_a_forwarded_notification_posts_as_themselves(
    world, notified
):
    ticket = notified(world.ticket_at("pending_client"))
    raw = message("plain_reply.eml").replace(
        b"From: Harry Requester <harry@harbour.test>",
        b"From: Hannah Approver <hannah@harbour.test>",
    )

    record = receive(raw, source="test")

    assert record.ticket == ticket
    assert record.comment.author_contact == world.hannah_contact
    assert record.comment.author_label == "Hannah Approver"


def test_with_sharing_off_a_colleague_not_on_the_ticket_is_held(world, notified):
    world.harbour.contacts_see_all_tickets = False
    world.harbour.save()
    ticket = notified(world.ticket_at("pending_client"))
    before = state(ticket)
    raw = message("plain_reply.eml").replace(
        b"From: Harry Requester <harry@harbour.test>",
        b"From: Hannah Approver <hannah@harbour.test>",
    )

    record = receive(raw, source="test")

    assert (record.outcome, record.reason) == (
        Outcome.HELD,
        "sender may not reply on it",
    )
    assert state(ticket) == before


def test_with_sharing_off_a_watcher_may_still_reply(world, notified):
    world.harbour.contacts_see_all_tickets = False
    world.harbour.save()
    ticket = notified(world.ticket_at("in_progress"))
    ticket.watchers.add(world.hannah_contact)
    raw = message("plain_reply.eml").replace(
        b"From: Harry Requester <harry@harbour.test>",
        b"From: Hannah Approver <hannah@harbour.test>",
    )

    record = receive(raw, source="test")

    assert record.outcome == Outcome.COMMENTED


def test_an_inactive_contacts_reply_is_held(world, notified):
    ticket = notified(world.ticket_at("pending_client"))
    world.harry_contact.is_active = False
    world.harry_contact.save()

    record = receive(message("plain_reply.eml"), source="test")

    assert record.outcome == Outcome.HELD
    assert _reload(ticket).stage == "pending_client"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("out_of_office.eml", MessageKind.AUTO_REPLY),
        ("bounce.eml", MessageKind.BOUNCE),
    ],
)
@pytest.mark.parametrize("stage", ["pending_client", "svr_pending"])
def test_auto_replies_and_bounces_change_nothing(world, notified, name, kind, stage):
    ticket = notified(world.ticket_at(stage))
    before = state(ticket)
    audit_before = AuditEvent.objects.count()

    record = receive(message(name), source="test")

    assert (record.kind, record.outcome) == (kind, Outcome.IGNORED)
    assert record.ticket is None and record.comment is None
    assert state(ticket) == before
    assert AuditEvent.objects.count() == audit_before
    assert record.raw == b""


def test_our_own_mail_coming_back_is_a_loop_and_changes_nothing(world, notified):
    ticket = notified(world.ticket_at("pending_client"))
    before = state(ticket)
    raw = message("plain_reply.eml").replace(
        b"MIME-Version: 1.0", b"X-Stratadesk-Loop: 1001\r\nMIME-Version: 1.0"
    )

    record = receive(raw, source="test")

    assert (record.kind, record.outcome) == (MessageKind.LOOP, Outcome.IGNORED)
    assert state(ticket) == before


def test_a_redelivered_message_is_processed_once(world, notified, caplog):
    ticket = notified(world.ticket_at("pending_client"))
    caplog.set_level(logging.INFO, logger="stratadesk.inbound.services")

    first = receive(message("plain_reply.eml"), source="webhook:Postmark")
    again = receive(message("plain_reply.eml"), source="imap")

    assert again.pk == first.pk
    assert InboundMessage.objects.count() == 1
    assert Comment.objects.filter(ticket=ticket, channel=Channel.EMAIL).count() == 1
    assert any(r.msg == "inbound message already received" for r in caplog.records)


def test_a_message_without_an_id_is_still_recognised_when_redelivered(world):
    raw = message("new_request.eml").replace(
        b"Message-ID: <20261104080512.1A2B3C@mail.harbour.test>\r\n", b""
    )

    first = receive(raw, source="test")
    again = receive(raw, source="test")

    assert first.pk == again.pk
    assert first.message_id.startswith("<sha256.")
    assert Ticket.objects.filter(title__startswith="Laptop").count() == 1


def test_a_reply_that_is_only_quoted_history_is_posted_whole(world, notified):
    ticket = notified(world.ticket_at("pending_client"))
    head = message("plain_reply.eml").split(b"\r\n\r\n", 1)[0]
    raw = head.replace(b"quoted-printable", b"7bit") + b"\r\n\r\n> Tray 2?\r\n"

    record = receive(raw, source="test")

    # Nothing above the quote: posting the quote loses less than dropping it.
    assert record.comment.body == "> Tray 2?"
    assert state(ticket)["stage"] == "in_progress"


def test_a_reply_with_no_text_and_no_files_is_ignored(world, notified):
    ticket = notified(world.ticket_at("pending_client"))
    before = state(ticket)
    head = message("plain_reply.eml").split(b"\r\n\r\n", 1)[0]

    record = receive(head + b"\r\n\r\n\r\n", source="test")

    assert (record.outcome, record.reason) == (Outcome.IGNORED, "empty")
    assert state(ticket) == before
