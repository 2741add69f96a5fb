"""Attachments: size and type limits, who may attach, and what the client sees."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from stratadesk.core.errors import PermissionDenied, ValidationFailed
from stratadesk.core.models import AuditEvent
from stratadesk.tickets import selectors, services
from stratadesk.tickets.models import Attachment
from tests.fixtures import actor


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _file(name="photo.png", content=b"\x89PNG\r\n\x1a\n", content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_it_stores_a_file_and_audits_it(world):
    ticket = world.ticket_at("in_progress")

    attachment = services.add_attachment(actor(world.sam), ticket, _file())

    assert attachment.original_name == "photo.png"
    assert attachment.content_type == "image/png"
    assert attachment.size == 8
    assert AuditEvent.objects.filter(action="ticket.attachment_added").count() == 1


def test_it_refuses_a_file_over_the_size_limit(world, settings):
    settings.ATTACHMENT_MAX_BYTES = 4
    ticket = world.ticket_at("in_progress")

    with pytest.raises(ValidationFailed) as error:
        services.add_attachment(actor(world.sam), ticket, _file())

    assert error.value.code == "attachment_too_large"
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("tool.exe", "application/x-msdownload"),
        ("page.html", "text/html"),
        ("photo.png", "text/html"),  # the name and the claimed type disagree
        ("no-extension", "image/png"),
    ],
)
def test_it_refuses_types_not_on_the_list(world, name, content_type):
    ticket = world.ticket_at("in_progress")

    with pytest.raises(ValidationFailed) as error:
        services.add_attachment(
            actor(world.sam), ticket, _file(name, content_type=content_type)
        )

    assert error.value.code == "attachment_type_not_allowed"
    assert not Attachment.objects.exists()


def test_it_takes_a_browsers_octet_stream_at_the_files_name(world):
    ticket = world.ticket_at("in_progress")
    upload = _file("notes.txt", b"hello", "application/octet-stream")

    attachment = services.add_attachment(actor(world.sam), ticket, upload)

    assert attachment.content_type == "text/plain"


def test_it_makes_a_clients_file_public_and_hides_internal_files_from_clients(world):
    ticket = world.ticket_at("in_progress")
    services.add_attachment(
        actor(world.sam), ticket, _file("internal.png"), public=False
    )
    services.add_attachment(
        actor(world.harry), ticket, _file("theirs.png"), public=False
    )

    seen = selectors.visible_attachments(world.harry, ticket)

    assert [a.original_name for a in seen] == ["theirs.png"]
    assert seen[0].is_public


@pytest.mark.parametrize("who", ["sasha", "alex", "oscar"])
def test_it_refuses_people_who_may_not_work_the_ticket(world, who):
    ticket = world.ticket_at("in_progress")

    with pytest.raises(PermissionDenied):
        services.add_attachment(actor(getattr(world, who)), ticket, _file())

    assert not Attachment.objects.exists()


def test_it_refuses_a_clients_file_on_a_closed_ticket(world):
    ticket = world.ticket_at("closed")

    with pytest.raises(ValidationFailed) as error:
        services.add_attachment(actor(world.harry), ticket, _file())

    assert error.value.code == "ticket_closed"
