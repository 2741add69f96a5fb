"""Telling the new words of a reply from the history it quotes.

Pure text in, text out. Mail clients mark history in a handful of ways; each rule
below cuts at the first line that starts one, and lines quoted with ">" are dropped
wherever they are, so an answer written between quoted lines survives.
"""

import re

_WROTE = re.compile(r"^\s*On\s.+\swrote:\s*$")
_ORIGINAL = re.compile(
    r"^\s*-{2,}\s*(Original Message|Forwarded message)\s*-{2,}\s*$", re.I
)
_OUTLOOK_FROM = re.compile(r"^\s*\*?From:\*?\s.+")
_OUTLOOK_NEXT = re.compile(r"^\s*\*?(Sent|Date|To|Subject|Cc):\*?\s", re.I)
_RULE = re.compile(r"^\s*_{10,}\s*$")
_SIGNATURE = re.compile(r"^-- ?$")
_MOBILE = re.compile(r"^\s*(Sent from my \w+|Get Outlook for \w+)", re.I)


def strip_history(text: str) -> str:
    """The new text of a message: before any quoted history, without signature."""
    lines = _lines(text)
    kept = lines[: _history_start(lines)]

    kept = [line for line in kept if not line.lstrip().startswith(">")]
    while kept and (not kept[-1].strip() or _MOBILE.match(kept[-1])):
        kept.pop()
    return "\n".join(kept).strip()


def without_signature(text: str) -> str:
    """The whole message, history included, less the sender's own signature.

    The signature runs from its "-- " line to the history after it, if any: a
    forwarded chain below a signature is kept.
    """
    lines = _lines(text)
    start = next((i for i, line in enumerate(lines) if _SIGNATURE.match(line)), None)
    if start is None:
        return "\n".join(lines).strip()

    rest = lines[start + 1 :]
    end = _history_start(rest, signatures=False)
    kept = lines[:start] + (["", *rest[end:]] if end < len(rest) else [])
    return "\n".join(kept).strip()


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _history_start(lines: list[str], *, signatures: bool = True) -> int:
    for index, line in enumerate(lines):
        if (signatures and _SIGNATURE.match(line)) or _ORIGINAL.match(line):
            return index

        # Some clients wrap a long attribution: "On ..., Sam <sam@x>" / "wrote:".
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if _WROTE.match(line) or _WROTE.match(f"{line} {following.strip()}"):
            return index

        if _OUTLOOK_FROM.match(line) and _outlook_block(lines, index):
            # Outlook draws a rule of underscores above its header block.
            if index > 0 and _RULE.match(lines[index - 1]):
                return index - 1
            return index
    return len(lines)


def _outlook_block(lines: list[str], index: int) -> bool:
    """Is the From: line at `index` the start of a quoted header block?"""
    following = [line for line in lines[index + 1 : index + 5] if line.strip()]
    return sum(1 for line in following if _OUTLOOK_NEXT.match(line)) >= 2
