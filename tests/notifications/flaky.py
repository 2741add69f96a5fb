"""An email backend that fails as told, then keeps what it sends in mail.outbox."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend

FAILURES: list[Exception] = []


class FlakyBackend(EmailBackend):
    def send_messages(self, messages):
        if FAILURES:
            raise FAILURES.pop(0)
        return super().send_messages(messages)


def temporary():
    return smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def permanent():
    return smtplib.SMTPRecipientsRefused({"x@y.test": (550, b"No such user")})
