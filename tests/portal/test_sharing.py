"""The organisation setting "contacts see all company tickets"."""

from django.urls import reverse


def _detail(ticket):
    return reverse("portal:ticket_detail", args=[ticket.number])


def _share(world, on):
    world.harbour.contacts_see_all_tickets = on
    world.harbour.save()


def test_it_shows_a_colleagues_ticket_when_sharing_is_on(world, login):
    _share(world, True)
    ticket = world.raise_ticket(by=world.harry)

    response = login(world.hannah).get(_detail(ticket))

    assert response.status_code == 200


def test_it_hides_a_colleagues_ticket_when_sharing_is_off(world, login):
    _share(world, False)
    ticket = world.raise_ticket(by=world.harry, title="Salary review spreadsheet")
    client = login(world.hannah)

    detail = client.get(_detail(ticket))
    listing = client.get(reverse("portal:ticket_list"))

    assert detail.status_code == 404
    assert "Salary review spreadsheet" not in listing.text


def test_it_lets_an_approver_read_a_ticket_whose_svr_they_must_approve(world, login):
    _share(world, False)
    ticket = world.ticket_at("svr_pending")  # raised by Harry; Hannah approves

    response = login(world.hannah).get(_detail(ticket))

    assert response.status_code == 200
    assert ticket.title in response.text


def test_it_hides_another_organisations_ticket_whatever_the_sharing(world, login):
    ticket = world.raise_ticket()
    for on in (True, False):
        _share(world, on)

        response = login(world.oscar).get(_detail(ticket))

        assert response.status_code == 404
