"""The API clients use: published verdicts, summaries, ClaimReview and claims:search."""

import threading
from contextlib import contextmanager
from datetime import timedelta

import extruct
import pytest
from django.core.cache import cache
from django.db import OperationalError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.services import token_issue
from articles.models import Article
from reviews.models import Claim, EvidenceLink
from sources.models import Source
from sources.services import source_for_url
from tests.conftest import client_for
from tests.factories import Found, article_ingested, verdict_drafted, verdict_published

pytestmark = pytest.mark.django_db

GOOGLE_REQUIRED = ("claimReviewed", "reviewRating", "url")
GOOGLE_RECOMMENDED = ("author", "datePublished", "itemReviewed")


def publish(*, author, editor, rating="mostly_false", days_ago=0, **claim):
    """A verdict published by `editor` on a new claim (described by `claim`, see
    tests.factories.claim_queued) or the queued claim given as `claim`, with evidence from
    https://monitor.example.org/report, fetched."""
    verdict = verdict_published(author=author, editor=editor, rating=rating, **claim)
    if days_ago:
        # Published that long ago: the services publish at the database's present time.
        type(verdict).objects.filter(pk=verdict.pk).update(
            published_at=timezone.now() - timedelta(days=days_ago)
        )
        verdict.refresh_from_db()
    return verdict


def test_published_verdicts_carry_what_a_client_shows(alice, erin, newsbot):
    verdict = publish(author=alice, editor=erin)
    verdict_drafted(author=alice)  # a draft elsewhere: never listed

    body = client_for(newsbot).get("/api/v1/verdicts/").json()

    assert [item["id"] for item in body["results"]] == [verdict.id]
    item = body["results"][0]
    assert item["claim"]["text"] == verdict.claim.text
    assert item["claim"]["claimant"] == "John Kirby"
    assert (item["rating"], item["rating_value"], item["rating_label"]) == (
        "mostly_false",
        2,
        "Mostly false",
    )
    assert item["headline"] == verdict.headline
    assert item["evidence"] == [
        {
            "url": "https://monitor.example.org/report",
            "stance": "refutes",
            "fetch_state": "fetched",
        }
    ]
    assert item["article"]["title"] == verdict.claim.article.title
    assert item["signed_off_by"] == "erin"
    assert item["public_url"].endswith(f"/verdicts/{verdict.id}/")


def test_answers_are_written_as_the_rest_framework_writes_json(alice, erin, newsbot):
    """Non-ASCII text as UTF-8, line and paragraph separators escaped for JavaScript, times
    with Z: the same bytes as REST framework's own renderer."""
    from rest_framework.renderers import JSONRenderer

    verdict = publish(author=alice, editor=erin)
    verdict.rationale = "Les frappes « ciblées »\u2028ont touché\u2029l'EIIL."
    verdict.save(update_fields=["rationale"])

    answer = client_for(newsbot).get(f"/api/v1/verdicts/{verdict.id}/")

    assert answer.status_code == 200
    assert answer.content == JSONRenderer().render(answer.json())
    assert "« ciblées »".encode() in answer.content
    assert b"\\u2028ont touch\xc3\xa9\\u2029l'EIIL" in answer.content
    assert answer.json()["published_at"].endswith("Z")


def test_verdicts_filter_by_article_claimant_rating_kind_dates_and_text(alice, erin, newsbot):
    old = publish(author=alice, editor=erin, rating="false", claimant="Zamir Kabulov", days_ago=40)
    new = publish(author=alice, editor=erin, rating="true", claimant="Valery Gerasimov")
    client = client_for(newsbot)

    def ids(**params):
        return [item["id"] for item in client.get("/api/v1/verdicts/", params).json()["results"]]

    assert ids(article=old.claim.article_id) == [old.id]
    assert ids(claimant="gerasimov") == [new.id]
    assert ids(rating="false") == [old.id]
    assert ids(kind="statistic") == [new.id, old.id]
    assert ids(published_after=(timezone.now() - timedelta(days=7)).isoformat()) == [new.id]
    assert ids(published_before=(timezone.now() - timedelta(days=7)).isoformat()) == [old.id]
    assert ids(q="ISIL strikes") == [new.id, old.id]
    assert ids(q="Gerasimov") == [new.id]
    assert ids(q="nonexistentword") == []


def test_verdicts_filter_by_article_url(alice, erin, newsbot):
    verdict = publish(author=alice, editor=erin, url="https://news.example.com/story")
    publish(author=alice, editor=erin)

    body = (
        client_for(newsbot)
        .get("/api/v1/verdicts/", {"article_url": "https://news.example.com/story"})
        .json()
    )

    assert [item["id"] for item in body["results"]] == [verdict.id]


def test_verdicts_page_with_a_cursor(alice, erin, newsbot):
    verdicts = [publish(author=alice, editor=erin, days_ago=i + 1) for i in range(5)]
    client = client_for(newsbot)

    first = client.get("/api/v1/verdicts/", {"page_size": 2}).json()
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()

    seen = [item["id"] for page in (first, second, third) for item in page["results"]]
    assert seen == [v.id for v in verdicts]
    assert third["next"] is None


def test_a_list_costs_the_same_queries_for_one_item_as_for_a_hundred(alice, erin, newsbot):
    client = client_for(newsbot)
    publish(author=alice, editor=erin)
    # Warms the process's own caches (auth, content types) without keeping this answer.
    client.get("/api/v1/verdicts/", {"page_size": 1})

    with CaptureQueriesContext(connection) as one:
        assert len(client.get("/api/v1/verdicts/").json()["results"]) == 1
    for _ in range(99):
        publish(author=alice, editor=erin)
    with CaptureQueriesContext(connection) as hundred:
        assert len(client.get("/api/v1/verdicts/", {"page_size": 100}).json()["results"]) == 100

    assert len(hundred) == len(one)


def test_an_unchanged_page_is_answered_from_the_cache_until_anything_on_it_changes(
    alice, erin, newsbot, django_assert_num_queries
):
    verdict = publish(author=alice, editor=erin)
    client = client_for(newsbot)
    first = client.get("/api/v1/verdicts/")

    # The token and the content version: nothing of the page is read again.
    with django_assert_num_queries(2):
        again = client.get("/api/v1/verdicts/")
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again["Last-Modified"] == first["Last-Modified"]

    # Each change a client could see on the page shows on the next read, whichever way it
    # is written.
    Article.objects.filter(claims__verdicts=verdict).update(title="Renamed")
    renamed = client.get("/api/v1/verdicts/").json()["results"][0]
    assert renamed["article"]["title"] == "Renamed"

    # A page found broken leaves the published evidence, as it leaves the public page.
    link = EvidenceLink.objects.get(claim__verdicts=verdict)
    Source.objects.filter(pk=link.source_id).update(state="failed")
    assert client.get("/api/v1/verdicts/").json()["results"][0]["evidence"] == []

    erin.username = "erin.w"
    erin.save()
    assert client.get("/api/v1/verdicts/").json()["results"][0]["signed_off_by"] == "erin.w"

    Claim.objects.filter(pk=verdict.claim_id).update(claimant="Someone else")
    assert client.get("/api/v1/verdicts/").json()["results"][0]["claim"]["claimant"] == (
        "Someone else"
    )

    # The report failed when fetched again, so the newer verdict cites another one.
    newer = publish(author=alice, editor=erin, evidence_url="https://archive.example.org/report")
    assert [v["id"] for v in client.get("/api/v1/verdicts/").json()["results"]] == [
        newer.id,
        verdict.id,
    ]


@contextmanager
def held_open_in_another_transaction(change):
    """Make `change` in a transaction on another connection, and keep that transaction open
    until the block ends; it commits then. A failure in that thread fails the test."""
    made, release = threading.Event(), threading.Event()
    errors = []

    def hold():
        try:
            with transaction.atomic():
                change()
                made.set()
                release.wait(timeout=30)
        except BaseException as exc:  # reported below, so a thread's failure fails the test
            errors.append(exc)
        finally:
            made.set()
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    made.wait(timeout=30)
    try:
        yield
    finally:
        release.set()
        holder.join(timeout=30)
    assert errors == []


@pytest.mark.django_db(transaction=True)
def test_a_read_while_a_publication_is_uncommitted_does_not_hide_it_once_committed(
    alice, erin, newsbot
):
    publish(author=alice, editor=erin)
    client = client_for(newsbot)
    assert len(client.get("/api/v1/verdicts/").json()["results"]) == 1

    with held_open_in_another_transaction(lambda: publish(author=alice, editor=erin)):
        during = client.get("/api/v1/verdicts/").json()["results"]
    after = client.get("/api/v1/verdicts/").json()["results"]

    assert len(during) == 1
    assert len(after) == 2


def test_the_claimreview_feed_shows_a_change_on_the_next_read(alice, erin, newsbot):
    verdict = publish(author=alice, editor=erin, claimant="")
    client = client_for(newsbot)

    def claim_author():
        feed = client.get("/api/v1/claimreview/").json()
        return feed["dataFeedElement"][0]["item"]["itemReviewed"]["author"]

    Article.objects.filter(claims__verdicts=verdict).update(publisher="", byline="Ann Writer")
    before = claim_author()
    assert claim_author() == before  # answered again, unchanged
    Article.objects.filter(claims__verdicts=verdict).update(byline="Bo Writer")

    assert before == {"@type": "Person", "name": "Ann Writer"}
    assert claim_author() == {"@type": "Person", "name": "Bo Writer"}


@pytest.mark.django_db(transaction=True)
def test_an_open_transaction_changing_published_content_holds_up_no_other_writer(
    alice, erin, newsbot
):
    verdict = publish(author=alice, editor=erin)
    source = EvidenceLink.objects.get(claim__verdicts=verdict).source
    other = source_for_url(url="https://other.example.org/report")

    def change_other():
        Source.objects.filter(pk=other.pk).update(state="failed")

    with held_open_in_another_transaction(change_other):
        try:
            # Waiting on the other transaction would fail here rather than hang.
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '5s'")
                Source.objects.filter(pk=source.pk).update(state="failed")
        except OperationalError as exc:
            pytest.fail(f"a writer waited on another's open transaction: {exc}")
        shown = client_for(newsbot).get("/api/v1/verdicts/").json()["results"][0]

    assert shown["evidence"] == []  # a page found broken is no longer shown as evidence


def test_a_cached_page_is_not_shared_between_addresses(alice, erin, newsbot):
    publish(author=alice, editor=erin)
    publish(author=alice, editor=erin)
    client = client_for(newsbot)

    whole = client.get("/api/v1/verdicts/").json()
    one = client.get("/api/v1/verdicts/", {"page_size": 1}).json()
    invalid = client.get("/api/v1/verdicts/", {"page_size": 1, "rating": "purple"})

    assert len(whole["results"]) == 2
    assert len(one["results"]) == 1
    assert invalid.status_code == 400


def test_a_conditional_get_answers_304(alice, erin, newsbot):
    publish(author=alice, editor=erin)
    client = client_for(newsbot)
    first = client.get("/api/v1/verdicts/")

    again = client.get("/api/v1/verdicts/", HTTP_IF_NONE_MATCH=first["ETag"])
    since = client.get("/api/v1/verdicts/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    publish(author=alice, editor=erin)
    changed = client.get("/api/v1/verdicts/", HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    assert again.status_code == 304
    assert again.content == b""
    assert since.status_code == 304
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]


def test_each_token_is_throttled_with_retry_after(settings, newsbot, alice):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "3/min"},
    }
    cache.clear()
    try:
        busy, other = client_for(newsbot), client_for(newsbot)
        statuses = [busy.get("/api/v1/verdicts/").status_code for _ in range(4)]
        throttled = busy.get("/api/v1/verdicts/")
        other_token = other.get("/api/v1/verdicts/")
    finally:
        cache.clear()

    assert statuses == [200, 200, 200, 429]
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    assert throttled.json()["error"]["code"] == "throttled"
    assert other_token.status_code == 200  # its own budget


def test_after_the_burst_a_token_gets_one_request_per_interval(settings, newsbot, monkeypatch):
    from factcheck.throttling import PerTokenRateThrottle

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "3/min"},
    }
    clock = [1_000_000.0]
    monkeypatch.setattr(PerTokenRateThrottle, "timer", lambda self: clock[0])
    cache.clear()
    try:
        client = client_for(newsbot)
        burst = [client.get("/api/v1/verdicts/").status_code for _ in range(4)]
        refused = client.get("/api/v1/verdicts/")
        clock[0] += int(refused["Retry-After"])
        after_waiting = [client.get("/api/v1/verdicts/").status_code for _ in range(2)]
        clock[0] += 60
        whole_again = [client.get("/api/v1/verdicts/").status_code for _ in range(4)]
    finally:
        cache.clear()

    assert burst == [200, 200, 200, 429]
    assert refused["Retry-After"] == "20"  # a minute's budget of 3 refills one per 20 s
    assert after_waiting == [200, 429]
    assert whole_again == [200, 200, 200, 429]


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_of_one_token_never_overspend_its_budget(settings, newsbot):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "5/min"},
    }
    cache.clear()
    token = token_issue(username="newsbot")
    start = threading.Barrier(20)
    statuses = []

    def read():
        try:
            client = Client(HTTP_AUTHORIZATION=f"Token {token}")
            start.wait()
            statuses.append(client.get("/api/v1/me/").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=read) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    cache.clear()

    assert sorted(statuses) == [200] * 5 + [429] * 15


def test_the_in_process_cache_of_the_embedded_default_throttles_the_same(
    settings, newsbot, monkeypatch
):
    from factcheck.throttling import PerTokenRateThrottle

    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "3/min"},
    }
    clock = [2_000_000.0]
    monkeypatch.setattr(PerTokenRateThrottle, "timer", lambda self: clock[0])
    client = client_for(newsbot)

    burst = [client.get("/api/v1/me/").status_code for _ in range(4)]
    refused = client.get("/api/v1/me/")
    clock[0] += 20
    after_waiting = [client.get("/api/v1/me/").status_code for _ in range(2)]

    assert burst == [200, 200, 200, 429]
    assert refused["Retry-After"] == "20"
    assert after_waiting == [200, 429]


def test_an_unreadable_throttle_rate_is_reported_at_start_up(settings):
    from django.core.checks import run_checks

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "lots"},
    }

    errors = [error for error in run_checks() if error.id == "factcheck.E003"]

    assert len(errors) == 1
    assert "'1200/min'" in errors[0].msg


def test_readers_only(alice, erin, newsbot, mallory):
    publish(author=alice, editor=erin)

    assert Client().get("/api/v1/verdicts/").status_code == 401
    assert client_for(mallory).get("/api/v1/verdicts/").status_code == 403
    for reader in (newsbot, alice, erin):
        assert client_for(reader).get("/api/v1/verdicts/").status_code == 200


def test_article_summary_by_id_and_by_url(alice, erin, newsbot):
    article = article_ingested(
        url="https://news.example.com/a",
        found=[Found(), Found(text="Zamir Kabulov estimated around 3,500 militants in the area.")],
    )
    first, _second = article.claims.order_by("start")
    verdict = publish(author=alice, editor=erin, claim=first)
    answers = {}
    for reader in (newsbot, alice):
        client = client_for(reader)

        by_id = client.get(f"/api/v1/articles/{article.id}/summary/").json()
        by_url = client.get("/api/v1/articles/summary/", {"url": "https://news.example.com/a"})
        missing = client.get("/api/v1/articles/summary/", {"url": "https://nowhere.example/x"})

        assert by_id == by_url.json()
        assert by_id["claims"]["published"] == 1
        assert by_id["claims"]["ratings"]["mostly_false"] == 1
        assert [v["id"] for v in by_id["verdicts"]] == [verdict.id]
        assert missing.status_code == 404
        answers[reader.username] = by_id
    # Fact-checkers also see how the rest of the article stands; clients only what was published.
    assert (answers["alice"]["claims"]["found"], answers["alice"]["claims"]["queued"]) == (2, 1)
    assert set(answers["newsbot"]["claims"]) == {"published", "ratings"}


def test_claims_search_answers_in_google_fact_check_tools_shape(alice, erin, newsbot):
    verdict = publish(author=alice, editor=erin)
    token = token_issue(username="newsbot")

    for path in ("/api/v1/claims:search", "/v1alpha1/claims:search"):
        response = Client().get(path, {"query": "strikes ISIL", "key": token})
        assert response.status_code == 200, response.content
        (claim,) = response.json()["claims"]
        assert claim["text"] == verdict.claim.text
        assert claim["claimant"] == "John Kirby"
        assert claim["claimDate"].endswith("Z")
        (review,) = claim["claimReview"]
        assert set(review) == {
            "publisher",
            "url",
            "title",
            "reviewDate",
            "textualRating",
            "languageCode",
        }
        assert review["textualRating"] == "Mostly false"
        assert review["publisher"]["name"] and review["publisher"]["site"]
        assert review["url"].endswith(f"/verdicts/{verdict.id}/")


def test_claims_search_pages_and_refuses_bad_input(alice, erin, newsbot):
    for i in range(3):
        publish(author=alice, editor=erin, days_ago=i + 1)
    client = client_for(newsbot)

    first = client.get("/api/v1/claims:search", {"query": "strikes", "pageSize": 2}).json()
    second = client.get(
        "/api/v1/claims:search",
        {"query": "strikes", "pageSize": 2, "pageToken": first["nextPageToken"]},
    ).json()
    recent = client.get("/api/v1/claims:search", {"query": "strikes", "maxAgeDays": 2}).json()

    assert len(first["claims"]) == 2 and len(second["claims"]) == 1
    assert "nextPageToken" not in second
    assert len(recent["claims"]) == 1
    assert client.get("/api/v1/claims:search").status_code == 400
    bad_token = client.get("/api/v1/claims:search", {"query": "x", "pageToken": "garbage!"})
    assert bad_token.status_code == 400
    assert "pageToken" in bad_token.json()["error"]["message"]
    assert Client().get("/api/v1/claims:search", {"query": "x", "key": "wrong"}).status_code == 401


def test_claimreview_feed_items_have_googles_required_and_recommended_properties(
    alice, erin, newsbot
):
    verdicts = [publish(author=alice, editor=erin, rating=r) for r in ("false", "true")]

    feed = client_for(newsbot).get("/api/v1/claimreview/").json()

    assert feed["@type"] == "DataFeed"
    items = [element["item"] for element in feed["dataFeedElement"]]
    assert len(items) == 2
    for item in items:
        assert item["@type"] == "ClaimReview"
        for prop in GOOGLE_REQUIRED + GOOGLE_RECOMMENDED:
            assert item[prop], prop
        rating = item["reviewRating"]
        assert rating["alternateName"] in ("False", "True")
        assert (rating["worstRating"], rating["bestRating"]) == (1, 5)
        assert rating["ratingValue"] in (1, 5)
        assert item["author"]["@type"] == "Organization"
        claim = item["itemReviewed"]
        assert claim["@type"] == "Claim"
        assert claim["author"]["name"] == "John Kirby"
        assert claim["datePublished"]
        assert claim["appearance"][0]["url"]
    assert {i["url"].rsplit("/", 2)[-2] for i in items} == {str(v.id) for v in verdicts}


def test_the_public_page_embeds_the_same_claimreview(alice, erin, newsbot):
    verdict = publish(author=alice, editor=erin)
    feed = client_for(newsbot).get("/api/v1/claimreview/").json()

    page = Client().get(f"/verdicts/{verdict.id}/")

    assert page.status_code == 200
    data = extruct.extract(page.content.decode(), syntaxes=["json-ld"], uniform=True)
    (embedded,) = data["json-ld"]
    assert embedded == feed["dataFeedElement"][0]["item"]


def test_unpublished_verdicts_have_no_public_page(alice):
    verdict = verdict_drafted(author=alice)

    assert Client().get(f"/verdicts/{verdict.id}/").status_code == 404
