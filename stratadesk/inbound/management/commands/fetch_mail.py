from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from stratadesk.inbound import mailbox


class Command(BaseCommand):
    help = (
        "Read unseen mail from the IMAP mailbox (STRATADESK_IMAP_*) into tickets, "
        "marking each message seen once it is processed. Run it every minute or so."
    )

    def handle(self, *args, **options):
        if not settings.INBOUND_IMAP["host"]:
            raise CommandError("STRATADESK_IMAP_HOST is not set; nothing to poll.")
        try:
            count = mailbox.poll()
        except mailbox.MailboxError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{count} message{'s' if count != 1 else ''} read")
