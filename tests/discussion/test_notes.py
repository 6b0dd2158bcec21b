"""Notes on a claim: the newsroom's thread about its work, never published.

alice and bob check facts, erin and fiona edit, newsbot is an API client, mallory holds no
role.
"""

import pytest
from django.test import Client
from django.urls import reverse

from reviews import services
from reviews.models import ReviewEvent
from tests.conftest import client_for, signed_in_client
from tests.factories import claim_queued, verdict_published, verdict_submitted
from webhooks.models import Delivery, Subscriber
from webhooks.payloads import delivery_request
from webhooks.services import deliveries_create_for_verdict

pytestmark = pytest.mark.django_db

SECRET_NOTE = "Zanzibar desk: the ministry press officer confirmed this off the record"


def notes_url(claim_id: int) -> str:
    return f"/api/v1/claims/{claim_id}/notes/"


def write(user, claim_id: int, text: str):
    return client_for(user).post(notes_url(claim_id), {"text": text}, format="json")


# --- the thread through the API ---------------------------------------------------------------


def test_fact_checkers_and_editors_keep_a_thread_oldest_first(alice, erin):
    claim = claim_queued()

    first = write(alice, claim.pk, "The figure comes from the 2015 report.")
    second = write(erin, claim.pk, "Check the revised edition too.")
    thread = client_for(alice).get(notes_url(claim.pk))

    assert first.status_code == 201, first.json()
    assert second.status_code == 201, second.json()
    assert [(note["author"], note["text"]) for note in thread.json()] == [
        ("alice", "The figure comes from the 2015 report."),
        ("erin", "Check the revised edition too."),
    ]
    assert thread.json()[0]["created_at"] <= thread.json()[1]["created_at"]
    assert first.json()["claim"] == claim.pk


def test_a_note_is_recorded_in_the_claims_audit_trail(alice):
    claim = claim_queued()

    write(alice, claim.pk, "The figure comes from the 2015 report.")
    events = client_for(alice).get(f"/api/v1/claims/{claim.pk}/events/").json()

    (note_event,) = [event for event in events if event["action"] == "note"]
    assert note_event["actor"] == "alice"
    assert note_event["comment"] == "The figure comes from the 2015 report."
    assert note_event["from_state"] == note_event["to_state"] == "queued"


def test_notes_may_be_written_on_a_claim_in_any_state(alice, erin, fiona):
    published = verdict_published(author=alice, editor=fiona)

    response = write(erin, published.claim_id, "Readers asked about the base year.")

    assert response.status_code == 201


@pytest.mark.parametrize("who", ["newsbot", "mallory"])
def test_api_clients_and_people_without_a_role_may_neither_read_nor_write_notes(
    who, alice, newsbot, mallory
):
    claim = claim_queued()
    write(alice, claim.pk, "Internal.")
    outsider = {"newsbot": newsbot, "mallory": mallory}[who]

    read = client_for(outsider).get(notes_url(claim.pk))
    written = write(outsider, claim.pk, "Let me in.")

    assert read.status_code == 403
    assert written.status_code == 403
    assert "fact-checkers or editors" in written.json()["error"]["message"]
    assert client_for(alice).get(notes_url(claim.pk)).json()[0]["text"] == "Internal."
    assert len(client_for(alice).get(notes_url(claim.pk)).json()) == 1


def test_anonymous_callers_are_asked_to_authenticate(db):
    claim = claim_queued()

    response = client_for(None).get(notes_url(claim.pk))

    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] == "not_authenticated"


def test_notes_on_a_claim_that_does_not_exist_are_not_found(alice):
    assert client_for(alice).get(notes_url(999_999)).status_code == 404
    assert write(alice, 999_999, "Hello").status_code == 404


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        ({"text": ""}, "text", "blank"),
        ({"text": "   \n "}, "text", "blank"),
        ({"text": "x" * 5001}, "text", "5000"),
        ({"text": 42}, "text", "string"),
        ({}, "text", "required"),
        ({"text": "fine", "author": "erin"}, "author", "cannot be set"),
    ],
)
def test_bad_input_is_refused_saying_what_to_change_and_nothing_is_written(
    alice, body, field, says
):
    claim = claim_queued()

    response = client_for(alice).post(notes_url(claim.pk), body, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert field in error["details"]
    assert says in error["message"]
    assert client_for(alice).get(notes_url(claim.pk)).json() == []
    assert not ReviewEvent.objects.filter(claim=claim, action="note").exists()


def test_a_note_of_exactly_the_limit_is_taken(alice):
    claim = claim_queued()

    assert write(alice, claim.pk, "x" * 5000).status_code == 201


# --- mentions ---------------------------------------------------------------------------------


def test_mentions_name_existing_fact_checkers_and_editors_only(alice, bob, erin, newsbot):
    claim = claim_queued()
    text = (
        "@bob can you check the base year? (cc @erin.) @nobody-here knows, "
        "newsbot@example.com asked, @newsbot too, and @alice wrote this."
    )

    response = write(alice, claim.pk, text)

    assert response.status_code == 201
    # An unknown name, an API client, an e-mail address and the author herself stay text.
    assert response.json()["mentions"] == ["bob", "erin"]
    assert response.json()["text"] == text


def test_a_deactivated_colleague_is_not_mentioned(alice, bob):
    bob.is_active = False
    bob.save()
    claim = claim_queued()

    response = write(alice, claim.pk, "@bob, over to you.")

    assert response.json()["mentions"] == []


# --- the thread on the pages ----------------------------------------------------------------


def test_the_claim_workspace_shows_the_thread_escaped_with_a_form(alice, bob):
    claim = claim_queued()
    write(alice, claim.pk, "<script>alert('x')</script> & the 2015 report\nsecond line")

    page = signed_in_client(bob).get(reverse("claim-workspace", args=[claim.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="notes"' in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; the 2015 report<br>" in html
    assert "<script>alert" not in html
    assert f'hx-post="{reverse("claim-note-add", args=[claim.pk])}"' in html


def test_the_form_posted_with_htmx_answers_the_thread_with_the_note_at_its_end(alice, erin):
    claim = claim_queued()
    write(erin, claim.pk, "First.")

    response = signed_in_client(alice).post(
        reverse("claim-note-add", args=[claim.pk]),
        {"text": "Second, from the page.", "next": f"/claims/{claim.pk}/"},
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("First.") < html.index("Second, from the page.")
    assert html.lstrip().startswith('<section class="panel notes" id="notes"')
    # A fresh form: the note just added is not left in the field.
    assert "Second, from the page.</textarea>" not in html
    # The page's Content-Security-Policy runs no inline script: the answer holds none.
    assert "<script" not in html
    assert " hx-on" not in html
    assert [note["text"] for note in client_for(alice).get(notes_url(claim.pk)).json()] == [
        "First.",
        "Second, from the page.",
    ]


def test_an_empty_note_from_the_page_is_refused_in_the_panel(alice):
    claim = claim_queued()

    response = signed_in_client(alice).post(
        reverse("claim-note-add", args=[claim.pk]), {"text": "  "}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 400
    assert "the note is empty" in response.content.decode()
    assert client_for(alice).get(notes_url(claim.pk)).json() == []


def test_without_htmx_the_form_goes_back_to_the_page(alice):
    claim = claim_queued()
    page = reverse("claim-workspace", args=[claim.pk])

    response = signed_in_client(alice).post(
        reverse("claim-note-add", args=[claim.pk]), {"text": "Plain form.", "next": page}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{page}#notes"
    assert client_for(alice).get(notes_url(claim.pk)).json()[0]["text"] == "Plain form."


def test_the_page_form_is_refused_to_api_clients(newsbot):
    claim = claim_queued()

    response = signed_in_client(newsbot).post(
        reverse("claim-note-add", args=[claim.pk]), {"text": "Let me in."}
    )

    assert response.status_code == 403
    assert not ReviewEvent.objects.filter(claim=claim, action="note").exists()


def test_the_signoff_review_shows_the_thread(alice, erin):
    verdict = verdict_submitted(author=alice)
    write(alice, verdict.claim_id, "Second source is paywalled; the PDF is in the drive.")

    page = signed_in_client(erin).get(reverse("signoff-review", args=[verdict.pk]))

    assert page.status_code == 200
    assert "Second source is paywalled; the PDF is in the drive." in page.content.decode()


# --- confidentiality --------------------------------------------------------------------------


def test_notes_appear_in_nothing_clients_or_the_public_see(alice, erin, fiona, newsbot):
    subscriber = Subscriber.objects.create(
        name="Wire", url="https://93.184.215.14/hook", secret="s" * 40
    )
    submitted = verdict_submitted(author=alice)
    write(alice, submitted.claim_id, SECRET_NOTE)
    write(erin, submitted.claim_id, f"{SECRET_NOTE} (seen, erin)")
    verdict = services.verdict_approve(
        verdict=submitted, by=fiona, expected_version=submitted.version
    )
    article = verdict.claim.article
    # What the publication hook does once the approval is committed.
    (delivery,) = deliveries_create_for_verdict(verdict_id=verdict.pk)
    body, _headers = delivery_request(delivery=Delivery.objects.select_related("subscriber").get())
    api = client_for(newsbot)
    outputs = {
        "verdict list": api.get("/api/v1/verdicts/"),
        "verdict detail": api.get(f"/api/v1/verdicts/{verdict.pk}/"),
        "claimreview feed": api.get("/api/v1/claimreview/"),
        "claims search by the claim": api.get("/api/v1/claims:search", {"query": "strikes ISIL"}),
        "claims search by the note": api.get(
            "/api/v1/claims:search", {"query": "Zanzibar ministry press officer"}
        ),
        "google claims search by the note": api.get(
            "/v1alpha1/claims:search", {"query": "Zanzibar ministry press officer"}
        ),
        "article summary": api.get(f"/api/v1/articles/{article.pk}/summary/"),
        "public verdict page": Client().get(reverse("verdict-public", args=[verdict.pk])),
        "public article page": Client().get(reverse("article-public", args=[article.pk])),
    }
    workspace = signed_in_client(alice).get(reverse("claim-workspace", args=[verdict.claim_id]))

    assert delivery.subscriber_id == subscriber.pk
    for name, response in outputs.items():
        assert response.status_code == 200, name
        assert "Zanzibar" not in response.content.decode(), name
    assert "Zanzibar" not in body.decode()
    assert "Zanzibar" not in str(delivery.payload)
    assert api.get(notes_url(verdict.claim_id)).status_code == 403
    # The search works: it finds the claim by its own words.
    assert outputs["claims search by the claim"].json()["claims"]
    # The notes are kept, for the newsroom.
    assert SECRET_NOTE in workspace.content.decode()
