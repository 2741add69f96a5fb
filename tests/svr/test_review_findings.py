"""Cases a review found: each held wrong once and is pinned here."""

import unicodedata
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from stratadesk.clients.models import PortalBranding
from stratadesk.core import pdf
from stratadesk.core.models import AuditEvent
from stratadesk.sla import services as sla
from stratadesk.svr import documents, followups
from stratadesk.svr.models import SvrStatus
from stratadesk.tickets import services
from stratadesk.tickets.models import Stage, Ticket
from tests.fixtures import actor, make_contact, make_user
from tests.notifications.support import emails_queued

SYDNEY = ZoneInfo("Australia/Sydney")


def _sign(ticket, who, name, **extra):
    ticket.refresh_from_db()
    return services.transition(
        actor(who),
        ticket,
        "approve_svr",
        {"typed_name": name, "declaration": True, **extra},
    )


def test_the_kept_document_is_signed_whatever_the_template_renders_later(
    world, monkeypatch
):
    ticket = world.ticket_at("svr_pending")
    svr = ticket.svrs.get()
    monkeypatch.setattr(documents, "document_html", lambda svr: "<p>changed</p>")

    _sign(ticket, world.hannah, "Hannah Approver", document_hash=svr.document_hash)

    ticket.refresh_from_db()
    assert ticket.stage == Stage.CLOSED
    assert svr.approvals.get().document_hash == svr.document_hash
    assert "Printer on level 3 jams" in documents.shown(svr)


def test_the_signature_ip_is_the_one_the_trusted_proxy_vouches_for(
    world, client, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    ticket = world.ticket_at("svr_pending")
    client.force_login(world.hannah)

    client.post(
        reverse("portal:svr_decide", args=[ticket.number, "approve_svr"]),
        {
            "version": ticket.version,
            "approve_svr-typed_name": "Hannah Approver",
            "approve_svr-declaration": "on",
            "approve_svr-document_hash": ticket.svrs.get().document_hash,
        },
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )

    assert ticket.svrs.get().approvals.get().ip == "203.0.113.7"


def test_every_approver_left_having_signed_closes_it(world):
    holly = make_user("holly", "client", client=world.harbour)
    holly_contact = make_contact(
        world.harbour,
        "Holly Second",
        "holly@harbour.test",
        user=holly,
        is_approver=True,
    )
    world.harbour.svr_approval_rule = "all"
    world.harbour.save()
    ticket = world.ticket_at("svr_pending")
    _sign(ticket, world.hannah, "Hannah Approver")
    holly_contact.is_active = False
    holly_contact.save()

    done = followups.sweep()

    ticket.refresh_from_db()
    assert done["completed"] == 1
    assert ticket.stage == Stage.CLOSED
    assert ticket.svrs.get().status == SvrStatus.APPROVED


def test_the_rule_is_the_one_the_report_was_issued_under(world):
    make_contact(world.harbour, "Holly Second", "holly@harbour.test", is_approver=True)
    ticket = world.ticket_at("svr_pending")
    world.harbour.svr_approval_rule = "all"
    world.harbour.save()

    _sign(ticket, world.hannah, "Hannah Approver")

    ticket.refresh_from_db()
    assert ticket.stage == Stage.CLOSED


def test_no_reminder_goes_out_in_the_sweep_that_approves_it(world):
    world.harbour.svr_reminder_days = 1
    world.harbour.svr_auto_approve_days = 2
    world.harbour.save()
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=SYDNEY), tick=False) as t:
        world.ticket_at("svr_pending")
        t.move_to(datetime(2026, 3, 10, 10, tzinfo=SYDNEY))
        done = followups.sweep()

    assert (done["auto_approved"], done["reminded"]) == (1, 0)
    assert emails_queued("svr_reminder") == []


def test_a_reminder_cannot_come_after_auto_approval(world):
    world.harbour.svr_reminder_days = 3
    world.harbour.svr_auto_approve_days = 3

    with pytest.raises(ValidationError):
        world.harbour.full_clean()


def test_an_inactive_client_is_neither_reminded_nor_approved_for(world):
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=SYDNEY), tick=False) as t:
        ticket = world.ticket_at("svr_pending")
        world.harbour.is_active = False
        world.harbour.save()
        t.move_to(datetime(2026, 4, 1, tzinfo=SYDNEY))
        done = followups.sweep()

    assert done == {"reminded": 0, "auto_approved": 0, "completed": 0}
    assert Ticket.objects.get(pk=ticket.pk).stage == Stage.SVR_PENDING


def test_the_fallback_business_day_is_the_clients_own(world):
    perth = sla.business_calendar_for(world.outback)

    assert perth.timezone == "Australia/Perth"


@pytest.mark.parametrize(
    "typed",
    [unicodedata.normalize("NFD", "Zoë O\u2019Brien"), "zoë o'brien", " Zoë  O'Brien "],
)
def test_a_name_typed_on_a_phone_matches(world, typed):
    world.hannah_contact.name = "Zoë O'Brien"
    world.hannah_contact.save()
    ticket = world.ticket_at("svr_pending")

    _sign(ticket, world.hannah, typed)

    ticket.refresh_from_db()
    assert ticket.stage == Stage.CLOSED


def test_a_second_click_on_approve_says_it_is_decided(world, client):
    ticket = world.ticket_at("svr_pending")
    client.force_login(world.hannah)
    url = reverse("portal:svr_decide", args=[ticket.number, "approve_svr"])
    data = {
        "version": ticket.version,
        "approve_svr-typed_name": "Hannah Approver",
        "approve_svr-declaration": "on",
        "approve_svr-document_hash": ticket.svrs.get().document_hash,
    }

    client.post(url, data)
    again = client.post(url, data, follow=True)

    assert again.status_code == 200
    assert "This report has already been decided." in again.text


def test_an_htmx_refresh_after_the_session_ends_reloads_the_page(client):
    response = client.get(reverse("portal:ticket_list"), headers={"HX-Request": "true"})

    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("portal:login")


def test_the_list_varies_on_htmx_and_is_not_cached(world, client):
    client.force_login(world.hannah)

    response = client.get(reverse("portal:ticket_list"))

    assert "HX-Request" in response["Vary"]
    assert "no-cache" in response["Cache-Control"]


def test_a_brand_colour_must_read_on_the_page_background_too(world):
    branding = PortalBranding(
        client=world.harbour, portal_name="Harbour", brand_colour="#767676"
    )

    with pytest.raises(ValidationError):
        branding.full_clean()


def test_the_pdf_renderer_fetches_nothing_from_the_network():
    with pytest.raises(ValueError):
        pdf.local_only("http://127.0.0.1:9/probe")


def test_a_refused_file_leaves_no_accepted_one_on_disk(
    world, client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.harry)
    good = SimpleUploadedFile("good.txt", b"fine", content_type="text/plain")
    bad = SimpleUploadedFile(
        "bad.exe", b"MZ\x90\x00", content_type="application/x-msdos"
    )

    response = client.post(
        reverse("portal:ticket_create"),
        {"title": "Jams", "description": "Files.", "files": [good, bad]},
    )

    assert response.status_code == 422
    assert "bad.exe" in response.text
    assert not list(tmp_path.rglob("good*"))


def test_the_client_timeline_tells_the_svr_story(world, client):
    ticket = world.ticket_at("svr_pending")
    world.move(ticket, "reject_svr", world.hannah, reason="Tray 2 still jams.")
    client.force_login(world.hannah)

    page = client.get(reverse("portal:ticket_detail", args=[ticket.number])).text

    assert "Service Verification Report version 1 issued for approval" in page
    assert "Service Verification Report version 1 rejected: Tray 2 still jams." in page
    assert AuditEvent.objects.filter(action="ticket.transitioned").exists()


def test_a_perth_clients_approvers_read_perth_times(world):
    from stratadesk.notifications.models import EmailDelivery

    world.outback.svr_auto_approve_days = 3
    world.outback.save()
    ticket = world.raise_ticket(
        client=world.outback, requester=world.oscar_contact, by=world.oscar
    )
    for name, who, data in [
        ("triage", world.olivia, {}),
        (
            "assign",
            world.olivia,
            {"priority": "P3", "category": world.category.pk, "assignee": world.sam.pk},
        ),
        ("start", world.sam, {}),
        (
            "resolve",
            world.sam,
            {
                "resolution_summary": "Done.",
                "not_billable": True,
                "not_billable_reason": "Warranty.",
            },
        ),
        ("issue_svr", world.sam, {"work_summary": "Done."}),
    ]:
        ticket = world.move(ticket, name, who, **data)

    [email] = EmailDelivery.objects.filter(template="svr_issued")
    assert "AWST" in email.body_text
