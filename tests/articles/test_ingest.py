"""Ingesting articles through the API and the commands: stored once, extracted, cited links
fetched, and bad input refused with nothing left behind."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from werkzeug import Response

from articles.models import Article, ArticleLink
from reviews.models import Claim, ReviewEvent
from sources.models import Source
from sources.tasks import fetch_source
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "articles"
EXAMPLE = (FIXTURES / "global-research-2015-10-09-russia-syria-offensive.md").read_text()

WIRE_TEXT = (
    "The ministry said on Tuesday that 1,240 people had been displaced by the floods, "
    "more than twice the number reported a week earlier.\n\n"
    "According to the regional governor, around 300 homes were destroyed."
)
CITING_MARKDOWN = (
    "# Budget row\n\nThe finance minister said spending rose by 12% in 2024, according to "
    "[the treasury report]({report}). Critics said the figure hides cuts.\n"
)
NAV_ONLY_HTML = (
    "<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
    "<footer>Copyright 2024</footer></body></html>"
)


def test_pasted_text_is_stored_with_its_claims(alice):
    response = client_for(alice).post(
        "/api/v1/articles/", {"title": "Floods", "text": WIRE_TEXT}, format="json"
    )

    assert response.status_code == 201, response.json()
    article = response.json()
    assert article["ingest_state"] == "extracted"
    assert article["title"] == "Floods"
    assert article["claims"], "a wire report with figures yields claims"
    for claim in article["claims"]:
        assert article["body"][claim["start"] : claim["end"]] == claim["text"]
        assert claim["state"] in ("queued", "triage")
    assert response["Location"] == f"/api/v1/articles/{article['id']}/"


def test_the_same_content_again_is_the_same_article(alice, bob):
    first = client_for(alice).post("/api/v1/articles/", {"text": WIRE_TEXT}, format="json")
    again = client_for(bob).post("/api/v1/articles/", {"text": WIRE_TEXT + "\n\n"}, format="json")

    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Article.objects.count() == 1
    assert Claim.objects.count() == len(first.json()["claims"])


def test_the_example_article_is_ingested_from_markdown_without_boilerplate(erin):
    response = client_for(erin).post("/api/v1/articles/", {"markdown": EXAMPLE}, format="json")

    article = response.json()
    assert response.status_code == 201
    assert article["title"].startswith("Russia and Syria on the Offensive")
    texts = [claim["text"] for claim in article["claims"]]
    assert any("Greater than 90% of the strikes" in text for text in texts)
    assert not any("Lendman" in text for text in texts)
    assert not any("Global Research" in text for text in texts)
    kirby = next(c for c in article["claims"] if "Greater than 90%" in c["text"])
    assert "Kirby" in kirby["claimant"]
    assert kirby["state"] == "queued"


def test_markdown_links_become_cited_links_fetched_by_the_workers(alice, local_web):
    local_web.expect_request("/treasury").respond_with_data(
        "<html><title>Treasury report</title><body><p>Spending rose 12%.</p></body></html>",
        content_type="text/html",
    )
    markdown = CITING_MARKDOWN.format(report=local_web.url_for("/treasury"))

    article = (
        client_for(alice).post("/api/v1/articles/", {"markdown": markdown}, format="json").json()
    )
    (link,) = ArticleLink.objects.filter(article_id=article["id"])
    fetch_source(link.source_id)

    assert link.anchor_text == "the treasury report"
    body = Article.objects.get(pk=article["id"]).body
    assert body[link.position : link.position + len(link.anchor_text)] == link.anchor_text
    assert Source.objects.get(pk=link.source_id).state == "fetched"


def test_html_goes_through_main_text_extraction(alice):
    html = (
        "<html><head><title>Floods in the valley</title></head><body>"
        "<nav><a href='/'>Home</a><a href='/world'>World</a><a href='/sport'>Sport</a></nav>"
        f"<article><h1>Floods in the valley</h1><p>{WIRE_TEXT.split(chr(10))[0]}</p>"
        f"<p>{WIRE_TEXT.split(chr(10))[-1]}</p></article>"
        "<footer><p>Copyright 2024 Valley News. All rights reserved.</p>"
        "<p>Share this article on Facebook</p></footer></body></html>"
    )

    article = client_for(alice).post("/api/v1/articles/", {"html": html}, format="json").json()

    assert "1,240 people" in article["body"]
    assert "All rights reserved" not in article["body"]
    assert "Sport" not in article["body"]


@pytest.mark.parametrize(
    ("declared", "stored"),
    [("PT_br", "pt-BR"), ("en-us", "en-US"), ("zh_hant_TW", "zh-Hant-TW"), ("DE", "de")],
)
def test_pasted_html_keeps_its_declared_language_in_the_tags_own_form(alice, declared, stored):
    html = f"<html lang='{declared}'><body><article><p>{WIRE_TEXT}</p></article></body></html>"

    article = client_for(alice).post("/api/v1/articles/", {"html": html}, format="json").json()

    assert article["language"] == stored


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"text": "   "}, "empty"),
        ({"text": ""}, "blank"),
        ({"html": NAV_ONLY_HTML}, "No article text"),
        ({"url": "ftp://example.org/a.txt"}, "http"),
        ({"url": "javascript:alert(1)"}, "http"),
        ({"text": "A", "html": "<p>A</p>"}, "one format"),
        ({}, "url to fetch"),
        ({"text": ["a list"]}, "string"),
        ({"text": WIRE_TEXT, "published_at": "last Tuesday"}, "published_at"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(alice, payload, message):
    response = client_for(alice).post("/api/v1/articles/", payload, format="json")

    assert response.status_code == 400
    assert message.lower() in response.json()["error"]["message"].lower()
    assert Article.objects.count() == 0
    assert Claim.objects.count() == 0
    assert ReviewEvent.objects.count() == 0


def test_text_over_the_size_limit_is_refused(alice, settings):
    settings.ARTICLE_MAX_BODY_CHARS = 500

    response = client_for(alice).post("/api/v1/articles/", {"text": WIRE_TEXT * 10}, format="json")

    assert response.status_code == 400
    assert "too long" in response.json()["error"]["message"]
    assert Article.objects.count() == 0


def test_a_huge_request_body_is_a_413(alice):
    response = client_for(alice).post(
        "/api/v1/articles/", {"text": "x" * (6 * 1024 * 1024)}, format="json"
    )

    assert response.status_code == 413
    assert "larger than" in response.json()["error"]["message"]
    assert Article.objects.count() == 0


@pytest.mark.parametrize(
    ("declared", "language"),
    # No tag: guessed from the text. A tag: kept in its own form, as its page wrote it.
    [("", "en"), (" lang='EN_gb'", "en-GB"), (" lang='es-419'", "es-419")],
)
def test_a_url_is_accepted_then_fetched_and_extracted(
    alice, local_web, tasks_in_process, django_capture_on_commit_callbacks, declared, language
):
    local_web.expect_request("/story").respond_with_data(
        f"<html{declared}><head><title>Floods</title></head><body><article><p>{WIRE_TEXT}</p>"
        "</article></body></html>",
        content_type="text/html",
    )
    client = client_for(alice)

    with django_capture_on_commit_callbacks(execute=True):
        accepted = client.post(
            "/api/v1/articles/", {"url": local_web.url_for("/story")}, format="json"
        )
    article = client.get(f"/api/v1/articles/{accepted.json()['id']}/").json()

    assert accepted.status_code == 202
    assert accepted.json()["ingest_state"] == "fetching"
    assert article["ingest_state"] == "extracted"
    assert (article["title"], article["language"]) == ("Floods", language)
    assert any("1,240 people" in claim["text"] for claim in article["claims"])
    again = client.post("/api/v1/articles/", {"url": local_web.url_for("/story")}, format="json")
    assert again.status_code == 200 and again.json()["id"] == article["id"]


def test_a_url_that_cannot_be_fetched_fails_the_article_with_the_reason(
    alice, local_web, tasks_in_process, django_capture_on_commit_callbacks
):
    local_web.expect_request("/gone").respond_with_data("Gone", status=404)

    with django_capture_on_commit_callbacks(execute=True):
        accepted = client_for(alice).post(
            "/api/v1/articles/", {"url": local_web.url_for("/gone")}, format="json"
        )

    article = Article.objects.get(pk=accepted.json()["id"])
    assert article.ingest_state == "failed"
    assert "404" in article.ingest_error


def _submit_url(user, url, capture):
    """Submit `url` and run what follows on commit (the fetch, then extraction) to the end."""
    with capture(execute=True):
        accepted = client_for(user).post("/api/v1/articles/", {"url": url}, format="json")
    assert accepted.status_code == 202, accepted.json()
    return Article.objects.get(pk=accepted.json()["id"])


NUL_IN_HTML = (
    "<html><head><title>Flo\x00ods</title></head><body><article><p>"
    + WIRE_TEXT.replace("people", "peo\x00ple")
    + "</p></article></body></html>"
).encode()


def test_a_url_serving_hello_nul_world_as_plain_text_fails_with_the_reason(
    alice, local_web, tasks_in_process, django_capture_on_commit_callbacks
):
    local_web.expect_request("/nul.txt").respond_with_data(
        b"hello\x00world", content_type="text/plain"
    )

    article = _submit_url(alice, local_web.url_for("/nul.txt"), django_capture_on_commit_callbacks)

    assert article.source.state == "fetched"
    assert article.source.snapshots.get().text == "helloworld"
    # Two words are not an article: it fails, saying why, instead of waiting for ever.
    assert article.ingest_state == "failed"
    assert "No article text found" in article.ingest_error


@pytest.mark.parametrize(
    ("content_type", "page", "title"),
    [
        ("text/plain", WIRE_TEXT.replace("people", "peo\x00ple").encode(), ""),
        ("text/html; charset=utf-8", NUL_IN_HTML, "Floods"),
    ],
)
def test_a_url_serving_nul_bytes_is_fetched_and_extracted_without_them(
    alice,
    local_web,
    tasks_in_process,
    django_capture_on_commit_callbacks,
    content_type,
    page,
    title,
):
    local_web.expect_request("/nul").respond_with_data(page, content_type=content_type)

    article = _submit_url(alice, local_web.url_for("/nul"), django_capture_on_commit_callbacks)

    assert article.ingest_state == "extracted"
    assert article.source.state == "fetched"
    assert article.title == title
    assert "1,240 people" in article.body
    for stored in (article.title, article.body, article.raw_content):
        assert "\x00" not in stored
    assert Claim.objects.filter(article=article).exists()


@pytest.fixture
def refuse_successful_snapshots():
    """The database refuses to store a successful snapshot, as it refuses a value it cannot
    hold; the test's transaction is rolled back at its end, and the trigger with it."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION test_refuse_snapshot() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'this snapshot cannot be stored'; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER test_refuse_snapshot BEFORE INSERT ON sources_sourcesnapshot "
            "FOR EACH ROW WHEN (NEW.error_kind = '') EXECUTE FUNCTION test_refuse_snapshot()"
        )


def test_a_url_whose_page_cannot_be_stored_fails_the_article_with_the_reason(
    alice,
    local_web,
    tasks_in_process,
    django_capture_on_commit_callbacks,
    refuse_successful_snapshots,
):
    local_web.expect_request("/story").respond_with_data(
        f"<html><body><article><p>{WIRE_TEXT}</p></article></body></html>",
        content_type="text/html",
    )

    article = _submit_url(alice, local_web.url_for("/story"), django_capture_on_commit_callbacks)

    assert article.ingest_state == "failed"
    assert "could not be stored" in article.ingest_error
    assert article.source.state == "failed"


def test_a_url_whose_earlier_fetch_failed_is_fetched_again_for_a_new_article(
    alice, local_web, tasks_in_process, django_capture_on_commit_callbacks
):
    from sources.services import source_for_url

    pages = iter(
        [
            Response("Not yet", status=404),
            Response(
                f"<html><body><article><p>{WIRE_TEXT}</p></article></body></html>",
                200,
                content_type="text/html",
            ),
        ]
    )
    local_web.expect_request("/story").respond_with_handler(lambda request: next(pages))
    # Cited as evidence before the page existed: its fetch failed for good.
    cited = source_for_url(url=local_web.url_for("/story"))
    fetch_source(cited.pk)
    assert Source.objects.get(pk=cited.pk).state == "failed"

    article = _submit_url(alice, local_web.url_for("/story"), django_capture_on_commit_callbacks)

    assert article.source_id == cited.pk
    assert article.ingest_state == "extracted"
    assert "1,240 people" in article.body


def test_an_article_whose_extraction_fails_is_failed_not_left_fetching(
    alice, local_web, tasks_in_process, django_capture_on_commit_callbacks
):
    from django.db import connection

    local_web.expect_request("/story").respond_with_data(
        f"<html><body><article><p>{WIRE_TEXT}</p></article></body></html>",
        content_type="text/html",
    )
    # The database refuses the extracted article, as it would refuse any value it cannot hold.
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION test_refuse_article() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'this article cannot be stored'; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER test_refuse_article BEFORE UPDATE ON articles_article "
            "FOR EACH ROW WHEN (NEW.body <> '') EXECUTE FUNCTION test_refuse_article()"
        )

    article = _submit_url(alice, local_web.url_for("/story"), django_capture_on_commit_callbacks)

    assert article.source.state == "fetched"
    assert article.ingest_state == "failed"
    assert "could not be extracted" in article.ingest_error
    assert article.body == ""


def test_a_newer_extraction_adds_its_new_claims_and_leaves_stored_ones_alone(alice):
    from articles.extraction.claims import ExtractedClaim
    from reviews.services import claims_record_extracted

    created = client_for(alice).post("/api/v1/articles/", {"text": WIRE_TEXT}, format="json")
    article = Article.objects.get(pk=created.json()["id"])
    stored = Claim.objects.filter(article=article).order_by("start").first()
    phrase = "around 300 homes were destroyed"
    start = article.body.index(phrase)

    def extracted(text, start, score):
        return ExtractedClaim(
            text=text,
            start=start,
            end=start + len(text),
            kind="estimate",
            claimant="",
            claimant_title="",
            score=score,
        )

    added = claims_record_extracted(
        article=article,
        extracted=[extracted(stored.text, stored.start, 0.01), extracted(phrase, start, 0.9)],
        enters_queue=lambda item: item.score >= 0.5,
    )

    assert [claim.text for claim in added] == [phrase]
    stored_again = Claim.objects.get(pk=stored.pk)
    assert (stored_again.score, stored_again.state) == (stored.score, stored.state)


def test_ingest_command_stores_files_and_shows_progress_for_several(tmp_path):
    (tmp_path / "wire.txt").write_text(WIRE_TEXT)
    (tmp_path / "example.md").write_text(EXAMPLE)
    out, err = io.StringIO(), io.StringIO()

    call_command(
        "ingest", str(tmp_path / "wire.txt"), str(tmp_path / "example.md"), stdout=out, stderr=err
    )

    assert Article.objects.count() == 2
    lines = out.getvalue().splitlines()
    assert any("wire.txt stored" in line for line in lines)
    assert any("example.md stored" in line for line in lines)
    assert "2/2" in err.getvalue()  # the progress bar


def test_ingest_command_reports_what_failed(tmp_path):
    with pytest.raises(CommandError, match="1 of 1 could not be ingested"):
        call_command(
            "ingest", str(tmp_path / "missing.md"), stdout=io.StringIO(), stderr=io.StringIO()
        )


def test_load_demo_is_safe_to_run_twice():
    first, second = io.StringIO(), io.StringIO()

    call_command("load_demo", stdout=first)
    call_command("load_demo", stdout=second)

    assert "Loaded demo article" in first.getvalue()
    assert "Already loaded demo article" in second.getvalue()
    assert Article.objects.count() == 1
    for role in ("fact_checker", "editor", "api_client"):
        assert role in second.getvalue()
    assert Claim.objects.filter(state="queued").exists()


@pytest.mark.parametrize(
    ("page", "ends"),
    [
        (
            Response(
                f"<html><body><article><p>{WIRE_TEXT}</p></article></body></html>",
                200,
                content_type="text/html",
            ),
            "extracted",
        ),
        (Response("Gone", status=404), "failed"),
    ],
)
def test_an_article_whose_fetch_ended_while_its_message_was_lost_is_settled_by_the_sweep(
    alice, local_web, tasks_in_process, page, ends
):
    from articles.tasks import sweep_articles

    local_web.expect_request("/story").respond_with_handler(lambda request: page)
    # Submitted, then fetched; the messages sent on commit never arrive (the test's
    # transaction never commits), as when a broker was down or a worker was killed.
    accepted = client_for(alice).post(
        "/api/v1/articles/", {"url": local_web.url_for("/story")}, format="json"
    )
    article = Article.objects.get(pk=accepted.json()["id"])
    fetch_source(article.source_id)
    assert Article.objects.get(pk=article.pk).ingest_state == "fetching"

    settled = sweep_articles()

    article.refresh_from_db()
    assert settled == 1
    assert article.ingest_state == ends
    if ends == "failed":
        assert "404" in article.ingest_error
    else:
        assert "1,240 people" in article.body
    assert sweep_articles() == 0
