"""A client's own look: portal name, colours, logo and footer, in pages and emails."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from stratadesk.clients.models import PortalBranding, contrast
from tests.notifications.support import emails_queued

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>'


@pytest.fixture
def branded(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return PortalBranding.objects.create(
        client=world.harbour,
        portal_name="Harbour Legal IT",
        brand_colour="#5b2a86",
        support_phone="02 9000 1234",
        support_email="it@harbour.test",
        footer_text="Service by Stratadesk MSP, ABN 53 004 085 616.",
        logo=SimpleUploadedFile("logo.svg", SVG, content_type="image/svg+xml"),
    )


def test_it_shows_a_client_its_portal_name_colours_logo_and_footer(
    world, branded, client
):
    client.force_login(world.harry)

    page = client.get("/portal/").content.decode()
    css = client.get("/portal/branding.css")
    logo = client.get("/portal/branding/logo")

    assert "Harbour Legal IT" in page
    assert "/portal/branding.css" in page
    assert "02 9000 1234" in page and "Service by Stratadesk MSP" in page
    assert css["Content-Type"].startswith("text/css")
    assert "--brand: #5b2a86;" in css.content.decode()
    assert logo["Content-Type"] == "image/svg+xml"
    assert "default-src 'none'" in logo["Content-Security-Policy"]


def test_it_keeps_each_organisation_to_its_own_look(world, branded, client):
    client.force_login(world.oscar)

    page = client.get("/portal/").content.decode()

    assert "Harbour Legal IT" not in page
    assert client.get("/portal/branding.css").status_code == 404
    assert client.get("/portal/branding/logo").status_code == 404


def test_it_serves_no_branding_to_staff(world, branded, client):
    client.force_login(world.olivia)

    assert client.get("/portal/branding.css").status_code == 404
    assert "Harbour Legal IT" not in client.get("/console/").content.decode()


def test_it_revalidates_the_stylesheet_by_etag(world, branded, client):
    client.force_login(world.harry)
    first = client.get("/portal/branding.css")

    again = client.get("/portal/branding.css", headers={"If-None-Match": first["ETag"]})

    assert again.status_code == 304


def test_it_signs_client_emails_with_the_portal_name(world, branded):
    world.raise_ticket()

    [acknowledgement] = emails_queued("ticket_created")

    assert (
        "Harbour Legal IT · 02 9000 1234 · it@harbour.test" in acknowledgement["body"]
    )


@pytest.mark.parametrize("colour", ["#ffd700", "#87ceeb", "blue", "#12345"])
def test_it_refuses_a_colour_white_text_cannot_be_read_on(world, colour):
    branding = PortalBranding(
        client=world.harbour, portal_name="X", brand_colour=colour
    )

    with pytest.raises(ValidationError) as refused:
        branding.full_clean()

    assert "brand_colour" in refused.value.message_dict


def test_it_measures_contrast_as_wcag_does():
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#0b4f8a", "#ffffff"), 1) >= 4.5
