"""Which received messages are people writing, and which are machines answering.

Pure: a ParsedMessage in, a kind out. Auto-replies, bounces and loops never become
comments, tickets or stage moves (an out-of-office answer to an SVR request leaves
the ticket in SVR Pending), so when in doubt between a person and a machine, these
rules lean to the machine only on signals that mail software sets on purpose.
"""

import re

from stratadesk.inbound import addresses
from stratadesk.inbound.models import MessageKind
from stratadesk.inbound.parsing import ParsedMessage

# The prefixes mail systems put on an auto-reply's subject ("Automatic reply: ...",
# "Out of Office: ..."), in the languages clients' systems use. The phrase must be
# the whole subject, end in a colon or go on to say until when: a person asking "Out
# of office message needs setting up for Jane" is a request, not an auto-reply.
_AUTO_SUBJECT = re.compile(
    r"^\s*(out of (the )?office|automatic reply|auto[- ]?reply|auto[- ]?response"
    r"|autoresponder|away from (the )?office|on leave|abwesenheitsnotiz"
    r"|automatische antwort|réponse automatique|respuesta automática"
    r"|risposta automatica|automatisch antwoord)"
    r"(\s*:|\s*$|\s+(until|till|returning|back on)\b)",
    re.IGNORECASE,
)
_BULK_PRECEDENCE = {"bulk", "junk", "auto_reply"}
_DAEMONS = {"mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon"}


def classify(message: ParsedMessage) -> tuple[str, str]:
    """(kind, reason): LOOP, BOUNCE or AUTO_REPLY with why, else ("", "")."""
    loop = _loop(message)
    if loop:
        return MessageKind.LOOP, loop
    bounce = _bounce(message)
    if bounce:
        return MessageKind.BOUNCE, bounce
    auto = _auto_reply(message)
    if auto:
        return MessageKind.AUTO_REPLY, auto
    # RFC 3834 asks auto-responders to send from the null address, as bounces do;
    # whichever it is, no person wrote it.
    if message.headers.get("return-path", "").replace(" ", "") == "<>":
        return MessageKind.BOUNCE, "null return path"
    return "", ""


def _loop(message) -> str:
    if addresses.LOOP_HEADER.lower() in message.headers:
        return f"{addresses.LOOP_HEADER} header"
    if message.sender and addresses.is_ours(message.sender):
        return "sent from our own address"
    return ""


def _bounce(message) -> str:
    if message.content_type == "multipart/report" and message.report_type in {
        "delivery-status",
        "disposition-notification",
    }:
        return f"report {message.report_type}"
    local = message.sender.partition("@")[0]
    if local in _DAEMONS:
        return f"sent by {local}"
    return ""


def _auto_reply(message) -> str:
    headers = message.headers
    submitted = headers.get("auto-submitted", "").split(";")[0].strip().lower()
    if submitted and submitted != "no":
        return f"Auto-Submitted: {submitted}"
    for name in ("x-autoreply", "x-autorespond", "x-auto-response-suppress"):
        if name in headers:
            return f"{name} header"
    precedence = headers.get("precedence", "").strip().lower()
    if precedence in _BULK_PRECEDENCE:
        return f"Precedence: {precedence}"
    if _AUTO_SUBJECT.match(message.subject):
        return "out-of-office subject"
    return ""
