"""The MSP's ABN and GST registration change only through their service, by an Admin."""

import pytest

from stratadesk.core.errors import Conflict, PermissionDenied, ValidationFailed
from stratadesk.core.models import AuditEvent, BusinessProfile
from stratadesk.ledger import services
from tests.fixtures import actor


def test_an_admin_changes_the_abn_and_registration_stored_compact(books, world):
    services.update_business_profile(
        actor(world.ada), abn="51 824 753 556", gst_registered=False
    )

    profile = BusinessProfile.current()
    assert (profile.abn, profile.gst_registered) == ("51824753556", False)
    event = AuditEvent.objects.get(action="business_profile.updated")
    assert event.data == {"abn": "51824753556", "gst_registered": False}


@pytest.mark.parametrize("persona", ["alex", "sam", "olivia", "hannah"])
def test_anyone_but_an_admin_is_refused(books, world, persona):
    with pytest.raises(PermissionDenied):
        services.update_business_profile(
            actor(getattr(world, persona)), abn="51824753556", gst_registered=True
        )

    assert BusinessProfile.current().abn == "53004085616"


@pytest.mark.parametrize("abn", ["53 004 085 617", "", "5300408561", "ABN"])
def test_an_invalid_or_missing_abn_is_refused(books, world, abn):
    with pytest.raises(ValidationFailed) as refused:
        services.update_business_profile(actor(world.ada), abn=abn, gst_registered=True)

    assert "abn" in refused.value.fields
    assert BusinessProfile.current().abn == "53004085616"
    assert not AuditEvent.objects.filter(action="business_profile.updated").exists()


def test_there_is_nothing_to_change_before_the_profile_exists(world):
    with pytest.raises(Conflict):
        services.update_business_profile(
            actor(world.ada), abn="51824753556", gst_registered=True
        )

    assert not BusinessProfile.objects.exists()
