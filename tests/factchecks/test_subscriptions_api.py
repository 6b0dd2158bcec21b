"""Feed subscriptions through the API: editors subscribe, change, pause, delete and refresh
feeds; everyone else is refused; bad input is a 400 (a URL subscribed twice a 409) saying
what to change, with nothing written; a refresh is queued once the request commits."""

import base64
import json
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from factchecks.models import FactCheck, FeedSubscription, ImportRun

from .test_subscriptions import feed_of, reviews, serve_feed

pytestmark = pytest.mark.django_db

SUBSCRIPTIONS = "/api/v1/factchecks/subscriptions/"
FIELDS = {
    "id",
    "name",
    "url",
    "publisher_name",
    "is_active",
    "refresh_every_minutes",
    "next_refresh_at",
    "last_refreshed_at",
    "last_outcome",
    "last_error",
    "consecutive_failures",
    "created_at",
    "updated_at",
}


def detail(subscription_id: int) -> str:
    return f"{SUBSCRIPTIONS}{subscription_id}/"


@pytest.fixture
def feed_url(local_web) -> str:
    """A feed on the local server, which the fetcher may read in these tests."""
    return local_web.url_for("/claimreview-feed.json")


@pytest.fixture
def subscribed(api_as, erin, feed_url) -> dict:
    response = api_as(erin).post(
        SUBSCRIPTIONS, {"name": "Example checks", "url": feed_url}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def broker():
    """The test broker, emptied before and after."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.flushdb()
    yield client
    client.flushdb()


def queued_tasks(broker) -> list[tuple[str, list]]:
    """(task name, positional arguments) of each message waiting in the default queue."""
    tasks = []
    for raw in broker.lrange("celery", 0, -1):
        message = json.loads(raw)
        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        tasks.append((message["headers"]["task"], args))
    return tasks


def test_an_editor_subscribes_to_a_feed_and_reads_it_back(api_as, erin, feed_url):
    response = api_as(erin).post(
        SUBSCRIPTIONS,
        {
            "name": "  Example checks ",
            "url": feed_url,
            "publisher_name": "Example Checks",
            "refresh_every_minutes": 30,
        },
        format="json",
    )

    assert response.status_code == 201
    created = response.json()
    assert response["Location"] == detail(created["id"])
    assert set(created) == FIELDS
    assert created | {"id": 0, "created_at": "", "updated_at": ""} == {
        "id": 0,
        "name": "Example checks",
        "url": feed_url,
        "publisher_name": "Example Checks",
        "is_active": True,
        "refresh_every_minutes": 30,
        "next_refresh_at": None,
        "last_refreshed_at": None,
        "last_outcome": "",
        "last_error": "",
        "consecutive_failures": 0,
        "created_at": "",
        "updated_at": "",
    }
    listed = api_as(erin).get(SUBSCRIPTIONS).json()
    assert (listed["count"], listed["results"]) == (1, [created])
    assert api_as(erin).get(detail(created["id"])).json() == created


def test_the_list_is_by_name_in_pages(api_as, erin, local_web):
    for name in ("Zeta checks", "Alpha checks", "Mid checks"):
        api_as(erin).post(
            SUBSCRIPTIONS,
            {"name": name, "url": local_web.url_for(f"/{name[0]}.json")},
            format="json",
        )

    page = api_as(erin).get(SUBSCRIPTIONS, {"page_size": 2}).json()

    assert page["count"] == 3 and page["next"]
    assert [item["name"] for item in page["results"]] == ["Alpha checks", "Mid checks"]
    assert FeedSubscription.objects.first().refresh_every_minutes == 360


@pytest.mark.parametrize("persona", ["alice", "newsbot", "mallory"])
def test_only_editors_may_see_or_change_subscriptions(
    api_as, persona, request, subscribed, feed_url
):
    client = api_as(request.getfixturevalue(persona))
    one = detail(subscribed["id"])

    answers = [
        client.get(SUBSCRIPTIONS),
        client.post(SUBSCRIPTIONS, {"name": "Mine", "url": feed_url + "?2"}, format="json"),
        client.get(one),
        client.patch(one, {"is_active": False}, format="json"),
        client.delete(one),
        client.post(f"{one}refresh/"),
    ]

    for answer in answers:
        assert answer.status_code == 403
        assert answer.json()["error"]["message"].startswith(
            "Only editors may read or change feed subscriptions;"
        )
    subscription = FeedSubscription.objects.get()
    assert (subscription.is_active, subscription.next_refresh_at) == (True, None)


def test_subscriptions_need_credentials(client, subscribed):
    assert client.get(SUBSCRIPTIONS).status_code == 401
    assert client.post(f"{detail(subscribed['id'])}refresh/").status_code == 401


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "name: This field is required. url: This field is required."),
        ({"name": "Feed", "url": "ftp://feeds.example.org/x"}, "url:"),
        ({"name": "Feed", "url": "not a url"}, "url:"),
        (
            {"name": "Feed", "url": "http://10.0.0.1/feed.json"},
            "10.0.0.1, which is a private network address",
        ),
        ({"name": "Feed", "url": "http://127.0.0.1:8/feed.json"}, "port 8 is not one"),
        (
            {"name": "   ", "url": "http://feeds.example.org/x"},
            "name: This field may not be blank.",
        ),
        (
            {"name": "Feed", "url": "http://feeds.example.org/x", "refresh_every_minutes": 4},
            "refresh_every_minutes: Ensure this value is greater than or equal to 5.",
        ),
        (
            {"name": "Feed", "url": "http://feeds.example.org/x", "refresh_every_minutes": 10**9},
            "refresh_every_minutes: Ensure this value is less than or equal to 43200.",
        ),
        (
            {"name": "Feed", "url": "http://feeds.example.org/x", "refresh_every_minutes": "x"},
            "refresh_every_minutes: Must be a whole number, not str.",
        ),
        (
            {"name": "Feed", "url": "http://feeds.example.org/x", "last_outcome": "succeeded"},
            "last_outcome: This field cannot be set here",
        ),
        ({"name": 5, "url": "http://feeds.example.org/x"}, "name: Must be a string, not int."),
    ],
)
def test_a_subscription_that_could_never_be_read_is_refused_saying_why(api_as, erin, body, message):
    response = api_as(erin).post(SUBSCRIPTIONS, body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_input"
    assert message in response.json()["error"]["message"]
    assert not FeedSubscription.objects.exists()


def test_a_feed_subscribed_twice_is_refused_naming_the_first(api_as, erin, subscribed, feed_url):
    response = api_as(erin).post(
        SUBSCRIPTIONS, {"name": "Again", "url": f"  {feed_url}"}, format="json"
    )

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "already_subscribed"
    assert error["message"] == (
        f"{feed_url} is subscribed already, as 'Example checks' (subscription "
        f"{subscribed['id']}): change that one (PATCH "
        f"/api/v1/factchecks/subscriptions/{subscribed['id']}/) instead."
    )
    assert error["details"] == {"subscription": subscribed["id"]}
    assert FeedSubscription.objects.count() == 1


def test_moving_a_subscription_onto_another_ones_feed_is_refused(
    api_as, erin, subscribed, feed_url, local_web
):
    other = api_as(erin).post(
        SUBSCRIPTIONS, {"name": "Other", "url": local_web.url_for("/other.json")}, format="json"
    )

    response = api_as(erin).patch(detail(other.json()["id"]), {"url": feed_url}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_subscribed"
    assert FeedSubscription.objects.get(pk=other.json()["id"]).url.endswith("/other.json")


def test_an_editor_changes_a_subscription_and_the_schedule_follows(
    api_as, erin, subscribed, local_web
):
    refreshed_at = timezone.now() - timedelta(minutes=20)
    FeedSubscription.objects.update(
        last_refreshed_at=refreshed_at,
        next_refresh_at=refreshed_at + timedelta(minutes=360),
        consecutive_failures=2,
    )
    one = detail(subscribed["id"])

    shorter = api_as(erin).patch(
        one, {"name": "Renamed", "refresh_every_minutes": 15, "is_active": False}, format="json"
    )

    assert shorter.status_code == 200
    body = shorter.json()
    assert (body["name"], body["refresh_every_minutes"], body["is_active"]) == (
        "Renamed",
        15,
        False,
    )
    stored = FeedSubscription.objects.get()
    assert stored.next_refresh_at == refreshed_at + timedelta(minutes=15)
    assert api_as(erin).get(one).json() == body

    moved = api_as(erin).patch(one, {"url": local_web.url_for("/new.json")}, format="json")

    assert moved.status_code == 200
    assert moved.json()["url"].endswith("/new.json")
    assert (moved.json()["next_refresh_at"], moved.json()["consecutive_failures"]) == (None, 0)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"refresh_every_minutes": 1}, "greater than or equal to 5"),
        ({"url": "http://192.168.1.1/feed.json"}, "private network address"),
        ({"name": ""}, "name: This field may not be blank."),
        ({"consecutive_failures": 0}, "consecutive_failures: This field cannot be set here"),
        ({"is_active": "false"}, "is_active: Must be true or false, not str."),
        ({"is_active": 0}, "is_active: Must be true or false, not int."),
        ({"refresh_every_minutes": True}, "refresh_every_minutes: Must be a whole number"),
        ({"refresh_every_minutes": 30.5}, "refresh_every_minutes: A valid integer is required."),
    ],
)
def test_a_bad_change_is_refused_and_nothing_changes(api_as, erin, subscribed, body, message):
    response = api_as(erin).patch(detail(subscribed["id"]), body, format="json")

    assert response.status_code == 400
    assert message in response.json()["error"]["message"]
    assert api_as(erin).get(detail(subscribed["id"])).json() == subscribed


def test_an_unknown_subscription_is_not_found(api_as, erin):
    for answer in (
        api_as(erin).get(detail(999999)),
        api_as(erin).patch(detail(999999), {"name": "x"}, format="json"),
        api_as(erin).delete(detail(999999)),
        api_as(erin).post(f"{detail(999999)}refresh/"),
    ):
        assert answer.status_code == 404
        assert answer.json()["error"]["code"] == "not_found"


def test_a_refresh_is_queued_for_a_worker_once_the_request_commits(
    api_as, erin, subscribed, broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api_as(erin).post(f"{detail(subscribed['id'])}refresh/")

    assert response.status_code == 202
    assert queued_tasks(broker) == []  # nothing is sent before the commit
    for callback in callbacks:
        callback()
    assert queued_tasks(broker) == [("factchecks.tasks.refresh_subscription", [subscribed["id"]])]
    # Held back from beat's sweep while the worker reads it.
    next_refresh = FeedSubscription.objects.get().next_refresh_at
    assert next_refresh > timezone.now() + timedelta(minutes=10)
    assert response.json()["next_refresh_at"] is not None


def test_a_paused_feed_is_not_refreshed(api_as, erin, subscribed, broker):
    api_as(erin).patch(detail(subscribed["id"]), {"is_active": False}, format="json")

    response = api_as(erin).post(f"{detail(subscribed['id'])}refresh/")

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "subscription_paused"
    assert "set is_active to true" in error["message"]
    assert queued_tasks(broker) == []


def test_in_process_a_refresh_reads_the_feed_at_once_and_deleting_keeps_its_fact_checks(
    api_as, erin, subscribed, local_web, tasks_in_process, django_capture_on_commit_callbacks
):
    serve_feed(local_web, feed_of(*reviews(2)))

    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(erin).post(f"{detail(subscribed['id'])}refresh/")

    assert response.status_code == 202
    refreshed = api_as(erin).get(detail(subscribed["id"])).json()
    assert (refreshed["last_outcome"], refreshed["last_error"]) == ("succeeded", "")
    assert FactCheck.objects.filter(subscription_id=subscribed["id"]).count() == 2

    deleted = api_as(erin).delete(detail(subscribed["id"]))

    assert deleted.status_code == 204
    assert api_as(erin).get(detail(subscribed["id"])).status_code == 404
    assert not FeedSubscription.objects.exists()
    assert FactCheck.objects.filter(source="subscription", subscription=None).count() == 2
    assert ImportRun.objects.get().imported == 2
