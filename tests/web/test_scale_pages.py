"""The lists at newsroom scale: every list that can grow comes in pages, with the rows shown
of how many and links that keep its filters; a page that does not exist is answered with the
nearest one and a sentence saying so; claims are searched by their words; the count tiles
link to the claims they count; each claim's priority reads as one explained figure; and
editors triage many claims at once, each claim answered in its own row.

alice checks facts, erin and fiona edit.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from reviews import services
from reviews.models import Claim, ClaimState, ReviewEvent
from reviews.presenters import priority_explained
from tests.conftest import client_for
from tests.factories import (
    TRIAGE_SCORE,
    Found,
    article_ingested,
    claim_queued,
    queued_claims,
    triaged_claims,
    verdict_submitted,
)

pytestmark = pytest.mark.django_db

DASH = "\u2013"
MINUS = "\u2212"
HTMX = {"HTTP_HX_REQUEST": "true"}


def messages_in(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def row_of(html: str, claim_id: int, *, prefix: str = "claim-row") -> str:
    """The table row of the claim, as the page or fragment shows it."""
    found = re.search(rf'<tr id="{prefix}-{claim_id}".*?</tr>', html, re.S)
    assert found, f"no row for claim {claim_id}"
    return found.group()


def shown_ids(response, key: str = "waiting") -> list[int]:
    return [item.pk for item in response.context[key]]


@pytest.fixture
def small_pages(monkeypatch):
    """Lists in pages of two rows, so that three rows make two pages."""
    monkeypatch.setattr("factcheck.paging.PAGE_SIZE", 2)


@pytest.fixture
def economy_article():
    """Three queued claims with words, figures and claimants a search may look for."""
    body = (
        "Unemployment fell to 3.9% in May. Inflation rose 2% last year. "
        "The minister said exports doubled."
    )
    return article_ingested(
        body=body,
        found=[
            Found(text="Unemployment fell to 3.9% in May.", claimant="Rachel Reeves"),
            Found(text="Inflation rose 2% last year.", claimant="Bank of England"),
            Found(text="The minister said exports doubled.", claimant=""),
        ],
    )


# --- pages, with counts and links that keep the filters -------------------------------------


def test_the_queue_comes_in_pages_of_fifty_with_counts_and_filtered_links(alice, signed_in):
    claims = queued_claims(120)
    client = signed_in(alice)

    first = client.get(reverse("queue"), {"kind": "statistic"})
    third = client.get(reverse("queue"), {"kind": "statistic", "page": 3})

    first_html = first.content.decode()
    assert f"1{DASH}50 of 120" in first_html
    assert len(first.context["waiting"]) == 50
    assert 'href="?kind=statistic&amp;page=2#waiting"' in first_html
    assert 'aria-label="Page 3"' in first_html
    assert f"101{DASH}120 of 120" in third.content.decode()
    # The queue's order runs on across pages: the same priority, oldest first.
    everything = (
        shown_ids(first) + shown_ids(client.get(reverse("queue"), {"page": 2})) + (shown_ids(third))
    )
    assert everything == [claim.pk for claim in claims]


@pytest.mark.parametrize(
    ("asked", "notice", "number"),
    [
        ("99", "There is no page 99: this is the last page, 3.", 3),
        ("abc", "“abc” is not a page number: this is the first page.", 1),
        ("0", "Pages are numbered from 1: this is the first page.", 1),
        ("-4", "Pages are numbered from 1: this is the first page.", 1),
    ],
)
def test_a_page_that_does_not_exist_is_the_nearest_one_with_a_notice(
    alice, signed_in, asked, notice, number
):
    queued_claims(120)

    response = signed_in(alice).get(reverse("queue"), {"page": asked})

    assert response.status_code == 200
    assert response.context["listing"].page.number == number
    assert f'<p class="list-notice" role="status">{notice}</p>' in response.content.decode()


def test_the_article_list_comes_in_pages(alice, signed_in):
    articles = [article_ingested() for _ in range(51)]
    client = signed_in(alice)

    first = client.get(reverse("article-list"))
    second = client.get(reverse("article-list"), {"page": 2})
    past = client.get(reverse("article-list"), {"page": 7})

    assert f"1{DASH}50 of 51" in first.content.decode()
    assert [article.pk for article in first.context["articles"]][:2] == [
        articles[-1].pk,
        articles[-2].pk,
    ]
    assert "51 of 51" in second.content.decode()
    assert [article.pk for article in second.context["articles"]] == [articles[0].pk]
    assert "There is no page 7: this is the last page, 2." in past.content.decode()


def test_the_signoff_inbox_comes_in_pages_oldest_first(alice, erin, signed_in, small_pages):
    verdicts = [verdict_submitted(author=alice) for _ in range(3)]
    client = signed_in(erin)

    first = client.get(reverse("signoff-inbox"))
    second = client.get(reverse("signoff-inbox"), {"page": 2})

    assert f"1{DASH}2 of 3" in first.content.decode()
    assert "3 verdicts waiting, oldest first." in first.content.decode()
    assert [v.pk for v in first.context["waiting"]] == [verdicts[0].pk, verdicts[1].pk]
    assert [v.pk for v in second.context["waiting"]] == [verdicts[2].pk]
    assert "3 of 3" in second.content.decode()
    # Only the first page's first verdict is the oldest, which `o` opens.
    assert 'data-shortcut="o"' in first.content.decode()
    assert 'data-shortcut="o"' not in second.content.decode()


def test_an_articles_claims_come_in_pages_with_the_whole_text_marked(erin, signed_in):
    claims = queued_claims(60)
    article = claims[0].article
    client = signed_in(erin)

    first = client.get(reverse("article-detail", args=[article.pk]))
    second = client.get(reverse("article-detail", args=[article.pk]), {"page": 2})

    html = first.content.decode()
    assert f"1{DASH}50 of 60" in html
    assert 'href="?page=2#claims"' in html
    assert f"51{DASH}60 of 60" in second.content.decode()
    assert [claim.pk for claim in second.context["claims"]] == [c.pk for c in claims[50:]]
    # The text marks every claim, whichever page of them the table shows.
    assert f'href="/claims/{claims[-1].pk}/"' in html


# --- search -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("search", "found"),
    [
        ("unemployment", ["Unemployment"]),
        ("3.9%", ["Unemployment"]),
        ("REEVES", ["Unemployment"]),
        ('"rose 2%" england', ["Inflation"]),
        ("inflation reeves", []),
        ("minister exports", ["The minister"]),
    ],
)
def test_the_queue_searches_claims_by_their_words_and_claimants(
    economy_article, alice, signed_in, search, found
):
    queued_claims(2)

    response = signed_in(alice).get(reverse("queue"), {"q": search})

    shown = [claim.text.split(" ")[0] for claim in response.context["waiting"]]
    assert shown == [words.split(" ")[0] for words in found]
    counts = {tile["state"]: tile["count"] for tile in response.context["state_counts"]}
    assert counts[ClaimState.QUEUED] == len(found)


def test_a_search_of_too_many_words_is_refused_with_a_message(economy_article, alice, signed_in):
    response = signed_in(alice).get(reverse("queue"), {"q": "a b c d e f g h i"})

    assert response.status_code == 200
    assert "Search: Search for at most 8 words or quoted phrases" in response.content.decode()


def test_the_claims_api_searches_with_q(economy_article, alice):
    client = client_for(alice)

    found = client.get("/api/v1/claims/", {"q": "3.9% reeves"})
    too_many = client.get("/api/v1/claims/", {"q": "a b c d e f g h i"})
    empty = client.get("/api/v1/claims/", {"q": ""})

    assert found.status_code == 200
    assert [claim["text"] for claim in found.json()["results"]] == [
        "Unemployment fell to 3.9% in May."
    ]
    assert too_many.status_code == 400
    assert "at most 8 words" in str(too_many.json()["error"]["details"]["q"])
    assert empty.status_code == 400


# --- the count tiles link to what they count --------------------------------------------------


def test_the_queue_tiles_link_to_the_claims_they_count_keeping_the_filters(alice, erin, signed_in):
    queued, dismissed = queued_claims(2)
    (triaged,) = triaged_claims(1)
    services.claim_dismiss(claim=dismissed, by=erin, reason="opinion")
    client = signed_in(alice)

    page = client.get(reverse("queue"), {"kind": "statistic", "page": 1})
    hrefs = {tile["state"]: tile["href"] for tile in page.context["state_counts"]}
    listed = client.get(reverse("queue") + hrefs[ClaimState.DISMISSED].split("#")[0])
    in_triage = client.get(reverse("queue") + hrefs[ClaimState.TRIAGE].split("#")[0])

    assert hrefs[ClaimState.DISMISSED] == "?kind=statistic&state=dismissed#waiting"
    assert 'href="?kind=statistic&amp;state=triage#waiting"' in page.content.decode()
    assert shown_ids(listed) == [dismissed.pk]
    assert "<h2>Dismissed <span" in listed.content.decode()
    assert shown_ids(in_triage) == [triaged.pk]
    assert shown_ids(page) == [queued.pk]


def test_the_article_tiles_filter_its_claims_by_state(erin, signed_in):
    claims = queued_claims(3)
    services.claim_dismiss(claim=claims[1], by=erin, reason="duplicate")
    client = signed_in(erin)
    path = reverse("article-detail", args=[claims[0].article_id])

    page = client.get(path)
    dismissed = client.get(path, {"state": "dismissed"})

    assert 'href="?state=dismissed#claims"' in page.content.decode()
    assert [claim.pk for claim in dismissed.context["claims"]] == [claims[1].pk]
    assert "Listing the claims dismissed only." in dismissed.content.decode()


# --- one explained figure ---------------------------------------------------------------------


def test_each_list_explains_a_claims_priority_in_one_figure(alice, erin, signed_in):
    claim = claim_queued(score=0.9, published_at=timezone.now())
    services.claim_boost(claim=claim, by=erin, boost=20)
    explained = "check-worthiness 0.90 · published today +10 · boosted +20"

    queue = signed_in(alice).get(reverse("queue")).content.decode()
    article = signed_in(erin).get(reverse("article-detail", args=[claim.article_id]))
    workspace = signed_in(alice).get(reverse("claim-workspace", args=[claim.pk]))

    rows = (row_of(queue, claim.pk, prefix="waiting"), row_of(article.content.decode(), claim.pk))
    for html in rows:
        assert '<span class="priority-figure">120.0</span>' in html
        assert explained in html
    assert explained in workspace.content.decode()
    assert Claim.objects.get(pk=claim.pk).priority == pytest.approx(120.0, abs=0.01)


def test_the_explained_priority_adds_up_to_the_figure_with_every_part():
    now = timezone.now()
    article = Article(published_at=now - timedelta(days=1))
    claim = Claim(
        article=article, score=0.98, boost=-20, checked_before=True, created_at=now, priority=0
    )
    claim.priority = round(98 + 10 * (1 - 1 / 30) - 20 - 110, 3)

    explained = priority_explained(claim)

    assert str(explained) == (
        f"check-worthiness 0.98 · published yesterday +9.7 · lowered {MINUS}20 · "
        f"checked before {MINUS}110"
    )
    assert sum(part.points for part in explained.parts) == pytest.approx(explained.figure, abs=1e-3)


def test_an_article_without_a_date_adds_no_recency(alice, signed_in):
    claim = claim_queued(score=0.65)

    html = signed_in(alice).get(reverse("queue")).content.decode()

    row = row_of(html, claim.pk, prefix="waiting")
    assert '<span class="priority-figure">65.0</span>' in row
    assert '<span class="priority-why small">check-worthiness 0.65</span>' in row


# --- the triage page ----------------------------------------------------------------------------


def test_editors_find_claims_awaiting_triage_newest_articles_first(erin, alice, signed_in):
    older = triaged_claims(2)
    exports = "Exports grew 12% in the spring."
    newer = article_ingested(body=exports, found=[Found(text=exports, score=TRIAGE_SCORE)])
    newer = list(newer.claims.all())
    claim_queued()

    page = signed_in(erin).get(reverse("triage"))
    searched = signed_in(erin).get(reverse("triage"), {"q": "exports 12%"})

    html = page.content.decode()
    assert [claim.pk for claim in page.context["rows"]] == [newer[0].pk, *[c.pk for c in older]]
    assert f"1{DASH}3 of 3" in html
    assert 'href="/triage/"' in html
    assert [claim.pk for claim in searched.context["rows"]] == [newer[0].pk]
    assert signed_in(alice).get(reverse("triage")).status_code == 403
    assert 'href="/triage/"' not in signed_in(alice).get(reverse("queue")).content.decode()


def test_the_triage_page_comes_in_pages(erin, signed_in, small_pages):
    claims = triaged_claims(3)

    second = signed_in(erin).get(reverse("triage"), {"page": 2})

    assert [claim.pk for claim in second.context["rows"]] == [claims[2].pk]
    assert "3 of 3" in second.content.decode()
    assert 'href="?page=1"' in second.content.decode()


# --- triage in bulk ---------------------------------------------------------------------------


def test_bulk_queueing_answers_each_row_in_place(erin, fiona, signed_in):
    claims = triaged_claims(3)
    # Someone else queued one while the page was open.
    services.claim_queue(claim=claims[1], by=fiona)

    response = signed_in(erin).post(
        reverse("claims-triage-bulk"),
        {
            "claims": [claim.pk for claim in claims],
            "move": "queue",
            "shown": [claim.pk for claim in claims],
            "layout": "triage",
            "next": reverse("triage"),
        },
        **HTMX,
    )

    html = response.content.decode().strip()
    assert response.status_code == 200
    assert html.startswith(
        '<p class="done">2 claims put in the review queue. 1 not queued: see why in its row.</p>'
    )
    assert 'id="triage-table" hx-swap-oob="true"' in html
    assert 'role="status" tabindex="-1" data-row-message>Put in the review queue.</p>' in row_of(
        html, claims[0].pk
    )
    refused = row_of(html, claims[1].pk)
    assert (
        f"Claim {claims[1].pk} not queued: Cannot put a claim in the review queue: the claim "
        "is queued."
    ) in refused
    assert 'class="row-refused"' in refused and " checked>" in refused
    assert [c.state for c in Claim.objects.filter(pk__in=[c.pk for c in claims])] == ["queued"] * 3
    moves = ReviewEvent.objects.filter(action="queue").values_list("claim_id", "actor__username")
    assert sorted(moves) == sorted(
        [(claims[0].pk, "erin"), (claims[1].pk, "fiona"), (claims[2].pk, "erin")]
    )


def test_bulk_dismissal_needs_one_reason_and_says_so_where_the_buttons_are(erin, signed_in):
    claims = triaged_claims(2)
    ids = [claim.pk for claim in claims]

    without = signed_in(erin).post(
        reverse("claims-triage-bulk"), {"claims": ids, "move": "dismiss", "shown": ids}, **HTMX
    )
    nothing = signed_in(erin).post(
        reverse("claims-triage-bulk"), {"move": "queue", "shown": ids}, **HTMX
    )
    dismissed = signed_in(erin).post(
        reverse("claims-triage-bulk"),
        {"claims": ids, "move": "dismiss", "reason": "not_check_worthy", "shown": ids},
        **HTMX,
    )

    assert without.status_code == 400
    assert without.content.decode().strip() == (
        '<p class="error">Nothing triaged: Reason for dismissing: Choose a reason for '
        "dismissing the selected claims.</p>"
    )
    assert nothing.status_code == 400
    assert (
        "Nothing triaged: Selected claims: Select at least one claim." in nothing.content.decode()
    )
    assert "2 claims dismissed (Not check-worthy)." in dismissed.content.decode()
    assert set(Claim.objects.filter(pk__in=ids).values_list("dismiss_reason", flat=True)) == {
        "not_check_worthy"
    }


def test_bulk_triage_without_htmx_goes_back_with_each_refusal(erin, fiona, signed_in):
    claims = triaged_claims(2)
    services.claim_dismiss(claim=claims[0], by=fiona, reason="opinion")
    services.claim_queue(claim=claims[0], by=fiona)
    back = reverse("article-detail", args=[claims[0].article_id]) + "?page=1"
    client = signed_in(erin)

    response = client.post(
        reverse("claims-triage-bulk"),
        {"claims": [c.pk for c in claims], "move": "queue", "next": back},
    )

    assert response.status_code == 302
    assert response["Location"] == back
    page = client.get(back)
    assert messages_in(page) == [
        "1 claim put in the review queue. 1 not queued: see why below.",
        f"Claim {claims[0].pk} not queued: Cannot put a claim in the review queue: the claim "
        "is queued.",
    ]


def test_only_editors_triage_in_bulk(alice, signed_in):
    claims = triaged_claims(1)

    response = signed_in(alice).post(
        reverse("claims-triage-bulk"), {"claims": [claims[0].pk], "move": "queue"}, **HTMX
    )

    assert response.status_code == 403
    assert Claim.objects.get(pk=claims[0].pk).state == "triage"


def test_the_article_page_offers_bulk_triage_to_editors_only(alice, erin, signed_in):
    claims = triaged_claims(2)
    path = reverse("article-detail", args=[claims[0].article_id])

    editor = signed_in(erin).get(path).content.decode()
    checker = signed_in(alice).get(path).content.decode()

    assert 'id="bulk-triage"' in editor
    assert f'<label for="select-claim-{claims[0].pk}" class="visually-hidden">' in editor
    assert 'form="bulk-triage"' in row_of(editor, claims[1].pk)
    assert "Select all on this page" in editor
    assert 'id="bulk-triage"' not in checker and 'form="bulk-triage"' not in checker


# --- the triage forms answer in the row -------------------------------------------------------


def test_a_triage_form_answers_its_row_with_the_outcome(erin, signed_in):
    (claim,) = triaged_claims(1)
    client = signed_in(erin)

    dismissed = client.post(
        reverse("claim-dismiss", args=[claim.pk]),
        {"reason": "opinion", "layout": "triage", "next": reverse("triage")},
        **HTMX,
    )
    too_big = client.post(
        reverse("claim-boost", args=[claim.pk]), {"boost": 500, "layout": "triage"}, **HTMX
    )
    again = client.post(
        reverse("claim-dismiss", args=[claim.pk]), {"reason": "opinion", "layout": "triage"}, **HTMX
    )

    row = dismissed.content.decode().strip()
    assert dismissed.status_code == 200
    assert row.startswith(f'<tr id="claim-row-{claim.pk}"')
    assert 'role="status" tabindex="-1" data-row-message>Claim dismissed.</p>' in row
    assert "Opinion, not a factual claim" in row
    assert 'value="/triage/"' in row
    assert too_big.status_code == 400
    assert (
        f"Claim {claim.pk} not boosted: Boost: Ensure this value is less than or equal to 100."
    ) in too_big.content.decode()
    assert again.status_code == 409
    assert (
        f"Claim {claim.pk} not dismissed: Cannot dismiss a claim: the claim is dismissed."
    ) in again.content.decode()
    assert Claim.objects.get(pk=claim.pk).boost == 0


def test_length_limits_are_counted_on_the_fields_that_have_them(erin, alice, signed_in):
    triaged_claims(1)
    claim = claim_queued()
    services.claim_take(claim=claim, by=alice)

    triage = signed_in(erin).get(reverse("triage")).content.decode()
    workspace = signed_in(alice).get(reverse("claim-workspace", args=[claim.pk])).content.decode()

    assert re.search(
        r'<input type="text" name="comment" maxlength="2000" data-maxlength-counter>', triage
    )
    assert re.search(r'name="headline"[^>]*maxlength="300"[^>]*data-maxlength-counter', workspace)
    assert 'data-maxlength-counter="20000"' in workspace
    assert re.search(r'name="note"[^>]*maxlength="2000"[^>]*data-maxlength-counter', workspace)
