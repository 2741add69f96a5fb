"""Writes to client organisations, contacts and sites."""

import logging

from django.db import transaction

from stratadesk.clients.models import ClientOrganisation, Contact, Site
from stratadesk.core import audit
from stratadesk.core.errors import ValidationFailed, full_clean_or_fail
from stratadesk.notifications import rules

logger = logging.getLogger(__name__)


@transaction.atomic
def create_client(actor, **fields) -> ClientOrganisation:
    client = ClientOrganisation(**fields)
    full_clean_or_fail(client)
    client.save()
    # Its own copy of the default rules, for an Admin to edit.
    rules.install_defaults(client)
    audit.record(actor, "client.created", client, client=client)
    logger.info("client created", extra={"client_id": client.pk})
    return client


@transaction.atomic
def add_contact(actor, client, **fields) -> Contact:
    contact = Contact(client=client, **fields)
    full_clean_or_fail(contact)
    contact.save()
    audit.record(actor, "contact.created", contact, client=client)
    return contact


@transaction.atomic
def add_site(actor, client, **fields) -> Site:
    site = Site(client=client, **fields)
    full_clean_or_fail(site)
    site.save()
    audit.record(actor, "site.created", site, client=client)
    return site


@transaction.atomic
def contact_for_email(actor, client, email: str, *, name: str = "") -> Contact:
    """The active contact of `client` with this email, added if there is none.

    For channels that name a requester by address (the API, inbound email). An
    inactive contact with the address is refused rather than silently revived.
    """
    email = (email or "").strip()
    existing = (
        client.contacts.filter(email__iexact=email).order_by("-is_active", "pk").first()
    )
    if existing is not None:
        if not existing.is_active:
            raise ValidationFailed(
                "That contact is no longer active at this client.",
                fields={"requester": [f"{email} is an inactive contact."]},
            )
        return existing

    name = (name or "").strip() or email.split("@")[0]
    return add_contact(actor, client, name=name[:150], email=email)
