import pytest
from django.core.exceptions import ValidationError

from stratadesk.core.abn import format_abn, normalise_abn


@pytest.mark.parametrize("raw", ["53 004 085 616", "53-004-085-616", "53004085616"])
def test_it_accepts_spaces_and_hyphens_and_stores_compact(raw):
    assert normalise_abn(raw) == "53004085616"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("53 004 085 617", "check-digit"),
        ("5300408561", "11 digits"),
        ("53 004 085 61X", "digits only"),
    ],
)
def test_it_rejects_invalid_abns_with_a_clear_reason(raw, reason):
    with pytest.raises(ValidationError, match=reason):
        normalise_abn(raw)


def test_it_formats_for_display():
    assert format_abn("53004085616") == "53 004 085 616"
