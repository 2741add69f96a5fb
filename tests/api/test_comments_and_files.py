"""Comments and attachments over the API; internal notes never reach a client key."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from stratadesk.tickets import services
from stratadesk.tickets.models import Attachment, Comment, Ticket
from tests.api.conftest import field_errors, problem
from tests.fixtures import actor


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _comments(ticket):
    return f"/api/v1/tickets/{ticket.number}/comments"


def _files(ticket):
    return f"/api/v1/tickets/{ticket.number}/attachments"


def test_it_posts_a_client_reply_that_moves_pending_client_back(world, harbour):
    ticket = world.ticket_at("pending_client")

    response = harbour.post(_comments(ticket), {"body": "Tray 2, the A3 one."})

    assert response.status_code == 201
    assert response.json()["public"] is True
    assert response.json()["ticket"] == ticket.number
    assert Ticket.objects.get(pk=ticket.pk).stage == "in_progress"


def test_it_refuses_a_client_key_an_internal_note(world, harbour):
    ticket = world.ticket_at("in_progress")
    before = Comment.objects.count()

    response = harbour.post(_comments(ticket), {"body": "psst", "public": False})

    assert response.status_code == 403
    assert Comment.objects.count() == before


def test_it_lets_the_assignee_write_an_internal_note(world, as_staff):
    ticket = world.ticket_at("in_progress")

    response = as_staff(world.sam).post(
        _comments(ticket), {"body": "Fuser part ordered", "public": False}
    )

    assert response.status_code == 201
    assert response.json()["public"] is False


def test_it_never_lists_an_internal_note_to_a_client_key(world, harbour, as_staff):
    ticket = world.ticket_at("in_progress")
    services.add_comment(actor(world.sam), ticket, "Client is difficult", public=False)
    services.add_comment(actor(world.sam), ticket, "On my way", public=True)

    client_view = harbour.get(_comments(ticket)).json()
    staff_view = as_staff(world.olivia).get(_comments(ticket)).json()

    assert [c["body"] for c in client_view] == ["On my way"]
    assert {c["body"] for c in staff_view} >= {"On my way", "Client is difficult"}


def test_it_opens_a_follow_up_for_a_reply_to_a_closed_ticket(world, harbour):
    closed = world.ticket_at("closed")

    response = harbour.post(_comments(closed), {"body": "It is back again."})

    assert response.status_code == 201
    follow_up = Ticket.objects.get(number=response.json()["ticket"])
    assert follow_up.follow_up_of == closed
    assert Ticket.objects.get(pk=closed.pk).stage == "closed"


def test_it_refuses_an_empty_comment_and_unknown_fields(world, harbour):
    ticket = world.ticket_at("in_progress")

    empty = harbour.post(_comments(ticket), {"body": ""})
    unknown = harbour.post(_comments(ticket), {"body": "hi", "urgent": True})

    assert "body" in field_errors(empty)
    assert "urgent" in field_errors(unknown)


def test_it_answers_404_for_another_organisations_comments(world, outback):
    ticket = world.ticket_at("in_progress")

    assert outback.get(_comments(ticket)).status_code == 404
    assert outback.post(_comments(ticket), {"body": "hi"}).status_code == 404


def test_it_uploads_lists_and_downloads_an_attachment(world, harbour):
    ticket = world.ticket_at("in_progress")
    upload = SimpleUploadedFile("log.txt", b"disk full", content_type="text/plain")

    made = harbour.upload(_files(ticket), {"file": upload})
    listed = harbour.get(_files(ticket)).json()
    content = harbour.get(f"{_files(ticket)}/{made.json()['id']}/content")

    assert made.status_code == 201
    assert [item["name"] for item in listed] == ["log.txt"]
    assert content.status_code == 200
    assert b"".join(content.streaming_content) == b"disk full"


def test_it_refuses_a_file_of_a_type_not_allowed(world, harbour):
    ticket = world.ticket_at("in_progress")
    upload = SimpleUploadedFile(
        "run.exe", b"MZ", content_type="application/x-msdownload"
    )

    response = harbour.upload(_files(ticket), {"file": upload})

    assert response.status_code == 422
    assert not Attachment.objects.exists()


def test_it_refuses_a_file_over_the_limit_with_413(world, harbour, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    ticket = world.ticket_at("in_progress")
    upload = SimpleUploadedFile("big.txt", b"x" * 200_000, content_type="text/plain")

    response = harbour.upload(_files(ticket), {"file": upload})

    assert response.status_code == 413
    assert problem(response)["code"] == "payload_too_large"
    assert not Attachment.objects.exists()


def test_it_asks_for_the_file_field(world, harbour):
    ticket = world.ticket_at("in_progress")

    response = harbour.upload(_files(ticket), {"other": "x"})

    assert response.status_code == 422
    assert {"file", "other"} <= set(field_errors(response))


def test_it_hides_internal_files_and_other_organisations_files(world, harbour, outback):
    ticket = world.ticket_at("in_progress")
    upload = SimpleUploadedFile("notes.txt", b"internal", content_type="text/plain")
    hidden = services.add_attachment(actor(world.sam), ticket, upload, public=False)

    assert harbour.get(_files(ticket)).json() == []
    assert harbour.get(f"{_files(ticket)}/{hidden.pk}/content").status_code == 404
    assert outback.get(f"{_files(ticket)}/{hidden.pk}/content").status_code == 404


def test_it_reads_no_as_an_internal_file(world, as_staff):
    ticket = world.ticket_at("in_progress")
    upload = SimpleUploadedFile("notes.txt", b"internal", content_type="text/plain")

    response = as_staff(world.sam).upload(
        _files(ticket), {"file": upload, "public": "no"}
    )

    assert response.status_code == 201
    assert response.json()["public"] is False


def test_it_refuses_a_client_key_an_internal_file(world, harbour):
    ticket = world.ticket_at("in_progress")
    upload = SimpleUploadedFile("notes.txt", b"x", content_type="text/plain")

    response = harbour.upload(_files(ticket), {"file": upload, "public": "no"})

    assert response.status_code == 403
    assert not Attachment.objects.exists()
