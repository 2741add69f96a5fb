import re

import pytest
from django.urls import reverse
from django.utils.timezone import localtime

URL = reverse("portal:ticket_list")


def _outback_ticket(world):
    return world.raise_ticket(
        by=world.oscar,
        client=world.outback,
        requester=world.oscar_contact,
        title="Conveyor belt sensor fault",
    )


def test_it_sends_anonymous_visitors_to_the_portal_login_page(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == "/portal/login/?next=/portal/"


@pytest.mark.parametrize("who", ["olivia", "sam", "alex", "ada"])
def test_it_hides_the_portal_from_staff(world, login, who):
    ticket = world.raise_ticket()
    client = login(getattr(world, who))

    assert client.get(URL).status_code == 404
    detail = reverse("portal:ticket_detail", args=[ticket.number])
    assert client.get(detail).status_code == 404
    assert client.get(reverse("portal:ticket_create")).status_code == 404


def test_it_lists_only_the_organisations_own_tickets(world, login):
    ours = world.raise_ticket(title="Scanner offline")
    _outback_ticket(world)

    response = login(world.hannah).get(URL)

    html = response.content.decode()
    assert [t.number for t in response.context["page"]] == [ours.number]
    assert "Scanner offline" in html
    assert "Conveyor belt sensor fault" not in html
    assert "Request" in html


def test_it_answers_another_organisations_ticket_like_a_missing_one(world, login):
    theirs = _outback_ticket(world)
    client = login(world.harry)

    foreign = client.get(reverse("portal:ticket_detail", args=[theirs.number]))
    missing = client.get(reverse("portal:ticket_detail", args=[999999]))

    assert foreign.status_code == missing.status_code == 404
    assert _without_csrf(foreign.text) == _without_csrf(missing.text)


def _without_csrf(html):
    # The logout form's token and the script nonce change per response; nothing
    # else may differ.
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'nonce="[^"]+"', "", html)


def test_it_lists_only_a_contacts_own_tickets_where_the_client_says_so(world, login):
    world.harbour.contacts_see_all_tickets = False
    world.harbour.save()
    harrys = world.raise_ticket()
    hannahs = world.raise_ticket(
        by=world.hannah, requester=world.hannah_contact, title="Desk phone dead"
    )

    response = login(world.hannah).get(URL)

    assert [t.number for t in response.context["page"]] == [hannahs.number]
    detail = reverse("portal:ticket_detail", args=[harrys.number])
    assert login(world.hannah).get(detail).status_code == 404


def test_it_shows_the_stage_and_last_update(world, login):
    ticket = world.ticket_at("in_progress")

    html = login(world.harry).get(URL).content.decode()

    assert '<span class="stage stage--in_progress">In Progress</span>' in html
    assert f'<time datetime="{localtime(ticket.updated_at).isoformat()}">' in html


def test_it_shows_the_client_portal_navigation(world, login):
    html = login(world.harry).get(URL).content.decode()

    assert 'href="/portal/tickets/new/"' in html
    assert "Client, Harbour Legal" in html
    assert "/console/" not in html
