"""Evidence that can be fixed: the holder edits a link's stance and note, or removes it, until
the verdict is submitted (a returned verdict reopens it); a fetch that fails shows at once,
with its reason and next attempt, and anyone working the queue may have it tried again; an
article whose page could not be read is fetched again or removed; and the public pages list
only evidence whose page was read, each with the copy this service stored.

alice and bob check facts, erin and fiona edit, newsbot is an API client, mallory holds no
role. Pages are served by `local_web` on 127.0.0.1, never fetched from the network.
"""

import itertools
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from werkzeug import Response

from articles.models import Article
from reviews import services
from reviews.models import Claim, EvidenceLink, ReviewEvent, Verdict
from sources.models import Source
from sources.services import source_request_refetch
from sources.tasks import fetch_source, sweep_sources
from tests.conftest import client_for
from tests.factories import (
    EVIDENCE_URL,
    article_ingested,
    claim_taken,
    evidence_fetched,
    source_fetch_failed,
    source_fetched,
    verdict_published,
    verdict_submitted,
)
from tests.web.conftest import sentences_with_figures

pytestmark = pytest.mark.django_db

NOTE = "The monitors' own count."
REPORT_PAGE = (
    "<html><head><title>Strike monitor</title></head><body><article><p>Monitors recorded "
    "2,400 strikes in the period, most of them in ISIL-held areas.</p></article></body></html>"
)
STORY_PAGE = (
    "<html><head><title>Floods</title></head><body><article><p>The floods displaced 1,240 "
    "people in three districts, the agency said on Monday.</p></article></body></html>"
)


def link_url(claim_id: int, evidence_id: int, then: str = "") -> str:
    return f"/api/v1/claims/{claim_id}/evidence/{evidence_id}/{then}"


def refusal(response, status: int) -> dict:
    assert response.status_code == status, response.content
    return response.json()["error"]


def trail(claim: Claim) -> list[tuple[str, str, str]]:
    """The claim's audit trail as (action, who, comment)."""
    return [
        (event.action, event.actor.username if event.actor else "", event.comment)
        for event in ReviewEvent.objects.filter(claim=claim).order_by("created_at", "id")
    ]


def serving(local_web, path: str, *answers: Response) -> str:
    """`path` on the local web server, answering `answers` in turn, then the last for good."""
    given = itertools.chain(answers, itertools.repeat(answers[-1]))
    local_web.expect_request(path).respond_with_handler(lambda request: next(given))
    return local_web.url_for(path)


def page(html: str = REPORT_PAGE) -> Response:
    return Response(html, content_type="text/html; charset=utf-8")


def status(code: int) -> Response:
    return Response(f"Status {code}", status=code)


@pytest.fixture
def held(alice):
    """alice holds a claim with one link, refuting it, whose page was read."""
    claim = claim_taken(reviewer=alice)
    link = evidence_fetched(claim=claim, by=alice, stance="refutes", note=NOTE)
    return claim, link


# --- editing and removing a link ------------------------------------------------------------


def test_the_holder_edits_a_links_stance_and_note_and_the_trail_says_what_changed(held, alice):
    claim, link = held

    response = client_for(alice).patch(
        link_url(claim.pk, link.pk), {"stance": "supports", "note": "Counted twice."}, format="json"
    )

    assert response.status_code == 200, response.content
    assert (response.json()["stance"], response.json()["note"]) == ("supports", "Counted twice.")
    stored = EvidenceLink.objects.get(pk=link.pk)
    assert (stored.stance, stored.note, stored.url) == ("supports", "Counted twice.", EVIDENCE_URL)
    assert trail(claim)[-1] == (
        "edit_evidence",
        "alice",
        f'Evidence edited: refutes -> supports, note "{NOTE}" -> "Counted twice.", {EVIDENCE_URL}',
    )
    events = client_for(alice).get(f"/api/v1/claims/{claim.pk}/events/").json()
    assert events[-1]["action"] == "edit_evidence"


def test_an_edit_that_changes_nothing_records_nothing(held, alice):
    claim, link = held
    before = trail(claim)

    unchanged = client_for(alice).patch(
        link_url(claim.pk, link.pk), {"stance": "refutes", "note": NOTE}, format="json"
    )
    empty = client_for(alice).patch(link_url(claim.pk, link.pk), {}, format="json")

    assert (unchanged.status_code, empty.status_code) == (200, 200)
    assert empty.json()["stance"] == "refutes"
    assert trail(claim) == before


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"stance": "agrees"}, 'stance: "agrees" is not one of supports, refutes, context.'),
        ({"note": 5}, "note: Must be a string, not int."),
        ({"url": "https://example.org/other"}, "This request takes stance, note."),
        ({"note": "x" * 5001}, "note: Ensure this field has no more than 5000 characters."),
    ],
)
def test_a_bad_edit_is_refused_saying_why_and_nothing_is_written(held, alice, body, message):
    claim, link = held
    before = trail(claim)

    response = client_for(alice).patch(link_url(claim.pk, link.pk), body, format="json")

    assert message in refusal(response, 400)["message"]
    stored = EvidenceLink.objects.get(pk=link.pk)
    assert (stored.stance, stored.note, stored.url) == ("refutes", NOTE, EVIDENCE_URL)
    assert trail(claim) == before


def test_the_holder_removes_a_link_and_the_trail_keeps_what_it_said(held, alice):
    claim, link = held

    response = client_for(alice).delete(link_url(claim.pk, link.pk))

    assert response.status_code == 204
    assert not EvidenceLink.objects.filter(pk=link.pk).exists()
    # The page stays stored: other links (on other claims) may cite it.
    assert Source.objects.filter(pk=link.source_id, state="fetched").exists()
    assert client_for(alice).get(f"/api/v1/claims/{claim.pk}/").json()["evidence"] == []
    assert trail(claim)[-1] == (
        "remove_evidence",
        "alice",
        f"Evidence removed: refutes: {EVIDENCE_URL}",
    )
    again = client_for(alice).delete(link_url(claim.pk, link.pk))
    assert refusal(again, 404)["message"] == f"Claim {claim.pk} has no evidence link {link.pk}."


def test_another_claims_evidence_is_not_found_through_this_claim(held, alice):
    claim, _link = held
    other = claim_taken(reviewer=alice)
    theirs = evidence_fetched(claim=other, by=alice, url="https://example.org/other")
    client = client_for(alice)

    answers = [
        client.patch(link_url(claim.pk, theirs.pk), {"stance": "supports"}, format="json"),
        client.delete(link_url(claim.pk, theirs.pk)),
        client.post(link_url(claim.pk, theirs.pk, "retry/")),
        client.patch(link_url(claim.pk, 999_999), {"stance": "supports"}, format="json"),
    ]

    assert [answer.status_code for answer in answers] == [404, 404, 404, 404]
    assert EvidenceLink.objects.get(pk=theirs.pk).stance == "refutes"


@pytest.mark.parametrize(
    ("person", "code", "status_code"),
    [
        ("bob", "conflict", 409),  # another fact-checker: the claim is alice's
        ("erin", "conflict", 409),  # an editor is no holder either
        ("newsbot", "permission_denied", 403),
        ("mallory", "permission_denied", 403),
    ],
)
def test_only_the_holder_changes_evidence(held, request, person, code, status_code):
    claim, link = held
    client = client_for(request.getfixturevalue(person))
    before = trail(claim)

    edited = client.patch(link_url(claim.pk, link.pk), {"stance": "supports"}, format="json")
    removed = client.delete(link_url(claim.pk, link.pk))

    assert refusal(edited, status_code)["code"] == code
    assert refusal(removed, status_code)["code"] == code
    if person == "newsbot":
        assert refusal(edited, 403)["message"] == (
            "Only fact-checkers or editors may edit an evidence link."
        )
        assert refusal(removed, 403)["message"] == (
            "Only fact-checkers or editors may remove an evidence link."
        )
    stored = EvidenceLink.objects.get(pk=link.pk)
    assert stored.stance == "refutes"
    assert trail(claim) == before


def test_submitted_evidence_stays_as_it_is_until_the_verdict_is_returned(alice, bob, erin):
    verdict = verdict_submitted(author=alice)
    claim = verdict.claim
    link = claim.evidence.get()
    client = client_for(alice)

    edited = client.patch(link_url(claim.pk, link.pk), {"stance": "supports"}, format="json")
    removed = client.delete(link_url(claim.pk, link.pk))

    assert refusal(edited, 409)["message"] == (
        "Cannot edit an evidence link: the claim is awaiting sign-off."
    )
    assert refusal(removed, 409)["message"] == (
        "Cannot remove an evidence link: the claim is awaiting sign-off."
    )
    assert EvidenceLink.objects.get(pk=link.pk).stance == "refutes"

    services.verdict_return(
        verdict=verdict, by=erin, expected_version=verdict.version, comment="Cite the register."
    )
    by_bob = client_for(bob).delete(link_url(claim.pk, link.pk))
    edited = client.patch(link_url(claim.pk, link.pk), {"stance": "context"}, format="json")
    removed = client.delete(link_url(claim.pk, link.pk))

    assert refusal(by_bob, 409)["message"] == "This claim was returned to another fact-checker."
    assert edited.status_code == 200 and edited.json()["stance"] == "context"
    assert removed.status_code == 204
    assert [action for action, _who, _comment in trail(claim)][-3:] == [
        "return",
        "edit_evidence",
        "remove_evidence",
    ]


def test_a_correction_leaves_the_evidence_of_the_published_verdict_as_it_was(alice, erin):
    published = verdict_published(author=alice, editor=erin)
    claim = published.claim
    cited = claim.evidence.get()
    # Published, with its evidence, a day ago: the database's clock stands still in a test.
    Verdict.objects.filter(pk=published.pk).update(published_at=F("published_at") - timedelta(1))
    EvidenceLink.objects.filter(pk=cited.pk).update(created_at=F("created_at") - timedelta(1))
    services.verdict_correct(claim=claim, by=erin, comment="The monitors revised their count.")
    added = evidence_fetched(claim=claim, by=alice, url="https://monitor.example.org/revised")
    client = client_for(alice)

    edited = client.patch(link_url(claim.pk, cited.pk), {"stance": "supports"}, format="json")
    removed = client.delete(link_url(claim.pk, cited.pk))

    assert "the published verdict cites this link" in refusal(edited, 409)["message"]
    assert "the published verdict cites this link" in refusal(removed, 409)["message"]
    assert EvidenceLink.objects.get(pk=cited.pk).stance == "refutes"
    # What the correction adds is the holder's to change.
    assert (
        client.patch(
            link_url(claim.pk, added.pk), {"stance": "supports"}, format="json"
        ).status_code
        == 200
    )
    assert client.delete(link_url(claim.pk, added.pk)).status_code == 204


# --- fetch problems and retries -------------------------------------------------------------


def test_a_failed_attempt_shows_at_once_with_its_reason_and_next_attempt(
    alice, local_web, signed_in
):
    claim = claim_taken(reviewer=alice)
    url = serving(local_web, "/flaky", status(503))
    added = client_for(alice).post(
        f"/api/v1/claims/{claim.pk}/evidence/", {"url": url, "stance": "refutes"}, format="json"
    )
    link = EvidenceLink.objects.get(pk=added.json()["id"])

    fetch_source(link.source_id)

    shown = client_for(alice).get(f"/api/v1/claims/{claim.pk}/").json()["evidence"][0]
    source = Source.objects.get(pk=link.source_id)
    assert shown["fetch_state"] == "pending"
    assert shown["fetch_error"] == "http_error"
    assert "503" in shown["fetch_error_message"]
    assert (shown["fetch_attempts"], shown["fetch_max_attempts"]) == (
        1,
        settings.FETCH_MAX_ATTEMPTS,
    )
    assert shown["fetch_next_attempt_at"] is not None
    assert source.next_attempt_at > timezone.now()
    fragment = signed_in(alice).get(reverse("claim-evidence", args=[claim.pk])).content.decode()
    retrying_at = timezone.localtime(source.next_attempt_at).strftime("%H:%M")
    assert "Retrying at <time datetime=" in fragment
    assert f">{retrying_at}</time>, attempt 2 of {settings.FETCH_MAX_ATTEMPTS}." in fragment
    assert "503" in fragment
    assert "Retry now" in fragment


def test_anyone_working_the_queue_retries_a_failed_fetch_which_starts_over_and_runs_on_commit(
    alice, bob, local_web, tasks_in_process, django_capture_on_commit_callbacks
):
    claim = claim_taken(reviewer=alice)
    url = serving(local_web, "/moved", status(404), page())
    link = services.evidence_add(claim=claim, by=alice, url=url, stance="refutes")
    fetch_source(link.source_id)
    assert Source.objects.get(pk=link.source_id).state == "failed"

    with django_capture_on_commit_callbacks() as enqueued:
        response = client_for(bob).post(link_url(claim.pk, link.pk, "retry/"))

    assert response.status_code == 202, response.content
    source = Source.objects.get(pk=link.source_id)
    assert (source.state, source.attempts, source.lease_expires_at) == ("pending", 0, None)
    assert source.next_attempt_at <= timezone.now()
    assert len(enqueued) == 1  # the fetch, sent once the retry is committed
    action, who, comment = trail(claim)[-1]
    assert (action, who) == ("retry_fetch", "bob")
    assert comment.startswith(f"Fetch retried: {source.url} (was failed: ")
    assert "404" in comment

    # In-process, as in the embedded default, the committed retry fetches the page at once.
    for send in enqueued:
        send()
    shown = client_for(alice).get(f"/api/v1/claims/{claim.pk}/").json()["evidence"][0]
    assert (shown["fetch_state"], shown["fetch_error"], shown["fetch_attempts"]) == (
        "fetched",
        "",
        1,
    )


def test_a_retry_answers_with_the_fetch_it_ran_when_tasks_run_in_process(
    alice, erin, local_web, tasks_in_process, django_capture_on_commit_callbacks
):
    claim = claim_taken(reviewer=alice)
    url = serving(local_web, "/late", status(404), page())
    link = services.evidence_add(claim=claim, by=alice, url=url, stance="refutes")
    fetch_source(link.source_id)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(erin).post(link_url(claim.pk, link.pk, "retry/"))

    assert response.status_code == 202
    assert EvidenceLink.objects.get(pk=link.pk).source.state == "fetched"


# Committed for real: the next attempt comes due on the database's clock, which stands still
# inside a test's transaction.
@pytest.mark.django_db(transaction=True)
def test_with_tasks_in_process_a_failed_attempt_is_tried_again_when_it_comes_due(
    alice, local_web, settings, tasks_in_process
):
    """The embedded default retries as workers do: the sweep (run in-process by
    `run_periodic_tasks`) sends the next attempt once it is due."""
    settings.FETCH_RETRY_BASE_SECONDS = 0.01
    claim = claim_taken(reviewer=alice)
    url = serving(local_web, "/busy", status(503), page())

    # Fetched in-process as the link is committed; the attempt fails and waits for the next.
    link = services.evidence_add(claim=claim, by=alice, url=url, stance="refutes")
    waiting = Source.objects.get(pk=link.source_id)
    time.sleep(0.05)
    sweep_sources()

    source = Source.objects.get(pk=link.source_id)
    assert (waiting.state, waiting.attempts, waiting.last_error_kind) == (
        "pending",
        1,
        "http_error",
    )
    assert (source.state, source.attempts) == ("fetched", 2)


def test_a_retry_is_refused_where_it_cannot_help(held, alice, newsbot, mallory):
    claim, fetched = held
    refused_address = services.evidence_add(
        claim=claim, by=alice, url="http://127.0.0.1:9/internal", stance="context"
    )
    fetch_source(refused_address.source_id)
    before = trail(claim)

    answers = {
        "fetched": client_for(alice).post(link_url(claim.pk, fetched.pk, "retry/")),
        "blocked": client_for(alice).post(link_url(claim.pk, refused_address.pk, "retry/")),
        "newsbot": client_for(newsbot).post(link_url(claim.pk, fetched.pk, "retry/")),
        "mallory": client_for(mallory).post(link_url(claim.pk, fetched.pk, "retry/")),
    }

    assert refusal(answers["fetched"], 409)["message"] == (
        "This page was fetched: there is nothing to retry."
    )
    blocked = refusal(answers["blocked"], 409)["message"]
    assert blocked.startswith("The fetcher refuses this address, and trying again cannot")
    assert "127.0.0.1" in blocked
    assert refusal(answers["newsbot"], 403)["message"] == (
        "Only fact-checkers or editors may fetch an evidence link's page again."
    )
    assert answers["mallory"].status_code == 403
    assert Source.objects.get(pk=refused_address.source_id).state == "blocked"
    assert trail(claim) == before


def test_a_dismissed_claims_evidence_is_not_fetched_again(alice, erin):
    claim = claim_taken(reviewer=alice)
    link = services.evidence_add(claim=claim, by=alice, url=EVIDENCE_URL, stance="refutes")
    source_fetch_failed(link.source)
    services.claim_release(claim=claim, by=alice)
    services.claim_dismiss(claim=Claim.objects.get(pk=claim.pk), by=erin, reason="opinion")

    response = client_for(erin).post(link_url(claim.pk, link.pk, "retry/"))

    assert refusal(response, 409)["message"] == (
        "Cannot fetch an evidence link's page again: the claim is dismissed."
    )


# --- the workspace ----------------------------------------------------------------------------


def test_the_holder_edits_and_removes_evidence_in_the_workspace(held, alice, signed_in):
    claim, link = held
    client = signed_in(alice)
    edit = reverse("claim-evidence-edit", args=[claim.pk, link.pk])
    remove = reverse("claim-evidence-remove", args=[claim.pk, link.pk])

    workspace = client.get(reverse("claim-workspace", args=[claim.pk])).content.decode()
    edited = client.post(
        edit, {"stance": "supports", "note": "Counted twice."}, HTTP_HX_REQUEST="true"
    )
    removed = client.post(remove, HTTP_HX_REQUEST="true")

    assert f'hx-post="{edit}"' in workspace and f'hx-post="{remove}"' in workspace
    assert 'hx-target="#evidence-panel"' in workspace
    assert edited.status_code == 200
    panel = edited.content.decode()
    assert panel.startswith('<section class="panel" id="evidence-panel">')
    assert '<option value="supports" selected>' in panel and "Counted twice." in panel
    assert "Evidence link saved." in panel
    assert "<script" not in panel  # the Content-Security-Policy allows no inline script
    assert removed.status_code == 200 and "Evidence link removed." in removed.content.decode()
    assert not EvidenceLink.objects.filter(pk=link.pk).exists()
    assert [action for action, _who, _comment in trail(claim)][-2:] == [
        "edit_evidence",
        "remove_evidence",
    ]


def test_without_htmx_an_edit_goes_back_to_the_workspace_with_a_message(held, alice, signed_in):
    claim, link = held

    response = signed_in(alice).post(
        reverse("claim-evidence-edit", args=[claim.pk, link.pk]),
        {"stance": "context", "note": NOTE},
        follow=True,
    )

    assert (
        response.redirect_chain[-1][0] == reverse("claim-workspace", args=[claim.pk]) + "#evidence"
    )
    assert "Evidence link saved." in [str(message) for message in response.context["messages"]]
    assert EvidenceLink.objects.get(pk=link.pk).stance == "context"


def test_others_are_offered_no_change_and_refused_one(held, bob, signed_in):
    claim, link = held
    client = signed_in(bob)
    edit = reverse("claim-evidence-edit", args=[claim.pk, link.pk])

    workspace = client.get(reverse("claim-workspace", args=[claim.pk])).content.decode()
    response = client.post(edit, {"stance": "supports", "note": ""}, HTTP_HX_REQUEST="true")

    assert edit not in workspace
    assert reverse("claim-evidence-remove", args=[claim.pk, link.pk]) not in workspace
    assert response.status_code == 409
    assert "held by another fact-checker" in response.content.decode()
    assert EvidenceLink.objects.get(pk=link.pk).stance == "refutes"


def test_a_bad_stance_from_the_page_is_refused_saying_why(held, alice, signed_in):
    claim, link = held

    response = signed_in(alice).post(
        reverse("claim-evidence-edit", args=[claim.pk, link.pk]),
        {"stance": "agrees", "note": ""},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 400
    assert "is not one of supports, refutes, context" in response.content.decode()
    assert EvidenceLink.objects.get(pk=link.pk).note == NOTE


def test_anyone_working_the_queue_retries_a_failed_fetch_from_the_workspace(alice, bob, signed_in):
    claim = claim_taken(reviewer=alice)
    link = services.evidence_add(claim=claim, by=alice, url=EVIDENCE_URL, stance="refutes")
    source_fetch_failed(link.source)
    retry = reverse("claim-evidence-retry", args=[claim.pk, link.pk])
    client = signed_in(bob)

    workspace = client.get(reverse("claim-workspace", args=[claim.pk])).content.decode()
    response = client.post(retry, HTTP_HX_REQUEST="true")

    assert "Could not fetch the page: The page was not found (404)." in workspace
    assert f'hx-post="{retry}"' in workspace
    assert response.status_code == 200
    assert "Fetching the page again now." in response.content.decode()
    assert Source.objects.get(pk=link.source_id).state == "pending"


def test_a_refused_address_says_retrying_cannot_help_and_offers_no_retry(held, alice, signed_in):
    claim, _fetched = held
    link = services.evidence_add(
        claim=claim, by=alice, url="http://127.0.0.1:9/internal", stance="context"
    )
    fetch_source(link.source_id)

    fragment = signed_in(alice).get(reverse("claim-evidence", args=[claim.pk])).content.decode()

    assert "The fetcher refuses this address" in fragment
    assert "Trying again cannot change that" in fragment
    assert reverse("claim-evidence-retry", args=[claim.pk, link.pk]) not in fragment


# --- articles that could not be read ------------------------------------------------------


@pytest.fixture
def extractor(monkeypatch):
    """Every sentence with a figure is a claim (the trained extractor is not under test)."""
    monkeypatch.setattr("articles.services.extract_claims", sentences_with_figures)


def submitted_url(user, url: str, capture) -> Article:
    with capture(execute=True):
        accepted = client_for(user).post("/api/v1/articles/", {"url": url}, format="json")
    assert accepted.status_code == 202, accepted.content
    return Article.objects.get(pk=accepted.json()["id"])


def article_trail(article: Article) -> list[tuple[str, str]]:
    """The article's own moves in the audit trail (not its claims') as (action, who)."""
    events = ReviewEvent.objects.filter(article=article, claim=None).order_by("created_at", "id")
    return [(event.action, event.actor.username if event.actor else "") for event in events]


def test_an_article_that_could_not_be_read_is_fetched_again_and_read(
    alice, bob, local_web, extractor, tasks_in_process, django_capture_on_commit_callbacks
):
    url = serving(local_web, "/story", status(404), page(STORY_PAGE))
    article = submitted_url(alice, url, django_capture_on_commit_callbacks)
    assert article.ingest_state == "failed"

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(bob).post(f"/api/v1/articles/{article.pk}/retry/")

    assert response.status_code == 202, response.content
    article.refresh_from_db()
    assert (article.ingest_state, article.title) == ("extracted", "Floods")
    assert [claim.text for claim in article.claims.all()] == [
        "The floods displaced 1,240 people in three districts, the agency said on Monday."
    ]
    assert article_trail(article) == [
        ("submit", "alice"),
        ("fail", ""),
        ("retry", "bob"),
        ("extract", ""),
    ]


def test_with_workers_a_retried_article_waits_on_a_fetch_sent_on_commit(
    alice, local_web, django_capture_on_commit_callbacks
):
    url = serving(local_web, "/gone", status(404))
    article = submitted_url(alice, url, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        fetch_source(article.source_id)  # as a worker does
    assert Article.objects.get(pk=article.pk).ingest_state == "failed"

    with django_capture_on_commit_callbacks() as enqueued:
        response = client_for(alice).post(f"/api/v1/articles/{article.pk}/retry/")

    assert response.status_code == 202
    assert response.json()["ingest_state"] == "fetching"
    source = Source.objects.get(pk=article.source_id)
    assert (source.state, source.attempts) == ("pending", 0)
    assert len(enqueued) == 1


@pytest.mark.parametrize(
    ("person", "status_code"), [("newsbot", 403), ("mallory", 403), ("alice", 409)]
)
def test_an_article_that_was_read_is_not_fetched_again(request, person, status_code):
    article = article_ingested()

    response = client_for(request.getfixturevalue(person)).post(
        f"/api/v1/articles/{article.pk}/retry/"
    )

    assert response.status_code == status_code
    if status_code == 409:
        assert refusal(response, 409)["message"] == (
            "Only an article that could not be read is tried again; this one is extracted."
        )
    assert Article.objects.get(pk=article.pk).ingest_state == "extracted"


def test_an_article_that_could_not_be_read_is_removed_by_its_submitter_or_an_editor(
    alice, bob, erin, local_web, tasks_in_process, django_capture_on_commit_callbacks
):
    url = serving(local_web, "/gone", status(404))
    mine = submitted_url(alice, url, django_capture_on_commit_callbacks)
    other = submitted_url(
        bob, serving(local_web, "/other", status(404)), django_capture_on_commit_callbacks
    )

    by_bob = client_for(bob).delete(f"/api/v1/articles/{mine.pk}/")
    by_alice = client_for(alice).delete(f"/api/v1/articles/{mine.pk}/")
    by_editor = client_for(erin).delete(f"/api/v1/articles/{other.pk}/")

    assert refusal(by_bob, 403)["message"] == (
        "Only whoever submitted this article, or an editor, may remove it."
    )
    assert (by_alice.status_code, by_editor.status_code) == (204, 204)
    client = client_for(alice)
    assert client.get(f"/api/v1/articles/{mine.pk}/").status_code == 404
    assert client.delete(f"/api/v1/articles/{mine.pk}/").status_code == 404
    assert client.post(f"/api/v1/articles/{mine.pk}/retry/").status_code == 404
    assert mine.pk not in [item["id"] for item in client.get("/api/v1/articles/").json()["results"]]
    assert article_trail(mine)[-1] == ("remove", "alice")
    # Its address may be submitted again, as a new article.
    again = submitted_url(alice, url, django_capture_on_commit_callbacks)
    assert again.pk != mine.pk and again.ingest_state == "failed"


def test_an_article_that_was_read_stays(erin, alice):
    article = article_ingested()

    response = client_for(erin).delete(f"/api/v1/articles/{article.pk}/")

    assert refusal(response, 409)["message"] == (
        "Only an article that could not be read can be removed; this one is extracted."
    )
    assert client_for(alice).get(f"/api/v1/articles/{article.pk}/").status_code == 200


def test_the_article_page_offers_to_try_again_or_remove_a_failed_article(
    alice, bob, local_web, signed_in, tasks_in_process, django_capture_on_commit_callbacks
):
    article = submitted_url(
        alice, serving(local_web, "/gone", status(404)), django_capture_on_commit_callbacks
    )
    detail = reverse("article-detail", args=[article.pk])
    retry = reverse("article-retry", args=[article.pk])
    remove = reverse("article-remove", args=[article.pk])

    as_alice = signed_in(alice).get(detail).content.decode()
    as_bob = signed_in(bob).get(detail).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        tried = signed_in(bob).post(retry)
    removed = signed_in(alice).post(remove, follow=True)

    assert "This article could not be read" in as_alice
    assert f'action="{retry}"' in as_alice and f'action="{remove}"' in as_alice
    assert f'action="{retry}"' in as_bob and f'action="{remove}"' not in as_bob
    assert (tried.status_code, tried["Location"]) == (302, detail)
    assert article_trail(article)[-3:] == [("retry", "bob"), ("fail", ""), ("remove", "alice")]
    assert removed.redirect_chain[-1][0] == reverse("article-list")
    assert f"Article {article.pk} removed" in " ".join(
        str(message) for message in removed.context["messages"]
    )
    assert signed_in(alice).get(detail).status_code == 404


# --- what the public sees ---------------------------------------------------------------------


@pytest.fixture
def published_with_a_broken_link(alice, erin):
    """alice's verdict, published by erin, citing a page that was read (whose text carries
    markup), a page that could not be read, and one the fetcher refused."""
    claim = claim_taken(reviewer=alice)
    read = services.evidence_add(claim=claim, by=alice, url=EVIDENCE_URL, stance="refutes")
    source_fetched(
        read.source,
        title="Strike monitor <b>report</b>",
        text="Monitors recorded 2,400 strikes.\n\n<script>alert('stored')</script>",
    )
    broken = services.evidence_add(
        claim=claim, by=alice, url="https://gone.example.org/page", stance="supports"
    )
    source_fetch_failed(broken.source)
    refused = services.evidence_add(
        claim=claim, by=alice, url="http://127.0.0.1:9/internal", stance="context"
    )
    fetch_source(refused.source_id)
    draft = services.verdict_create(
        claim=claim,
        by=alice,
        rating="mostly_false",
        headline="Most strikes hit ISIL areas",
        rationale="The monitors' count.",
    )
    submitted = services.verdict_submit(verdict=draft, by=alice, expected_version=draft.version)
    verdict = services.verdict_approve(
        verdict=submitted, by=erin, expected_version=submitted.version
    )
    return verdict, read, broken, refused


def test_the_public_verdict_lists_only_pages_that_were_read_with_our_stored_copy(
    client, published_with_a_broken_link
):
    verdict, read, broken, refused = published_with_a_broken_link
    snapshot = reverse("evidence-snapshot-public", args=[verdict.pk, read.pk])

    html = client.get(reverse("verdict-public", args=[verdict.pk])).content.decode()

    assert "Strike monitor &lt;b&gt;report&lt;/b&gt;" in html
    assert f'href="{EVIDENCE_URL}"' in html
    assert f'href="{snapshot}"' in html
    assert broken.url not in html and refused.url not in html


def test_the_stored_copy_shows_the_text_escaped_for_published_verdicts_only(
    client, alice, published_with_a_broken_link
):
    verdict, read, broken, refused = published_with_a_broken_link

    response = client.get(reverse("evidence-snapshot-public", args=[verdict.pk, read.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "&lt;script&gt;alert(&#x27;stored&#x27;)&lt;/script&gt;" in html
    assert "<script>alert" not in html
    assert "Monitors recorded 2,400 strikes." in html
    assert f'href="{EVIDENCE_URL}"' in html
    assert f'href="{reverse("verdict-public", args=[verdict.pk])}"' in html
    assert '<meta name="robots" content="noindex">' in html
    for link in (broken, refused):
        assert (
            client.get(reverse("evidence-snapshot-public", args=[verdict.pk, link.pk])).status_code
            == 404
        )
    submitted = verdict_submitted(author=alice, evidence_url="https://example.org/unpublished")
    unpublished = submitted.claim.evidence.get()
    assert (
        client.get(
            reverse("evidence-snapshot-public", args=[submitted.pk, unpublished.pk])
        ).status_code
        == 404
    )
    # Another verdict's link is not this verdict's evidence.
    assert (
        client.get(
            reverse("evidence-snapshot-public", args=[verdict.pk, unpublished.pk])
        ).status_code
        == 404
    )


def test_the_stored_copy_is_the_page_as_it_was_published(client, published_with_a_broken_link):
    verdict, read, _broken, _refused = published_with_a_broken_link
    source = Source.objects.get(pk=read.source_id)
    source_request_refetch(source=source)
    source_fetched(source, title="Strike monitor, revised", text="A later text.")

    listed = client.get(reverse("verdict-public", args=[verdict.pk])).content.decode()
    stored = client.get(
        reverse("evidence-snapshot-public", args=[verdict.pk, read.pk])
    ).content.decode()

    assert "Strike monitor &lt;b&gt;report&lt;/b&gt;" in listed and "revised" not in listed
    assert "Monitors recorded 2,400 strikes." in stored and "A later text." not in stored


def test_the_article_summary_and_the_api_list_the_same_evidence(
    client, newsbot, published_with_a_broken_link
):
    verdict, read, broken, refused = published_with_a_broken_link
    snapshot = reverse("evidence-snapshot-public", args=[verdict.pk, read.pk])

    summary = client.get(
        reverse("article-public", args=[verdict.claim.article_id])
    ).content.decode()
    item = client_for(newsbot).get(f"/api/v1/verdicts/{verdict.pk}/").json()

    assert f'href="{snapshot}"' in summary
    assert "Strike monitor &lt;b&gt;report&lt;/b&gt;" in summary
    assert broken.url not in summary and refused.url not in summary
    assert item["evidence"] == [
        {"url": EVIDENCE_URL, "stance": "refutes", "fetch_state": "fetched"}
    ]


# --- requests that take no fields -----------------------------------------------------------


def test_a_retry_or_a_removal_refuses_any_field_and_writes_nothing(
    alice, local_web, tasks_in_process, django_capture_on_commit_callbacks
):
    article = submitted_url(
        alice, serving(local_web, "/gone", status(404)), django_capture_on_commit_callbacks
    )
    claim = claim_taken(reviewer=alice)
    link = services.evidence_add(claim=claim, by=alice, url=EVIDENCE_URL, stance="refutes")
    source_fetch_failed(link.source)
    client = client_for(alice)
    before = (trail(claim), article_trail(article))

    answers = [
        client.post(link_url(claim.pk, link.pk, "retry/"), {"now": True}, format="json"),
        client.delete(link_url(claim.pk, link.pk), {"force": True}, format="json"),
        client.post(f"/api/v1/articles/{article.pk}/retry/", {"force": True}, format="json"),
        client.delete(f"/api/v1/articles/{article.pk}/", {"force": True}, format="json"),
    ]

    for answer in answers:
        assert "This request takes no fields." in refusal(answer, 400)["message"]
    assert (trail(claim), article_trail(article)) == before
    assert EvidenceLink.objects.filter(pk=link.pk).exists()
    assert Source.objects.get(pk=link.source_id).state == "failed"
    assert Article.objects.get(pk=article.pk).removed_at is None
