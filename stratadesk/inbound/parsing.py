"""One parser for raw RFC 5322 messages, whatever brought them (webhook or mailbox).

Pure: bytes in, a ParsedMessage out, no database. It never raises on a malformed
message; what it cannot read it leaves empty, and the routing decides from that.
"""

import hashlib
import os
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from html.parser import HTMLParser

from stratadesk.inbound.quoting import strip_history, without_signature

_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
# Headers the classification reads, by lower-case name.
_KEPT_HEADERS = {
    "auto-submitted",
    "x-autoreply",
    "x-autorespond",
    "x-auto-response-suppress",
    "precedence",
    "return-path",
    "x-stratadesk-loop",
}
_RECIPIENT_HEADERS = ("To", "Cc", "Bcc", "Delivered-To", "X-Original-To", "Envelope-To")


@dataclass(frozen=True)
class ParsedAttachment:
    name: str
    content_type: str
    content: bytes = field(repr=False)


@dataclass(frozen=True)
class ParsedMessage:
    sender: str
    sender_name: str
    recipients: tuple[str, ...]
    subject: str
    message_id: str
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    # The whole body as text (less the signature), and the new part of it with
    # quoted history removed.
    text: str
    new_text: str
    attachments: tuple[ParsedAttachment, ...]
    content_type: str
    report_type: str
    headers: dict[str, str] = field(repr=False)


def parse(raw: bytes) -> ParsedMessage:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    sender_name, sender = _sender(message)
    text = _body_text(message)

    return ParsedMessage(
        sender=sender,
        sender_name=sender_name,
        recipients=_recipients(message),
        subject=" ".join(_header(message, "Subject").split()),
        # A message without an id is named by its content, so a redelivered copy
        # is still recognised.
        message_id=_first_id(_header(message, "Message-ID"))
        or f"<sha256.{hashlib.sha256(raw).hexdigest()}@stratadesk.invalid>",
        in_reply_to=_ids(_header(message, "In-Reply-To")),
        references=_ids(_header(message, "References")),
        text=without_signature(text),
        new_text=strip_history(text),
        attachments=tuple(_attachments(message)),
        content_type=message.get_content_type(),
        report_type=(message.get_param("report-type", "") or "").lower(),
        headers={
            name.lower(): _header(message, name)
            for name in message
            if name.lower() in _KEPT_HEADERS
        },
    )


def _header(message, name: str) -> str:
    # A header too broken to parse reads as absent rather than failing the message.
    try:
        value = message.get(name)
    except (ValueError, IndexError, TypeError):
        return ""
    return str(value).strip() if value is not None else ""


def _addresses(message, name: str) -> list[tuple[str, str]]:
    try:
        header = message.get(name)
        found = getattr(header, "addresses", ()) if header is not None else ()
        return [(a.display_name, a.addr_spec.lower()) for a in found if a.addr_spec]
    except (ValueError, IndexError, TypeError, AttributeError):
        return []


def _sender(message) -> tuple[str, str]:
    found = _addresses(message, "From")
    if not found:
        return "", ""
    name, address = found[0]
    if "@" not in address:
        return "", ""
    return " ".join(name.split())[:150], address


def _recipients(message) -> tuple[str, ...]:
    seen: list[str] = []
    for name in _RECIPIENT_HEADERS:
        found = [address for _, address in _addresses(message, name)]
        # Delivered-To and its like are not address headers to the parser: bare.
        found += [_bare(value) for value in message.get_all(name, [])]
        seen += [a for a in found if a and a not in seen]
    return tuple(dict.fromkeys(seen))


def _bare(value) -> str:
    text = str(value).strip().strip("<>").lower()
    return text if "@" in text and " " not in text else ""


def _first_id(value: str) -> str:
    ids = _ids(value)
    return ids[0] if ids else ""


def _ids(value: str) -> tuple[str, ...]:
    found = _MESSAGE_ID.findall(value or "")
    if not found and value and "@" in value:
        # Some mailers leave off the angle brackets.
        found = [f"<{part}>" for part in value.split() if "@" in part]
    return tuple(item[:255] for item in found)


def _content(part) -> str:
    try:
        content = part.get_content()
    except (LookupError, ValueError, AssertionError):
        # An unknown or lying charset: read the bytes as UTF-8, replacing the rest.
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", errors="replace")
    return content if isinstance(content, str) else ""


def _body_text(message) -> str:
    try:
        plain = message.get_body(preferencelist=("plain",))
        html = None if plain is not None else message.get_body(preferencelist=("html",))
    except (KeyError, ValueError, AttributeError):
        plain = html = None
    if plain is not None:
        text = _content(plain)
    elif html is not None:
        text = html_to_text(_content(html))
    else:
        return ""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _attachments(message):
    """Files in the message, without descending into attached messages."""
    stack = [message]
    while stack:
        part = stack.pop(0)
        content_type = part.get_content_type()
        if part.is_multipart() and not content_type.startswith("message/"):
            stack = list(part.iter_parts()) + stack
            continue
        if part is message:
            continue
        name = part.get_filename()
        disposition = part.get_content_disposition()
        if disposition != "attachment" and not (
            name and part.get_content_maintype() != "text"
        ):
            continue
        if content_type.startswith("message/"):
            content = _message_bytes(part)
            name = name or "message.eml"
        else:
            content = part.get_payload(decode=True) or b""
        yield ParsedAttachment(
            name=safe_filename(name or "attachment"),
            content_type=content_type,
            content=content,
        )


def _message_bytes(part) -> bytes:
    inner = part.get_payload()
    inner = inner[0] if isinstance(inner, list) and inner else inner
    return inner.as_bytes() if isinstance(inner, EmailMessage) else b""


def safe_filename(name: str) -> str:
    """The file's own name, with no path and no control characters."""
    name = os.path.basename(name.replace("\\", "/"))
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".")
    return name[:200] or "attachment"


# HTML to text ------------------------------------------------------------------------

_BLOCKS = {
    "p",
    "div",
    "br",
    "li",
    "tr",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "hr",
    "ul",
    "ol",
}
_SKIPPED = {"script", "style", "head", "title"}


class _TextMaker(HTMLParser):
    """Visible text, a line per block; lines inside <blockquote> marked with ">"."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.quote_depth = 0
        self.skip_depth = 0

    def _break(self):
        text = " ".join("".join(self.current).split())
        self.current = []
        prefix = "> " * self.quote_depth
        self.lines.append(f"{prefix}{text}" if text else "")

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED:
            self.skip_depth += 1
        elif tag in _BLOCKS:
            self._break()
            if tag == "blockquote":
                self.quote_depth += 1

    def handle_endtag(self, tag):
        if tag in _SKIPPED:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag in _BLOCKS:
            self._break()
            if tag == "blockquote":
                self.quote_depth = max(0, self.quote_depth - 1)

    def handle_data(self, data):
        if not self.skip_depth:
            self.current.append(data)


def html_to_text(html: str) -> str:
    maker = _TextMaker()
    maker.feed(html)
    maker.close()
    maker._break()

    # Blocks nest, so collapse the runs of empty lines they leave.
    lines, blank = [], False
    for line in maker.lines:
        if not line.strip():
            if not blank and lines:
                lines.append("")
            blank = True
            continue
        lines.append(line)
        blank = False
    return "\n".join(lines).strip()
