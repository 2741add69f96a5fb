import pytest
from django.urls import reverse

from tests.fixtures import PASSWORD

STAFF = ["olivia", "sam", "alex", "ada"]


def test_it_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get(reverse("console:ticket_list"))

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/console/"


@pytest.mark.parametrize("who", STAFF)
def test_it_shows_the_queue_to_every_staff_role(world, login, who):
    response = login(getattr(world, who)).get(reverse("console:ticket_list"))

    assert response.status_code == 200
    assert b"<h1>Tickets</h1>" in response.content


def test_it_hides_the_console_from_client_users(world, login):
    ticket = world.raise_ticket()
    client = login(world.harry)

    assert client.get(reverse("console:ticket_list")).status_code == 404
    detail = reverse("console:ticket_detail", args=[ticket.number])
    assert client.get(detail).status_code == 404


@pytest.mark.parametrize(
    ("who", "home"),
    [("olivia", "/console/"), ("alex", "/console/"), ("harry", "/portal/")],
)
def test_it_sends_each_role_to_its_own_home(world, login, who, home):
    response = login(getattr(world, who)).get("/")

    assert response.status_code == 302
    assert response["Location"] == home


def test_it_renders_a_login_form_with_labelled_inputs(client):
    response = client.get(reverse("login"))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_username">' in html
    assert '<label for="id_password">' in html
    assert "Log out" not in html


def test_it_logs_a_persona_in_and_out(world, client):
    response = client.post(
        reverse("login"), {"username": "olivia", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/console/"
    assert "Olivia" in response.content.decode()
    assert "Operations" in response.content.decode()

    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("console:ticket_list")).status_code == 302


def test_it_says_so_when_the_password_is_wrong(world, client):
    response = client.post(
        reverse("login"), {"username": "olivia", "password": "not-it"}
    )

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_it_puts_the_logout_button_in_a_post_form(world, login):
    html = login(world.sam).get(reverse("console:ticket_list")).content.decode()

    assert '<form method="post" action="/logout/">' in html
    assert 'type="submit" class="button button--header">Log out</button>' in html
