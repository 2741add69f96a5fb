"""The parser and the classification: pure, so every rule is tried directly."""

import pytest

from stratadesk.inbound.classify import classify
from stratadesk.inbound.models import MessageKind
from stratadesk.inbound.parsing import html_to_text, parse, safe_filename
from stratadesk.inbound.quoting import strip_history, without_signature
from tests.inbound.conftest import message

REPLY = message("plain_reply.eml")


def _with_header(raw: bytes, header: bytes) -> bytes:
    return raw.replace(b"MIME-Version: 1.0", header + b"\r\nMIME-Version: 1.0", 1)


def test_it_reads_the_envelope_of_a_reply():
    parsed = parse(REPLY)

    assert (parsed.sender, parsed.sender_name) == (
        "harry@harbour.test",
        "Harry Requester",
    )
    assert parsed.recipients == (
        "support+harrytokenharrytokenharrytoken22@stratadesk.test",
    )
    assert parsed.subject == "Re: [T-1001] Printer on level 3 jams"
    assert parsed.message_id == "<CAH7plainreply0001@mail.harbour.test>"
    assert parsed.in_reply_to == (
        "<ticket-1001.5e1f0c2a9b7d4e3f8a6b1c0d@stratadesk.test>",
    )
    assert parsed.references == (
        "<ticket-1001@stratadesk.test>",
        "<ticket-1001.5e1f0c2a9b7d4e3f8a6b1c0d@stratadesk.test>",
    )


def test_it_reads_files_by_name_type_and_bytes():
    parsed = parse(message("reply_with_attachment.eml"))

    png, exe = parsed.attachments
    assert (png.name, png.content_type) == ("panel-error.png", "image/png")
    assert png.content.startswith(b"\x89PNG")
    assert exe.name == "driver-setup.exe"


def test_it_prefers_the_plain_part_and_never_fails_on_a_broken_message():
    parsed = parse(b"From: nobody\r\nSubject: =?bogus?Q?x?=\r\n\r\n\xff\xfe body")

    assert parsed.sender == ""
    assert parsed.message_id.startswith("<sha256.")
    assert "body" in parsed.text


@pytest.mark.parametrize(
    ("text", "new"),
    [
        ("Yes.\n\nOn Tue, 3 Nov 2026, Sam <s@x.test> wrote:\n> Q?", "Yes."),
        ("Yes.\n\n-----Original Message-----\nFrom: Sam\nQ?", "Yes."),
        (
            "Yes.\n\nFrom: Sam <s@x.test>\nSent: Tuesday\nTo: Harry\nSubject: Q\n\nQ?",
            "Yes.",
        ),
        ("Yes.\n\n---------- Forwarded message ---------\nFrom: Jane", "Yes."),
        ("Yes.\n-- \nHarry | Harbour Legal", "Yes."),
        ("> Which tray?\nTray 2.\n> And since when?\nMonday.", "Tray 2.\nMonday."),
        ("Yes.\n\nSent from my iPhone", "Yes."),
        (
            "From: the second floor, it is worse.",
            "From: the second floor, it is worse.",
        ),
    ],
)
def test_it_keeps_the_new_text_above_quoted_history(text, new):
    assert strip_history(text) == new


def test_a_signature_goes_but_a_chain_forwarded_below_it_stays():
    text = "See below.\n-- \nHarry\n\n-----Original Message-----\nFrom: Jane\nHelp"

    assert without_signature(text) == (
        "See below.\n\n-----Original Message-----\nFrom: Jane\nHelp"
    )


def test_html_becomes_text_with_quotes_marked():
    html = (
        "<html><head><style>p{}</style></head><body><p>Hi&nbsp;Sam,</p>"
        "<div>It is <b>tray 2</b>.<br>Thanks</div>"
        "<blockquote><p>Which tray?</p></blockquote></body></html>"
    )

    assert html_to_text(html) == "Hi Sam,\n\nIt is tray 2.\nThanks\n\n> Which tray?"


def test_file_names_lose_any_path():
    assert safe_filename("..\\..\\windows\\evil.png") == "evil.png"
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("\x00") == "attachment"


def test_a_persons_reply_is_no_machine():
    assert classify(parse(REPLY)) == ("", "")


@pytest.mark.parametrize(
    "header",
    [
        b"Auto-Submitted: auto-replied",
        b"Auto-Submitted: auto-generated; owner-email=x@y.test",
        b"X-Autoreply: yes",
        b"X-Autorespond: Thanks for your mail",
        b"X-Auto-Response-Suppress: OOF",
        b"Precedence: bulk",
        b"Precedence: junk",
        b"Precedence: auto_reply",
    ],
)
def test_it_knows_an_auto_reply_by_its_headers(header):
    kind, _ = classify(parse(_with_header(REPLY, header)))

    assert kind == MessageKind.AUTO_REPLY


def test_auto_submitted_no_is_a_person():
    assert classify(parse(_with_header(REPLY, b"Auto-Submitted: no"))) == ("", "")


@pytest.mark.parametrize(
    "subject",
    [
        "Out of Office: [T-1001] Printer",
        "Automatic reply: [T-1001] Printer",
        "Autoreply: away",
        "Auto-Reply: away",
        "Out of the office until Monday",
    ],
)
def test_it_knows_an_out_of_office_reply_by_its_subject(subject):
    raw = REPLY.replace(
        b"Subject: Re: [T-1001] Printer on level 3 jams",
        f"Subject: {subject}".encode(),
    )

    assert classify(parse(raw))[0] == MessageKind.AUTO_REPLY


def test_a_person_replying_about_an_absence_is_still_a_person():
    raw = REPLY.replace(
        b"Subject: Re: [T-1001] Printer on level 3 jams",
        b"Subject: Re: Out of office cover for the printer",
    )

    assert classify(parse(raw)) == ("", "")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (message("bounce.eml"), "report delivery-status"),
        (
            REPLY.replace(
                b"From: Harry Requester <harry@harbour.test>",
                b"From: postmaster@mx.test",
            ),
            "sent by postmaster",
        ),
        (
            REPLY.replace(b"Return-Path: <harry@harbour.test>", b"Return-Path: <>"),
            "null return path",
        ),
    ],
)
def test_it_knows_a_bounce(raw, reason):
    assert classify(parse(raw)) == (MessageKind.BOUNCE, reason)


def test_it_knows_our_own_mail_by_sender_or_loop_header(settings):
    settings.INBOUND_ADDRESS = "support@stratadesk.test"
    ours = REPLY.replace(
        b"From: Harry Requester <harry@harbour.test>",
        b"From: Stratadesk <support@stratadesk.test>",
    )
    looped = _with_header(REPLY, b"X-Stratadesk-Loop: 1001")

    assert classify(parse(ours))[0] == MessageKind.LOOP
    assert classify(parse(looped))[0] == MessageKind.LOOP
