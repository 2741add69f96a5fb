"""Writes to client organisations, contacts and sites."""

import logging

from django.db import transaction

from stratadesk.clients.models import ClientOrganisation, Contact, Site
from stratadesk.core import audit
from stratadesk.core.errors import full_clean_or_fail

logger = logging.getLogger(__name__)


@transaction.atomic
def create_client(actor, **fields) -> ClientOrganisation:
    client = ClientOrganisation(**fields)
    full_clean_or_fail(client)
    client.save()
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
