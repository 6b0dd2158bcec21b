"""A person's notifications: told about their own work once it is committed (a verdict
returned, approved or corrected, a claim assigned, a mention in a note, a lease about to run
out), listed newest first, marked read one by one or all at once, counted in every page's
header.

alice and bob check facts, erin and fiona edit, newsbot is an API client, mallory holds no
role.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.db.models.functions import Now
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from accounts.services import user_upsert
from factcheck.errors import StaleVersion
from notifications import tasks
from reviews import services
from reviews.models import Claim
from tests.conftest import client_for, signed_in_client
from tests.factories import (
    VERDICT,
    claim_queued,
    claim_taken,
    verdict_published,
    verdict_submitted,
)

pytestmark = pytest.mark.django_db

COMMENT = "Say where the monitors' count comes from."
LIST = "/api/v1/notifications/"


def notifications_of(user, **query) -> list[dict]:
    response = client_for(user).get(LIST, query)
    assert response.status_code == 200, response.json()
    return response.json()["results"]


def kinds_of(user) -> list[str]:
    return [notification["kind"] for notification in notifications_of(user)]


def lease_ends_in(claim_id: int, delta: timedelta) -> None:
    """Move the lease's end to `delta` from now on the database clock (no sleeping)."""
    Claim.objects.filter(pk=claim_id).update(lease_expires_at=Now() + delta)


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the signals' receivers) as the block ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


# --- what each person is told -----------------------------------------------------------------


def test_the_author_is_told_their_verdict_was_returned_with_the_comment(
    alice, bob, erin, on_commit
):
    verdict = verdict_submitted(author=alice)

    with on_commit():
        services.verdict_return(
            verdict=verdict, by=erin, expected_version=verdict.version, comment=COMMENT
        )

    (told,) = notifications_of(alice)
    assert told["kind"] == "verdict_returned"
    assert told["actor"] == "erin"
    assert told["detail"] == COMMENT
    assert VERDICT["headline"] in told["message"]
    assert told["claim"] == verdict.claim_id and told["verdict"] == verdict.pk
    assert told["url"] == reverse("claim-workspace", args=[verdict.claim_id]) + "#returned"
    assert told["unread"] is True and told["read_at"] is None
    assert notifications_of(bob) == [] and notifications_of(erin) == []


def test_a_return_that_is_refused_tells_nobody(alice, erin, on_commit):
    verdict = verdict_submitted(author=alice)

    with on_commit(), pytest.raises(StaleVersion):
        services.verdict_return(
            verdict=verdict, by=erin, expected_version=verdict.version + 5, comment=COMMENT
        )

    assert notifications_of(alice) == []


def test_the_author_is_told_their_verdict_was_approved(alice, fiona, on_commit):
    with on_commit():
        verdict = verdict_published(author=alice, editor=fiona, comment="Clear and well sourced.")

    (told,) = notifications_of(alice)
    assert told["kind"] == "verdict_approved"
    assert told["actor"] == "fiona"
    assert told["detail"] == "Clear and well sourced."
    assert told["url"] == reverse("verdict-public", args=[verdict.pk])
    assert notifications_of(fiona) == []


def correction_approved(client_of_holder, *, claim_id: int, approver, on_commit):
    """The correction on the claim, edited and submitted by its holder, approved by
    `approver`."""
    etag = client_of_holder.get(f"/api/v1/claims/{claim_id}/verdict/")["ETag"]
    edited = client_of_holder.patch(
        f"/api/v1/claims/{claim_id}/verdict/",
        {"rating": "false", "headline": "Most strikes missed ISIL-held areas"},
        HTTP_IF_MATCH=etag,
    )
    submitted = client_of_holder.post(
        f"/api/v1/claims/{claim_id}/verdict/submit/", HTTP_IF_MATCH=edited["ETag"]
    )
    assert submitted.status_code == 200, submitted.json()
    with on_commit():
        approved = client_for(approver).post(
            f"/api/v1/claims/{claim_id}/verdict/approve/", {}, HTTP_IF_MATCH=submitted["ETag"]
        )
    assert approved.status_code == 200, approved.json()
    return approved.json()


def test_the_author_of_a_corrected_verdict_is_told_once(alice, erin, fiona, on_commit):
    published = verdict_published(author=alice, editor=fiona)
    opened = client_for(erin).post(
        f"/api/v1/claims/{published.claim_id}/verdict/correct/",
        {"comment": "The monitors revised their count."},
        format="json",
    )
    assert opened.status_code == 201, opened.json()

    correction = correction_approved(
        client_for(alice), claim_id=published.claim_id, approver=fiona, on_commit=on_commit
    )

    # alice wrote the correction too: she is told once, that her verdict was corrected.
    (told,) = notifications_of(alice)
    assert told["kind"] == "verdict_corrected"
    assert told["detail"] == "The monitors revised their count."
    assert told["actor"] == "fiona"
    assert VERDICT["headline"] in told["message"]
    assert told["url"] == reverse("verdict-public", args=[correction["id"]])


def test_when_someone_else_wrote_the_correction_each_author_hears_their_part(
    alice, erin, fiona, on_commit
):
    published = verdict_published(author=alice, editor=fiona)
    # alice has left the desk: the editor opening the correction writes it.
    user_upsert(username="alice", role=Role.API_CLIENT)
    client_for(erin).post(
        f"/api/v1/claims/{published.claim_id}/verdict/correct/",
        {"comment": "The monitors revised their count."},
        format="json",
    )

    correction_approved(
        client_for(erin), claim_id=published.claim_id, approver=fiona, on_commit=on_commit
    )
    user_upsert(username="alice", role=Role.FACT_CHECKER)

    assert kinds_of(erin) == ["verdict_approved"]
    assert kinds_of(alice) == ["verdict_corrected"]


def test_the_holder_of_a_correction_is_told_it_was_opened_and_why(alice, erin, fiona, on_commit):
    published = verdict_published(author=alice, editor=fiona)

    with on_commit():
        opened = client_for(erin).post(
            f"/api/v1/claims/{published.claim_id}/verdict/correct/",
            {"comment": "The monitors revised their count."},
            format="json",
        )

    assert opened.status_code == 201, opened.json()
    (told,) = notifications_of(alice)
    assert told["kind"] == "correction_opened"
    assert told["actor"] == "erin"
    assert told["detail"] == "The monitors revised their count."
    assert told["url"] == reverse("claim-workspace", args=[published.claim_id]) + "#correction"
    # The editor who opened it holds nothing and is told nothing.
    assert kinds_of(erin) == []


def test_an_editor_holding_the_correction_they_opened_is_not_told(alice, erin, fiona, on_commit):
    published = verdict_published(author=alice, editor=fiona)
    # alice has left the desk: the editor opening the correction holds it.
    user_upsert(username="alice", role=Role.API_CLIENT)

    with on_commit():
        client_for(erin).post(
            f"/api/v1/claims/{published.claim_id}/verdict/correct/",
            {"comment": "The monitors revised their count."},
            format="json",
        )

    user_upsert(username="alice", role=Role.FACT_CHECKER)
    assert kinds_of(erin) == []
    assert kinds_of(alice) == []


def test_the_assignee_is_told_a_claim_was_assigned_to_them(bob, erin, on_commit):
    claim = claim_queued()

    with on_commit():
        assigned = client_for(erin).post(
            f"/api/v1/claims/{claim.pk}/assign/", {"user": "bob"}, format="json"
        )

    assert assigned.status_code == 200, assigned.json()
    (told,) = notifications_of(bob)
    assert told["kind"] == "claim_assigned"
    assert told["actor"] == "erin"
    assert told["url"] == reverse("claim-workspace", args=[claim.pk])
    assert notifications_of(erin) == []


def test_an_editor_taking_a_claim_for_themselves_is_not_told(erin, on_commit):
    claim = claim_queued()

    with on_commit():
        client_for(erin).post(f"/api/v1/claims/{claim.pk}/assign/", {"user": "erin"}, format="json")

    assert notifications_of(erin) == []


def test_the_people_a_note_mentions_are_told_with_the_note(alice, bob, erin, newsbot, on_commit):
    claim = claim_queued()
    text = "@bob @erin: the base year is 2015, not 2016. @nobody @newsbot @alice"

    with on_commit():
        written = client_for(alice).post(
            f"/api/v1/claims/{claim.pk}/notes/", {"text": text}, format="json"
        )

    assert written.status_code == 201
    for person in (bob, erin):
        (told,) = notifications_of(person)
        assert told["kind"] == "mentioned"
        assert told["actor"] == "alice"
        assert told["detail"] == text
        assert told["url"] == reverse("claim-workspace", args=[claim.pk]) + "#notes"
    assert notifications_of(alice) == []


def test_a_note_that_mentions_nobody_tells_nobody(alice, bob, on_commit):
    claim = claim_queued()

    with on_commit():
        client_for(alice).post(
            f"/api/v1/claims/{claim.pk}/notes/", {"text": "bob should see this"}, format="json"
        )

    assert notifications_of(bob) == []


# --- leases about to run out ------------------------------------------------------------------


def test_the_sweep_runs_every_minute():
    (entry,) = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "notifications.tasks.notify_leases_ending"
    ]
    assert entry["schedule"] == 60.0


def test_a_holder_is_told_once_that_their_lease_is_about_to_run_out(alice, bob):
    ending = claim_taken(reviewer=alice)
    lease_ends_in(ending.pk, timedelta(minutes=2))
    far = claim_taken(reviewer=bob)

    first = tasks.notify_leases_ending()
    again = tasks.notify_leases_ending()

    assert (first, again) == (1, 0)
    (told,) = notifications_of(alice)
    assert told["kind"] == "lease_ending"
    assert told["actor"] is None
    assert told["claim"] == ending.pk
    assert told["url"] == reverse("claim-workspace", args=[ending.pk]) + "#claim"
    assert "renew it" in told["message"]
    assert notifications_of(bob) == [] and far.assignee_id == bob.pk


def test_a_renewed_lease_is_a_new_lease_told_about_again(alice):
    claim = claim_taken(reviewer=alice)
    lease_ends_in(claim.pk, timedelta(minutes=2))
    tasks.notify_leases_ending()

    services.claim_renew(claim=claim, by=alice)
    nothing_yet = tasks.notify_leases_ending()
    lease_ends_in(claim.pk, timedelta(minutes=1))
    told_again = tasks.notify_leases_ending()

    assert (nothing_yet, told_again) == (0, 1)
    assert kinds_of(alice) == ["lease_ending", "lease_ending"]


def test_leases_already_run_out_or_given_back_are_not_told_about(alice, bob):
    lapsed = claim_taken(reviewer=alice)
    released = claim_taken(reviewer=bob)
    lease_ends_in(lapsed.pk, -timedelta(seconds=5))
    lease_ends_in(released.pk, timedelta(minutes=2))
    services.claim_release(claim=released, by=bob)

    assert tasks.notify_leases_ending() == 0
    assert notifications_of(alice) == [] and notifications_of(bob) == []


# --- reading them through the API ---------------------------------------------------------------


@pytest.fixture
def three_for_alice(alice, erin, on_commit):
    """Three notifications for alice: three notes mentioning her, oldest first."""
    claim = claim_queued()
    for number in range(3):
        with on_commit():
            client_for(erin).post(
                f"/api/v1/claims/{claim.pk}/notes/",
                {"text": f"@alice note {number}"},
                format="json",
            )
    return notifications_of(alice)


def test_notifications_are_listed_newest_first_and_paged(alice, three_for_alice):
    first_page = client_for(alice).get(LIST, {"page_size": 2}).json()
    second_page = client_for(alice).get(first_page["next"]).json()

    assert [n["detail"] for n in three_for_alice] == [
        "@alice note 2",
        "@alice note 1",
        "@alice note 0",
    ]
    assert first_page["count"] == 3
    assert [n["detail"] for n in first_page["results"] + second_page["results"]] == [
        n["detail"] for n in three_for_alice
    ]


def test_one_is_marked_read_and_the_unread_filter_leaves_it_out(alice, three_for_alice):
    newest = three_for_alice[0]

    marked = client_for(alice).post(f"{LIST}{newest['id']}/read/")
    again = client_for(alice).post(f"{LIST}{newest['id']}/read/")

    assert marked.status_code == 200
    assert marked.json()["unread"] is False and marked.json()["read_at"] is not None
    assert again.json()["read_at"] == marked.json()["read_at"]
    assert [n["id"] for n in notifications_of(alice, unread="true")] == [
        n["id"] for n in three_for_alice[1:]
    ]
    assert [n["id"] for n in notifications_of(alice, unread="false")] == [newest["id"]]


def test_all_are_marked_read_at_once(alice, three_for_alice):
    client_for(alice).post(f"{LIST}{three_for_alice[0]['id']}/read/")

    response = client_for(alice).post(f"{LIST}read-all/")

    assert response.status_code == 200
    assert response.json() == {"marked_read": 2}
    assert notifications_of(alice, unread="true") == []
    assert client_for(alice).post(f"{LIST}read-all/").json() == {"marked_read": 0}


def test_someone_elses_notification_is_not_found(alice, bob, three_for_alice):
    response = client_for(bob).post(f"{LIST}{three_for_alice[0]['id']}/read/")

    assert response.status_code == 404
    assert client_for(bob).post(f"{LIST}read-all/").json() == {"marked_read": 0}
    assert len(notifications_of(alice, unread="true")) == 3


@pytest.mark.parametrize("value", ["maybe", "1", ""])
def test_an_unread_filter_that_is_not_true_or_false_is_refused(alice, value):
    response = client_for(alice).get(LIST, {"unread": value})

    assert response.status_code == 400
    assert "unread" in response.json()["error"]["message"]


def test_marking_read_takes_no_fields(alice, three_for_alice):
    response = client_for(alice).post(
        f"{LIST}{three_for_alice[0]['id']}/read/", {"read": False}, format="json"
    )

    assert response.status_code == 400
    assert len(notifications_of(alice, unread="true")) == 3


@pytest.mark.parametrize("who", ["newsbot", "mallory"])
def test_api_clients_and_people_without_a_role_have_no_notifications(who, newsbot, mallory):
    outsider = {"newsbot": newsbot, "mallory": mallory}[who]

    assert client_for(outsider).get(LIST).status_code == 403
    assert client_for(outsider).post(f"{LIST}read-all/").status_code == 403
    assert signed_in_client(outsider).get(reverse("notifications")).status_code == 403


def test_anonymous_callers_are_asked_to_authenticate(db):
    response = client_for(None).get(LIST)

    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] == "not_authenticated"


# --- the pages ---------------------------------------------------------------------------------


def test_the_header_counts_unread_notifications_in_one_query(alice, three_for_alice):
    client = signed_in_client(alice)

    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("queue"))

    html = page.content.decode()
    counted = [
        q["sql"] for q in queries.captured_queries if "notifications_notification" in q["sql"]
    ]
    assert f'href="{reverse("notifications")}"' in html
    assert '<span class="unread-count" id="unread-count" aria-label="3 unread">3</span>' in html
    assert len(counted) == 1 and "COUNT(" in counted[0]


def test_with_nothing_unread_the_count_is_hidden(alice):
    html = signed_in_client(alice).get(reverse("queue")).content.decode()

    assert 'id="unread-count" hidden' in html


def test_visitors_see_no_notifications_link(alice, fiona):
    verdict = verdict_published(author=alice, editor=fiona)

    html = Client().get(reverse("verdict-public", args=[verdict.pk])).content.decode()

    assert "unread-count" not in html


def test_the_page_lists_them_with_mark_read_buttons(alice, three_for_alice):
    page = signed_in_client(alice).get(reverse("notifications"))

    html = page.content.decode()
    assert page.status_code == 200
    assert html.index("@alice note 2") < html.index("@alice note 0")
    assert html.count("Mark read</button>") == 3
    assert "Mark all read" in html
    assert "<script>" not in html.split("</head>")[1]


def test_marking_read_with_htmx_answers_the_item_and_the_new_count(alice, three_for_alice):
    newest = three_for_alice[0]

    response = signed_in_client(alice).post(
        reverse("notifications-read", args=[newest["id"]]), HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="notification-{newest["id"]}"' in html
    assert "Mark read" not in html
    assert 'id="unread-count" hx-swap-oob="true" aria-label="2 unread">2</span>' in html


def test_marking_all_read_on_the_page_goes_back_to_it(alice, three_for_alice):
    response = signed_in_client(alice).post(reverse("notifications-read-all"))
    page = signed_in_client(alice).get(reverse("notifications"), {"unread": "true"})

    assert response.status_code == 302
    assert response["Location"] == reverse("notifications")
    assert "Nothing unread." in page.content.decode()


def test_someone_elses_notification_cannot_be_marked_on_the_page(bob, alice, three_for_alice):
    response = signed_in_client(bob).post(
        reverse("notifications-read", args=[three_for_alice[0]["id"]])
    )

    assert response.status_code == 404
    assert len(notifications_of(alice, unread="true")) == 3
