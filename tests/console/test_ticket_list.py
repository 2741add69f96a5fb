import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stratadesk.console import views

URL = reverse("console:ticket_list")

# The view needs five (two filter menus, the count, the page, its SLA clocks); the
# session and user lookups, the two-factor device check, the bell's unread count and
# the session save take the rest.
LIST_QUERY_CEILING = 12


def _outback_ticket(world, title="Conveyor belt sensor fault"):
    return world.raise_ticket(
        by=world.oscar,
        client=world.outback,
        requester=world.oscar_contact,
        title=title,
    )


def _assigned(world, ticket, engineer, priority="P2"):
    world.move(ticket, "triage", world.olivia)
    ticket.refresh_from_db()
    data = {"priority": priority, "category": world.category.pk}
    return world.move(ticket, "assign", world.olivia, assignee=engineer.pk, **data)


def _numbers(response):
    return [ticket.number for ticket in response.context["page"]]


def test_it_lists_tickets_with_number_title_client_priority_stage_assignee(
    world, login
):
    ticket = _assigned(world, world.raise_ticket(), world.sam)

    html = login(world.olivia).get(URL).content.decode()

    assert f">{ticket.reference}</a>" in html
    assert "Printer on level 3 jams" in html
    assert "Harbour Legal" in html
    assert "P2 High" in html
    assert "Assigned" in html
    assert "Sam" in html


def test_it_filters_by_stage(world, login):
    at_request = world.raise_ticket()
    in_triage = world.move(world.raise_ticket(), "triage", world.olivia)

    response = login(world.olivia).get(URL, {"stage": "triage"})

    assert _numbers(response) == [in_triage.number]
    assert at_request.number not in _numbers(response)


def test_it_filters_by_client(world, login):
    world.raise_ticket()
    outback = _outback_ticket(world)

    response = login(world.olivia).get(URL, {"client": world.outback.pk})

    assert _numbers(response) == [outback.number]


def test_it_filters_by_priority(world, login):
    urgent = _assigned(world, world.raise_ticket(), world.sam, priority="P1")
    _assigned(world, world.raise_ticket(), world.sam, priority="P4")

    response = login(world.olivia).get(URL, {"priority": "P1"})

    assert _numbers(response) == [urgent.number]


def test_it_filters_by_me_as_assignee(world, login):
    mine = _assigned(world, world.raise_ticket(), world.sam)
    _assigned(world, world.raise_ticket(), world.sasha)
    world.raise_ticket()

    response = login(world.sam).get(URL, {"assignee": "me"})

    assert _numbers(response) == [mine.number]


def test_it_filters_by_a_named_assignee_and_by_unassigned(world, login):
    sashas = _assigned(world, world.raise_ticket(), world.sasha)
    nobodys = world.raise_ticket()
    client = login(world.olivia)

    assert _numbers(client.get(URL, {"assignee": world.sasha.pk})) == [sashas.number]
    assert _numbers(client.get(URL, {"assignee": "none"})) == [nobodys.number]


@pytest.mark.parametrize("query", ["T-{n}", "t-{n}", "{n}"])
def test_it_finds_a_ticket_by_its_number(world, login, query):
    wanted = world.raise_ticket(title="Wi-Fi drops in boardroom")
    world.raise_ticket()

    response = login(world.olivia).get(URL, {"q": query.format(n=wanted.number)})

    assert _numbers(response) == [wanted.number]


def test_it_searches_titles_without_regard_to_case(world, login):
    wanted = world.raise_ticket(title="Wi-Fi drops in boardroom")
    world.raise_ticket()

    response = login(world.olivia).get(URL, {"q": "BOARDROOM"})

    assert _numbers(response) == [wanted.number]


def test_it_ignores_an_invalid_filter_and_says_so(world, login):
    ticket = world.raise_ticket()

    response = login(world.olivia).get(URL, {"stage": "limbo"})

    assert _numbers(response) == [ticket.number]
    assert "Select a valid choice" in response.content.decode()


def test_it_shows_accounts_only_closed_tickets(world, login):
    closed = world.ticket_at("closed")
    world.ticket_at("in_progress")

    response = login(world.alex).get(URL)

    assert _numbers(response) == [closed.number]


def test_it_pages_the_queue(world, login, monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 2)
    tickets = [world.raise_ticket(title=f"Ticket {i}") for i in range(3)]
    client = login(world.olivia)

    first = client.get(URL, {"stage": "request"})
    second = client.get(URL, {"stage": "request", "page": 2})

    assert len(first.context["page"]) == 2
    assert _numbers(second) == [tickets[0].number]
    assert "?stage=request&amp;page=2" in first.content.decode()


def test_it_pages_fifty_tickets_at_a_time():
    assert views.PER_PAGE == 50


def _mixed_tickets(world, count):
    engineers = [world.sam, world.sasha]
    for i in range(count):
        ticket = world.raise_ticket() if i % 2 else _outback_ticket(world)
        _assigned(world, ticket, engineers[i % 2])


def test_it_keeps_the_list_query_count_flat_as_tickets_grow(
    world, login, django_assert_max_num_queries
):
    client = login(world.olivia)
    _mixed_tickets(world, 2)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)

    _mixed_tickets(world, 18)
    with django_assert_max_num_queries(len(few)):
        response = client.get(URL)

    assert len(response.context["page"]) == 20
    assert len(few) <= LIST_QUERY_CEILING


def test_it_uses_the_visible_tickets_selector(world, login, monkeypatch):
    calls = []
    real = views.selectors.visible_tickets

    def spy(user):
        calls.append(user)
        return real(user)

    monkeypatch.setattr(views.selectors, "visible_tickets", spy)
    login(world.olivia).get(URL)

    assert calls == [world.olivia]
