"""Uploading and downloading files through the portal and the console."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from stratadesk.tickets import services
from stratadesk.tickets.models import Attachment
from tests.fixtures import actor


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _png(name="photo.png"):
    return SimpleUploadedFile(name, b"\x89PNG\r\n\x1a\n", content_type="image/png")


def _download(prefix, ticket, attachment):
    return reverse(f"{prefix}:attachment_download", args=[ticket.number, attachment.pk])


def test_it_lets_a_client_attach_a_file_from_the_portal(world, login):
    ticket = world.ticket_at("in_progress")
    url = reverse("portal:ticket_attachment", args=[ticket.number])

    response = login(world.harry).post(url, {"file": _png()})

    assert response.status_code == 302
    assert Attachment.objects.get().uploaded_by == world.harry


def test_it_refuses_a_disallowed_type_from_the_portal_and_keeps_nothing(world, login):
    ticket = world.ticket_at("in_progress")
    url = reverse("portal:ticket_attachment", args=[ticket.number])
    script = SimpleUploadedFile("x.html", b"<script>", content_type="text/html")

    response = login(world.harry).post(url, {"file": script})

    assert response.status_code == 422
    assert "not an accepted file type" in response.text
    assert not Attachment.objects.exists()


def test_it_serves_a_file_only_as_a_download(world, login):
    ticket = world.ticket_at("in_progress")
    attachment = services.add_attachment(actor(world.sam), ticket, _png())

    response = login(world.harry).get(_download("portal", ticket, attachment))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == b"\x89PNG\r\n\x1a\n"


def test_it_hides_internal_files_and_other_organisations_files(world, login):
    ticket = world.ticket_at("in_progress")
    internal = services.add_attachment(
        actor(world.sam), ticket, _png("internal.png"), public=False
    )
    public = services.add_attachment(actor(world.sam), ticket, _png("public.png"))

    harry = login(world.harry)
    assert harry.get(_download("portal", ticket, internal)).status_code == 404
    assert (
        "internal.png"
        not in harry.get(reverse("portal:ticket_detail", args=[ticket.number])).text
    )
    oscar = login(world.oscar)
    assert oscar.get(_download("portal", ticket, public)).status_code == 404


def test_it_lets_staff_attach_an_internal_file_from_the_console(world, login):
    ticket = world.ticket_at("in_progress")
    url = reverse("console:ticket_attachment", args=[ticket.number])

    response = login(world.sam).post(
        url, {"attachment-file": _png(), "attachment-visibility": "internal"}
    )

    assert response.status_code == 302
    stored = Attachment.objects.get()
    assert not stored.is_public
    assert login(world.sam).get(_download("console", ticket, stored)).status_code == 200
