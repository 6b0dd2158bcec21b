"""What changed since the return: the editor reviewing a resubmitted verdict sees its rating,
headline and rationale as returned against what was resubmitted, word by word.

alice checks facts, bob too; erin and fiona edit; newsbot is an API client.
"""

import pytest
from django.urls import reverse

from discussion.diffs import word_diff_html
from reviews import services
from reviews.models import Verdict
from tests.conftest import client_for, signed_in_client
from tests.factories import VERDICT, verdict_submitted

pytestmark = pytest.mark.django_db

COMMENT = "The rating is too soft, and say where the monitors' count comes from."


def changes_url(claim_id: int) -> str:
    return f"/api/v1/claims/{claim_id}/verdict/changes/"


def returned(verdict: Verdict, *, by, comment: str = COMMENT, capture) -> Verdict:
    """`by` returns `verdict`, and what listens once the return commits has heard it."""
    with capture(execute=True):
        return services.verdict_return(
            verdict=verdict, by=by, expected_version=verdict.version, comment=comment
        )


def resubmitted(verdict: Verdict, *, by, **fields) -> Verdict:
    if fields:
        verdict = services.verdict_update(
            verdict=verdict, by=by, expected_version=verdict.version, **fields
        )
    return services.verdict_submit(verdict=verdict, by=by, expected_version=verdict.version)


@pytest.fixture
def fixed(alice, erin, django_capture_on_commit_callbacks):
    """alice's verdict, returned by erin, then edited by alice and submitted again."""
    verdict = returned(
        verdict_submitted(author=alice), by=erin, capture=django_capture_on_commit_callbacks
    )
    return resubmitted(
        verdict,
        by=alice,
        rating="false",
        headline="Most strikes did hit ISIL positions, independent monitors say",
        rationale="Independent monitors (the <b>Airwars</b> count) recorded **most** strikes "
        "on ISIL-held areas.",
    )


def test_the_editor_sees_what_changed_since_the_return_on_the_signoff_page(fixed, fiona):
    page = signed_in_client(fiona).get(reverse("signoff-review", args=[fixed.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert "What changed since the return" in html
    assert "by erin" in html and COMMENT.replace("'", "&#x27;") in html
    assert "<del>Mostly false</del> <ins>False</ins>" in html
    assert "ISIL positions, <ins>independent </ins>monitors say" in html
    assert "monitors<ins> (the &lt;b&gt;Airwars&lt;/b&gt; count)</ins> recorded" in html
    assert "<b>Airwars</b>" not in html


def test_the_api_answers_the_same_changes(fixed, erin):
    response = client_for(erin).get(changes_url(fixed.claim_id))

    body = response.json()
    assert response.status_code == 200
    assert body["verdict"] == fixed.pk
    assert body["returned_by"] == "erin"
    assert body["comment"] == COMMENT
    assert body["changed"] is True
    changes = {change["field"]: change for change in body["changes"]}
    assert changes["rating"]["returned"] == "Mostly false"
    assert changes["rating"]["resubmitted"] == "False"
    assert changes["headline"]["returned"] == VERDICT["headline"]
    assert changes["rationale"]["returned"] == VERDICT["rationale"]
    assert (
        "monitors<ins> (the &lt;b&gt;Airwars&lt;/b&gt; count)</ins> recorded"
        in changes["rationale"]["diff_html"]
    )
    assert all(change["changed"] for change in changes.values())


def test_its_author_sees_the_changes_too(fixed, alice):
    assert client_for(alice).get(changes_url(fixed.claim_id)).status_code == 200


def test_a_verdict_resubmitted_unchanged_says_so(
    alice, erin, fiona, django_capture_on_commit_callbacks
):
    verdict = returned(
        verdict_submitted(author=alice), by=erin, capture=django_capture_on_commit_callbacks
    )
    verdict = resubmitted(verdict, by=alice)

    page = signed_in_client(fiona).get(reverse("signoff-review", args=[verdict.pk]))
    api = client_for(fiona).get(changes_url(verdict.claim_id)).json()

    html = page.content.decode()
    rows = html[html.index("<tbody>", html.index("What changed since the return")) :]
    rows = rows[: rows.index("</tbody>")]
    assert "Nothing changed:" in html
    assert api["changed"] is False
    assert "<ins>" not in rows and "<del>" not in rows
    assert rows.count("unchanged") == 3


def test_changes_are_counted_from_the_latest_return(
    alice, erin, fiona, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    verdict = returned(verdict_submitted(author=alice), by=erin, capture=capture)
    verdict = resubmitted(verdict, by=alice, headline="Second headline")
    verdict = returned(verdict, by=fiona, comment="Shorter, please.", capture=capture)
    verdict = resubmitted(verdict, by=alice, headline="Third headline")

    body = client_for(erin).get(changes_url(verdict.claim_id)).json()

    assert body["returned_by"] == "fiona"
    assert body["comment"] == "Shorter, please."
    headline = next(change for change in body["changes"] if change["field"] == "headline")
    assert headline["diff_html"] == "<del>Second</del><ins>Third</ins> headline"


def test_a_verdict_never_returned_has_nothing_to_compare(alice, erin):
    verdict = verdict_submitted(author=alice)

    response = client_for(erin).get(changes_url(verdict.claim_id))
    page = signed_in_client(erin).get(reverse("signoff-review", args=[verdict.pk]))

    assert response.status_code == 404
    assert "never returned" in response.json()["error"]["message"]
    assert "What changed since the return" not in page.content.decode()


def test_while_it_is_back_with_its_author_the_signoff_page_shows_no_changes(
    alice, erin, django_capture_on_commit_callbacks
):
    verdict = returned(
        verdict_submitted(author=alice), by=erin, capture=django_capture_on_commit_callbacks
    )

    page = signed_in_client(erin).get(reverse("signoff-review", args=[verdict.pk]))

    assert page.status_code == 200
    assert "What changed since the return" not in page.content.decode()


def test_another_fact_checker_and_api_clients_see_no_changes(fixed, bob, newsbot):
    assert client_for(bob).get(changes_url(fixed.claim_id)).status_code == 404
    assert client_for(newsbot).get(changes_url(fixed.claim_id)).status_code == 403


# --- the difference itself -------------------------------------------------------------------


def test_words_removed_and_added_are_marked_and_everything_is_escaped():
    diff = word_diff_html("Most strikes <hit> ISIL", "Most strikes & raids missed ISIL")

    assert str(diff) == "Most strikes <del>&lt;hit&gt;</del><ins>&amp; raids missed</ins> ISIL"


def test_line_breaks_and_unchanged_text_are_kept_as_written():
    before = "First paragraph.\n\nSecond paragraph."
    after = "First paragraph.\n\nSecond paragraph, longer."

    assert str(word_diff_html(before, after)) == (
        "First paragraph.\n\nSecond <del>paragraph.</del><ins>paragraph, longer.</ins>"
    )
