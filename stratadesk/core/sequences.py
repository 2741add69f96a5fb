"""Gapless numbering."""

from django.db import transaction

from stratadesk.core.models import Sequence


def take_next(name: str, *, start: int = 1) -> int:
    """Return the next number of sequence `name`; the caller is in a transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("take_next() must run inside the transaction it numbers")

    Sequence.objects.get_or_create(name=name, defaults={"next_value": start})
    row = Sequence.objects.select_for_update().get(name=name)
    value = row.next_value
    row.next_value = value + 1
    row.save(update_fields=["next_value"])
    return value
