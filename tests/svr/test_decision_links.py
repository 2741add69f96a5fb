"""Deciding an SVR from its email without a portal login, by a link of one's own.

Personas: Hannah, an approver with a portal login; Lee, an approver at Harbour Legal
without one; Sam, the engineer who issues the report.
"""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from stratadesk import housekeeping
from stratadesk.core import clock
from stratadesk.core.models import AuditEvent
from stratadesk.notifications.tasks import send_email
from stratadesk.svr import documents, followups, links
from stratadesk.svr.models import SvrApproval, SvrDecisionLink, SvrStatus
from stratadesk.tickets.models import Stage, Ticket
from tests.fixtures import make_contact
from tests.notifications.support import emails_queued

LINK = re.compile(r"/svr/approve/([A-Za-z0-9_-]{43})/")
AGENT = "LinkTest/1.0"


@pytest.fixture(autouse=True)
def _clean(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # Guess counters live in the shared cache, which a test's rollback keeps.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def lee(world):
    return make_contact(
        world.harbour, "Lee Nologin", "lee@harbour.test", is_approver=True
    )


def _token_in(template, address):
    """Send the email queued for `address` and read the link in what went out."""
    [queued] = [e for e in emails_queued(template) if e["to"] == [address]][-1:]
    send_email.call(delivery_id=queued["delivery_id"])
    found = LINK.search(mail.outbox[-1].body)
    return found.group(1) if found else None


def _page(token):
    return reverse("svr_link:page", args=[token])


def _post(client, token, decision, **fields):
    link = SvrDecisionLink.objects.get(digest=links.digest(token))
    ticket = Ticket.objects.get(pk=link.svr.ticket_id)
    data = {"decision": decision, "version": ticket.version}
    data.update({f"{decision}-{key}": value for key, value in fields.items()})
    return client.post(_page(token), data, headers={"user-agent": AGENT})


def _approve(client, token, name="Lee Nologin", document_hash=None):
    link = SvrDecisionLink.objects.get(digest=links.digest(token))
    return _post(
        client,
        token,
        "approve_svr",
        typed_name=name,
        declaration="on",
        document_hash=document_hash or link.svr.document_hash,
    )


def _state(ticket):
    ticket.refresh_from_db()
    return (
        ticket.stage,
        ticket.version,
        list(ticket.svrs.values_list("status", flat=True)),
        SvrApproval.objects.filter(svr__ticket=ticket).count(),
        AuditEvent.objects.filter(subject_id=str(ticket.pk)).count(),
    )


def test_the_issue_email_links_a_login_less_approver_to_the_report(world, lee, client):
    ticket = world.ticket_at("svr_pending")
    svr = ticket.svrs.get()

    token = _token_in("svr_issued", "lee@harbour.test")
    page = client.get(_page(token))

    assert page.status_code == 200
    assert svr.document in page.text
    assert svr.document_hash in page.text
    assert f'value="{svr.document_hash}"' in page.text
    assert "Type your full name" in page.text
    assert "What is still wrong" in page.text
    # Only the digest is stored; the token itself is only in the email that went.
    [kept] = [e for e in emails_queued("svr_issued") if e["to"] == [lee.email]]
    assert token not in kept["body"] and token not in kept["html"]
    assert f"/svr/approve/{links.PLACEHOLDER}/" in kept["body"]
    assert token in mail.outbox[-1].alternatives[0][0]
    [link] = SvrDecisionLink.objects.all()
    assert link.contact == lee and link.svr == svr
    assert link.digest == links.digest(token) != token
    assert link.expires_at == link.created_at + timedelta(days=30)


def test_housekeeping_deletes_expired_links_only(world, lee):
    world.ticket_at("svr_pending")
    _token_in("svr_issued", lee.email)
    [link] = SvrDecisionLink.objects.all()

    with time_machine.travel(link.expires_at - timedelta(seconds=1)):
        kept = housekeeping.run_once()["svr_links_purged"]
    with time_machine.travel(link.expires_at):
        purged = housekeeping.run_once()["svr_links_purged"]

    assert (kept, purged) == (0, 1)
    assert not SvrDecisionLink.objects.exists()


def test_an_approver_with_a_login_keeps_the_portal_link(world, lee):
    ticket = world.ticket_at("svr_pending")

    [email] = [
        e for e in emails_queued("svr_issued") if e["to"] == ["hannah@harbour.test"]
    ]

    assert f"/portal/tickets/{ticket.number}/svr/1/" in email["body"]
    assert "/svr/approve/" not in email["body"]
    send_email.call(delivery_id=email["delivery_id"])
    assert "/svr/approve/" not in mail.outbox[-1].body
    assert not SvrDecisionLink.objects.filter(contact=world.hannah_contact).exists()


def test_approving_by_link_closes_the_ticket_as_the_portal_does(world, lee, client):
    by_link = world.ticket_at("svr_pending")
    token = _token_in("svr_issued", "lee@harbour.test")
    lee.is_approver = False
    lee.save()
    by_portal = world.ticket_at("svr_pending")
    portal = Client()
    portal.force_login(world.hannah)
    by_portal.refresh_from_db()
    portal.post(
        reverse("portal:svr_decide", args=[by_portal.number, "approve_svr"]),
        {
            "version": by_portal.version,
            "approve_svr-typed_name": "Hannah Approver",
            "approve_svr-declaration": "on",
            "approve_svr-document_hash": by_portal.svrs.get().document_hash,
        },
        headers={"user-agent": AGENT},
    )
    done = _approve(client, token)

    assert done.status_code == 200
    assert "Your approval of the report" in done.text
    by_link.refresh_from_db()
    by_portal.refresh_from_db()
    assert by_link.stage == by_portal.stage == Stage.CLOSED
    assert by_link.close_reason == by_portal.close_reason
    linked = by_link.svrs.get()
    assert linked.status == SvrStatus.APPROVED
    assert linked.typed_name == "Lee Nologin"
    assert linked.decision_user_agent == AGENT

    def record(ticket):
        events = AuditEvent.objects.filter(subject_id=str(ticket.pk)).order_by("pk")
        return [
            (e.action, e.from_stage, e.to_stage, e.actor_role)
            for e in events
            if e.occurred_at >= ticket.svrs.get().issued_at
        ]

    assert record(by_link) == record(by_portal)
    approval = linked.approvals.get()
    portal_approval = by_portal.svrs.get().approvals.get()
    assert (approval.contact, approval.user, approval.channel) == (lee, None, "email")
    assert portal_approval.channel == "portal"
    assert (approval.ip, approval.user_agent) == (
        portal_approval.ip,
        portal_approval.user_agent,
    )
    assert approval.document_hash == linked.document_hash
    last = AuditEvent.objects.filter(subject_id=str(by_link.pk)).latest("pk")
    assert (last.channel, last.actor_label) == ("email", "Lee Nologin")
    assert SvrDecisionLink.objects.get(contact=lee, svr=linked).used_at is not None


def test_the_signature_records_the_address_the_trusted_proxy_vouches_for(
    world, lee, client, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    world.ticket_at("svr_pending")
    token = _token_in("svr_issued", "lee@harbour.test")

    link = SvrDecisionLink.objects.get(digest=links.digest(token))
    client.post(
        _page(token),
        {
            "decision": "approve_svr",
            "version": link.svr.ticket.version,
            "approve_svr-typed_name": "Lee Nologin",
            "approve_svr-declaration": "on",
            "approve_svr-document_hash": link.svr.document_hash,
        },
        headers={"x-forwarded-for": "10.9.9.9, 203.0.113.7", "user-agent": AGENT},
    )

    approval = SvrApproval.objects.get()
    assert approval.ip == "203.0.113.7"
    assert approval.user_agent == AGENT


def test_rejecting_by_link_sends_the_ticket_back_in_progress(world, lee, client):
    ticket = world.ticket_at("svr_pending")
    token = _token_in("svr_issued", "lee@harbour.test")

    done = _post(client, token, "reject_svr", reason="Tray 2 still jams.")

    assert done.status_code == 200
    ticket.refresh_from_db()
    svr = ticket.svrs.get()
    assert ticket.stage == Stage.IN_PROGRESS
    assert svr.status == SvrStatus.REJECTED
    assert svr.decision_reason == "Tray 2 still jams."
    assert client.get(_page(token)).status_code == 404


def test_a_used_link_is_not_found_while_the_others_still_sign(world, lee, client):
    world.harbour.svr_approval_rule = "all"
    world.harbour.save()
    ticket = world.ticket_at("svr_pending")
    token = _token_in("svr_issued", "lee@harbour.test")
    assert _approve(client, token).status_code == 200
    before = _state(ticket)

    again = client.get(_page(token))
    posted = _approve(client, token)

    assert again.status_code == posted.status_code == 404
    assert _state(ticket) == before
    assert ticket.stage == Stage.SVR_PENDING


def test_a_superseded_version_link_is_not_found_and_changes_nothing(world, lee, client):
    ticket = world.ticket_at("svr_pending")
    old = _token_in("svr_issued", "lee@harbour.test")
    world.move(ticket, "reject_svr", world.hannah, reason="Tray 2 still jams.")
    ticket.refresh_from_db()
    for name, data in [
        ("resolve", {"resolution_summary": "Replaced tray 2 rollers."}),
        ("issue_svr", {"work_summary": "Rollers."}),
    ]:
        ticket = world.move(ticket, name, world.sam, **data)
    before = _state(ticket)

    page = client.get(_page(old))
    posted = _post(client, old, "reject_svr", reason="Still wrong.")

    assert page.status_code == posted.status_code == 404
    assert _state(ticket) == before
    newer = _token_in("svr_issued", "lee@harbour.test")
    assert client.get(_page(newer)).status_code == 200


def test_an_expired_link_is_not_found_and_changes_nothing(world, lee, client):
    ticket = world.ticket_at("svr_pending")
    token = _token_in("svr_issued", "lee@harbour.test")
    before = _state(ticket)

    with time_machine.travel(clock.now() + timedelta(days=30, seconds=1)):
        page = client.get(_page(token))
        posted = _approve(client, token)

    assert page.status_code == posted.status_code == 404
    assert _state(ticket) == before


def test_a_link_closed_by_override_or_a_deactivated_contact_is_not_found(
    world, lee, client
):
    ticket = world.ticket_at("svr_pending")
    token = _token_in("svr_issued", "lee@harbour.test")
    lee.is_active = False
    lee.save()

    assert client.get(_page(token)).status_code == 404

    lee.is_active = True
    lee.save()
    world.move(ticket, "override_svr", world.ada, reason="Client confirmed by phone.")

    assert client.get(_page(token)).status_code == 404


def test_a_link_signs_only_as_its_own_contact(world, lee, client):
    ticket = world.ticket_at("svr_pending")
    token = _token_in("svr_issued", "lee@harbour.test")
    before = _state(ticket)

    posted = _approve(client, token, name="Hannah Approver")

    assert posted.status_code == 422
    assert "Type your name as we hold it: Lee Nologin" in posted.text
    assert _state(ticket) == before


def test_a_link_of_another_ticket_decides_only_its_own(world, lee, client):
    first = world.ticket_at("svr_pending")
    token = _token_in("svr_issued", "lee@harbour.test")
    second = world.ticket_at("svr_pending")
    before = _state(second)

    _approve(client, token)

    first.refresh_from_db()
    assert first.stage == Stage.CLOSED
    assert _state(second) == before


def test_a_changed_report_is_a_conflict_and_changes_nothing(world, lee, client):
    ticket = world.ticket_at("svr_pending")
    token = _token_in("svr_issued", "lee@harbour.test")
    before = _state(ticket)

    posted = _approve(client, token, document_hash="0" * 64)

    assert posted.status_code == 409
    assert "The report changed since you opened it" in posted.text
    assert _state(ticket) == before
    # Still live: the approver reads it again and decides.
    assert client.get(_page(token)).status_code == 200


def test_a_wrong_link_is_the_plain_not_found_page_naming_nothing(world, lee, client):
    ticket = world.ticket_at("svr_pending")
    token = _token_in("svr_issued", "lee@harbour.test")
    _approve(client, token)

    used = client.get(_page(token))
    tampered = client.get(_page(token[:-1] + ("A" if token[-1] != "A" else "B")))
    made_up = client.get(_page("x" * 43))
    odd = client.get("/svr/approve/not-a-token/")

    for response in (used, tampered, made_up, odd):
        assert response.status_code == 404
        assert ticket.reference not in response.text
        assert "Lee" not in response.text
    nonce = re.compile(r'nonce="[^"]*"')
    assert nonce.sub("", used.text) == nonce.sub("", made_up.text)


def test_link_pages_keep_the_token_to_themselves(world, lee, client):
    world.ticket_at("svr_pending")
    token = _token_in("svr_issued", "lee@harbour.test")
    svr = SvrDecisionLink.objects.get().svr
    documents.store_pdf(svr)

    responses = [
        client.get(_page(token)),
        client.get(reverse("svr_link:pdf", args=[token])),
        client.get(_page("y" * 43)),
        _approve(client, token),
    ]

    for response in responses:
        assert response["Referrer-Policy"] == "no-referrer"
        assert response["Cache-Control"] == "no-store"
        assert "sessionid" not in response.cookies
    assert responses[1]["Content-Type"] == "application/pdf"
    assert b"".join(responses[1].streaming_content).startswith(b"%PDF")
    assert "script-src" in responses[0]["Content-Security-Policy"]
    assert Session.objects.count() == 0


def test_a_browser_decides_with_no_cookie_at_all(world, lee):
    # A real browser sends no Referer, and Origin: null, under the page's policy.
    browser = Client(enforce_csrf_checks=True)
    ticket = world.ticket_at("svr_pending")
    token = _token_in("svr_issued", "lee@harbour.test")

    page = browser.get(_page(token))
    done = _approve(browser, token)

    assert not page.cookies and not done.cookies
    assert done.status_code == 200
    ticket.refresh_from_db()
    assert ticket.stage == Stage.CLOSED


def test_the_page_wears_the_clients_branding(world, lee, client):
    from stratadesk.clients.models import PortalBranding

    PortalBranding.objects.create(
        client=world.harbour, portal_name="Harbour IT", brand_colour="#004466"
    )
    world.ticket_at("svr_pending")
    token = _token_in("svr_issued", "lee@harbour.test")

    page = client.get(_page(token)).text
    css = client.get(reverse("svr_link:branding_css", args=[token]))

    assert "Harbour IT" in page
    assert reverse("svr_link:branding_css", args=[token]) in page
    assert "--brand: #004466" in css.text
    assert css["Cache-Control"] == "no-store"


def test_guessing_links_is_locked_out_for_the_cool_off(world, lee, client, settings):
    settings.SVR_LINK_FAILURE_LIMIT = 3
    ticket = world.ticket_at("svr_pending")
    token = _token_in("svr_issued", "lee@harbour.test")

    guesses = [client.get(_page(f"{n}" * 43)).status_code for n in range(3)]
    refused = client.get(_page(token))
    elsewhere = client.get(_page(token), REMOTE_ADDR="198.51.100.4")

    assert guesses == [404, 404, 404]
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert ticket.reference not in refused.text
    assert elsewhere.status_code == 200
    with time_machine.travel(clock.now() + settings.AXES_COOLOFF_TIME):
        assert client.get(_page(token)).status_code == 200


def test_the_reminder_carries_a_fresh_link(world, lee, client):
    world.harbour.svr_reminder_days = 1
    world.harbour.save()
    ticket = world.ticket_at("svr_pending")
    svr = ticket.svrs.get()
    first = _token_in("svr_issued", "lee@harbour.test")

    followups.sweep(now=svr.reminder_due_at)

    second = _token_in("svr_reminder", "lee@harbour.test")
    assert second and second != first
    assert client.get(_page(second)).status_code == 200
    assert SvrDecisionLink.objects.filter(contact=lee, svr=svr).count() == 2
