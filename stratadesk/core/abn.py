"""Australian Business Numbers: accept spaces and hyphens, store compact, check digits.

A valid checksum is not proof of GST registration; that is recorded separately.
"""

from django.core.exceptions import ValidationError
from stdnum import exceptions as stdnum_errors
from stdnum.au import abn


def normalise_abn(value: str) -> str:
    """Return the compact 11-digit ABN or raise ValidationError with a clear reason."""
    # People copy ABNs from letterheads as "53 004 085 616" or "53-004-085-616".
    cleaned = (value or "").replace("-", "").replace(" ", "")
    try:
        return abn.validate(cleaned)
    except stdnum_errors.InvalidLength:
        raise ValidationError("An ABN has 11 digits.", code="invalid_abn") from None
    except stdnum_errors.InvalidFormat:
        raise ValidationError("An ABN holds digits only.", code="invalid_abn") from None
    except stdnum_errors.ValidationError:
        raise ValidationError(
            "This ABN fails the official check-digit test.", code="invalid_abn"
        ) from None


def validate_abn(value: str) -> None:
    normalise_abn(value)


def format_abn(value: str) -> str:
    return abn.format(value) if value else ""
