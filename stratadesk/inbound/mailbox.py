"""Polling an IMAP mailbox, for MSPs whose mail provider has no inbound webhook.

Each unseen message is read without marking it (BODY.PEEK), handed to receive(),
and marked \\Seen only once that has committed: a crash in between leaves it unseen,
and reading it again is harmless because receive() is idempotent.
"""

import imaplib
import logging

from django.conf import settings

from stratadesk.inbound.services import receive

logger = logging.getLogger(__name__)


class MailboxError(Exception):
    """The mailbox could not be reached or read."""


def imap_class(use_ssl: bool):
    return imaplib.IMAP4_SSL if use_ssl else imaplib.IMAP4


def poll(*, connection_class=None, config=None) -> int:
    """Process every unseen message in the configured folder; how many were read.

    `connection_class` replaces imaplib's (tests pass a fake: no IMAP server runs
    where they do).
    """
    config = config or settings.INBOUND_IMAP
    connection_class = connection_class or imap_class(config["use_ssl"])
    try:
        connection = connection_class(config["host"], config["port"])
        connection.login(config["user"], config["password"])
        _ok(connection.select(config["folder"]), "select " + config["folder"])
    except (imaplib.IMAP4.error, OSError) as exc:
        raise MailboxError(f"Could not open the mailbox: {exc}") from exc

    try:
        return _read_unseen(connection)
    finally:
        try:
            connection.logout()
        except (imaplib.IMAP4.error, OSError):
            logger.warning("imap logout failed", extra={"host": config["host"]})


def _ok(response, what: str):
    status, data = response
    if status != "OK":
        raise MailboxError(f"IMAP {what} answered {status}: {data!r}")
    return data


def _read_unseen(connection) -> int:
    uids = _ok(connection.uid("SEARCH", None, "UNSEEN"), "search")[0].split()

    read = 0
    for uid in uids:
        raw = _fetch(connection, uid)
        if raw is None:
            continue
        try:
            record = receive(raw, source="imap")
        except Exception:
            # One bad message must not stop the rest; it stays unseen and is tried
            # again at the next poll.
            logger.exception("inbound message failed", extra={"imap_uid": _text(uid)})
            continue
        _ok(connection.uid("STORE", uid, "+FLAGS", "(\\Seen)"), "store")
        read += 1
        logger.info(
            "imap message read",
            extra={"imap_uid": _text(uid), "inbound_id": record.pk},
        )
    return read


def _fetch(connection, uid) -> bytes | None:
    data = _ok(connection.uid("FETCH", uid, "(BODY.PEEK[])"), "fetch")
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return item[1]
    logger.warning("imap message had no body", extra={"imap_uid": _text(uid)})
    return None


def _text(uid) -> str:
    return uid.decode() if isinstance(uid, bytes) else str(uid)
