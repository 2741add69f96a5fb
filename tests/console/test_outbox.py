"""The console's email outbox: Admins read it and send a failed email again."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stratadesk.core import clock
from stratadesk.core.errors import Conflict
from stratadesk.core.models import AuditEvent
from stratadesk.notifications import outbox
from stratadesk.notifications.models import EmailDelivery, EmailStatus
from tests.fixtures import actor
from tests.notifications import flaky
from tests.notifications.support import MONDAY, email_tasks, run_worker

OUTBOX = "/console/outbox/"
# Committed for real: the worker runs the queued task as a separate process would,
# and on PostgreSQL it closes the test's connection when done.
runs_the_worker = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def flaky_backend(settings):
    settings.MAILERS = {
        "default": {"BACKEND": "tests.notifications.flaky.FlakyBackend"}
    }
    flaky.FAILURES.clear()
    yield
    flaky.FAILURES.clear()


@pytest.fixture
def failed(world):
    """Harry's "ticket raised" email, refused by his mail server for good."""
    ticket = world.raise_ticket()
    delivery = EmailDelivery.objects.get(ticket=ticket)
    flaky.FAILURES.append(flaky.permanent())
    outbox.send(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == EmailStatus.FAILED
    return delivery


@pytest.fixture
def lost(world):
    """An email whose worker died mid-send, marked failed by resume_stalled()."""
    with time_machine.travel(MONDAY, tick=False) as traveller:
        ticket = world.raise_ticket()
        delivery = EmailDelivery.objects.get(ticket=ticket)
        EmailDelivery.objects.filter(pk=delivery.pk).update(
            status=EmailStatus.SENDING, sending_since=clock.now(), attempt_count=1
        )
        traveller.move_to(clock.now() + outbox.SENDING_LEASE + timedelta(minutes=1))
        assert outbox.resume_stalled()["lost"] == 1
    delivery.refresh_from_db()
    return delivery


def _state():
    return (
        list(EmailDelivery.objects.order_by("pk").values()),
        email_tasks().count(),
        AuditEvent.objects.count(),
    )


def _resend_url(delivery):
    return reverse("console:outbox_resend", args=[delivery.pk])


# Who may look -----------------------------------------------------------------------


def test_it_lists_emails_failed_first_for_an_admin(world, login, failed):
    world.raise_ticket(title="Scanner offline")  # a second email, still pending
    newer = EmailDelivery.objects.exclude(pk=failed.pk).get()

    response = login(world.ada).get(OUTBOX)

    assert response.status_code == 200
    assert [d.pk for d in response.context["page"]] == [failed.pk, newer.pk]
    html = response.content.decode()
    row = html[html.index(f'id="email-{failed.pk}"') :]
    assert "harry@harbour.test" in row
    assert failed.subject in row
    assert "<code>ticket_created</code>" in row
    assert f'href="/console/tickets/{failed.ticket.number}/"' in row
    assert "SMTPRecipientsRefused" in row


def test_it_filters_by_status(world, login, failed):
    world.raise_ticket(title="Scanner offline")

    response = login(world.ada).get(OUTBOX, {"status": "pending"})

    assert [d.status for d in response.context["page"]] == ["pending"]


def test_it_shows_one_email_with_its_text(world, login, failed):
    response = login(world.ada).get(reverse("console:outbox_email", args=[failed.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert failed.body_text.splitlines()[0] in html
    assert 'id="resend-form"' in html
    assert "may or may not have gone" not in html


@pytest.mark.parametrize("persona", ["olivia", "sam", "alex"])
def test_other_staff_are_refused_with_403(world, login, failed, persona):
    client = login(getattr(world, persona))
    before = _state()

    assert client.get(OUTBOX).status_code == 403
    shown = client.get(reverse("console:outbox_email", args=[failed.pk]))
    assert shown.status_code == 403
    assert client.post(_resend_url(failed)).status_code == 403
    assert _state() == before


def test_a_client_user_is_told_the_outbox_does_not_exist(world, login, failed):
    client = login(world.harry)
    before = _state()

    assert client.get(OUTBOX).status_code == 404
    assert client.post(_resend_url(failed)).status_code == 404
    assert _state() == before


def test_only_admins_see_the_outbox_link(world, login):
    assert OUTBOX in login(world.ada).get("/console/").content.decode()
    assert OUTBOX not in login(world.olivia).get("/console/").content.decode()


def test_the_list_query_count_stays_flat_as_emails_grow(
    world, login, django_assert_max_num_queries
):
    client = login(world.ada)
    world.raise_ticket()
    with CaptureQueriesContext(connection) as few:
        client.get(OUTBOX)

    for number in range(12):
        world.raise_ticket(title=f"Printer {number}")
    EmailDelivery.objects.filter(pk__in=EmailDelivery.objects.values("pk")[:6]).update(
        status=EmailStatus.FAILED, last_error="SMTPRecipientsRefused: no"
    )
    with django_assert_max_num_queries(len(few)):
        response = client.get(OUTBOX)

    assert len(response.context["page"]) == 13


# Sending again ----------------------------------------------------------------------


@runs_the_worker
def test_an_admin_sends_a_failed_email_again_and_it_leaves(world, login, failed):
    mail.outbox.clear()

    response = login(world.ada).post(_resend_url(failed))

    assert response.status_code == 302
    assert response["Location"] == reverse("console:outbox_email", args=[failed.pk])
    failed.refresh_from_db()
    assert (failed.status, failed.attempt_count, failed.last_error) == (
        "pending",
        0,
        "",
    )
    event = AuditEvent.objects.get(action="email.resent")
    assert event.actor == world.ada
    assert event.client == world.harbour
    assert event.subject_id == str(failed.pk)
    assert event.data["attempts"] == 1
    assert event.data["may_have_gone"] is False
    assert "SMTPRecipientsRefused" in event.data["error"]

    run_worker()

    failed.refresh_from_db()
    assert failed.status == "sent"
    assert [message.to for message in mail.outbox] == [["harry@harbour.test"]]
    assert mail.outbox[0].subject == failed.subject


def test_the_resend_is_queued_in_the_same_transaction(world, failed):
    before = email_tasks().count()

    outbox.retry_failed(actor(world.ada), failed)

    latest = email_tasks().order_by("-pk").first()
    assert email_tasks().count() == before + 1
    assert latest.args_kwargs["kwargs"] == {"delivery_id": failed.pk}


@pytest.mark.parametrize("status", ["pending", "sending", "sent"])
def test_an_email_that_has_not_failed_is_not_sent_again(world, login, failed, status):
    EmailDelivery.objects.filter(pk=failed.pk).update(status=status)
    before = _state()

    response = login(world.ada).post(_resend_url(failed))

    assert response.status_code == 409
    assert "only a failed email can be sent again" in response.content.decode()
    assert _state() == before


def test_the_service_refuses_a_sent_email_with_its_code(world, failed):
    EmailDelivery.objects.filter(pk=failed.pk).update(status=EmailStatus.SENT)

    with pytest.raises(Conflict) as refused:
        outbox.retry_failed(actor(world.ada), failed)

    assert refused.value.code == "email_not_failed"


def test_an_email_lost_mid_send_says_it_may_have_gone(world, login, lost):
    client = login(world.ada)

    listed = client.get(OUTBOX).content.decode()
    shown = client.get(reverse("console:outbox_email", args=[lost.pk]))

    row = listed[listed.index(f'id="email-{lost.pk}"') :].split("</tr>")[0]
    assert "May or may not have gone" in row
    assert 'id="may-have-gone"' in shown.content.decode()
    assert "Send it again anyway" in shown.content.decode()


@runs_the_worker
def test_an_email_lost_mid_send_can_still_be_sent_again_on_purpose(world, login, lost):
    mail.outbox.clear()

    response = login(world.ada).post(_resend_url(lost))
    run_worker()

    assert response.status_code == 302
    assert AuditEvent.objects.get(action="email.resent").data["may_have_gone"]
    lost.refresh_from_db()
    assert lost.status == "sent"
    assert len(mail.outbox) == 1
