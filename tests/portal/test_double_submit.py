"""A double click or a browser's resend never files the same thing twice."""

import uuid

from django.urls import reverse

from stratadesk.tickets.models import Comment, Ticket, TimeEntry


def test_it_files_a_resent_reply_once(world, login):
    ticket = world.ticket_at("in_progress")
    url = reverse("portal:ticket_reply", args=[ticket.number])
    form = {"body": "Tray 2 again.", "submission_token": str(uuid.uuid4())}
    client = login(world.harry)

    first = client.post(url, form)
    second = client.post(url, form, follow=True)

    assert first.status_code == second.redirect_chain[0][1] == 302
    assert Comment.objects.filter(body="Tray 2 again.").count() == 1
    assert "already sent" in second.text


def test_it_opens_one_follow_up_for_a_resent_reply_to_a_closed_ticket(world, login):
    ticket = world.ticket_at("closed")
    url = reverse("portal:ticket_reply", args=[ticket.number])
    form = {"body": "It jammed again.", "submission_token": str(uuid.uuid4())}
    client = login(world.harry)

    client.post(url, form)
    client.post(url, form)

    assert Ticket.objects.filter(follow_up_of=ticket).count() == 1


def test_it_raises_a_resent_new_ticket_once(world, login):
    url = reverse("portal:ticket_create")
    form = {
        "title": "Scanner offline",
        "description": "Since this morning.",
        "submission_token": str(uuid.uuid4()),
    }
    client = login(world.harry)

    client.post(url, form)
    client.post(url, form)

    assert Ticket.objects.filter(title="Scanner offline").count() == 1


def test_it_logs_resent_time_once_but_accepts_a_corrected_resend(world, login):
    ticket = world.ticket_at("in_progress")
    url = reverse("console:ticket_time", args=[ticket.number])
    token = str(uuid.uuid4())
    form = {
        "submission_token": token,
        "time-minutes": "0",
        "time-work_date": ticket.created_at.date().isoformat(),
        "time-work_type": "business_hours",
    }
    client = login(world.sam)
    entries = TimeEntry.objects.count()

    refused = client.post(url, form)
    form["time-minutes"] = "20"
    client.post(url, form)
    client.post(url, form)

    assert refused.status_code == 422
    assert TimeEntry.objects.count() == entries + 1
