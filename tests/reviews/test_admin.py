"""The admin is a window on the workflow, not a back door: a superuser reads claims, verdicts,
evidence, the audit trail, articles, sources, snapshots and webhook deliveries there, and
changes none of them. Changes go through the services, which check the move, bump versions,
record the event and tell webhook subscribers."""

import pytest
from django.forms.models import model_to_dict

from articles.models import Article, ArticleLink
from reviews import services
from reviews.models import Claim, EvidenceLink, ReviewEvent, Verdict
from sources.models import Source, SourceSnapshot
from sources.tasks import fetch_source
from tests.factories import queued_claims
from webhooks.models import Delivery, Subscriber
from webhooks.services import deliveries_create_for_verdict

pytestmark = pytest.mark.django_db

DRAFT = {
    "rating": "mostly_false",
    "headline": "Most roads are not new",
    "rationale": "The ministry's own register lists 40% as unfinished.",
}
BODY = "Claim number 0 says 0 percent of strikes missed. The register is online."


@pytest.fixture
def workflow(alice, erin, local_web):
    """One of each workflow row, made as the product makes them: a verdict published by erin
    on alice's claim, with fetched evidence, an article link, and a webhook delivery."""
    local_web.expect_request("/report").respond_with_data(
        "<html><head><title>Road register</title></head><body><p>480 unfinished.</p></body>",
        content_type="text/html; charset=utf-8",
    )
    (queued,) = queued_claims(1, body=BODY)
    article = queued.article
    claim = services.claim_take_next(reviewer=alice)
    link = services.evidence_add(
        claim=claim, by=alice, url=local_web.url_for("/report"), stance="refutes", note="Mine"
    )
    for source_id in Source.objects.values_list("id", flat=True):
        fetch_source(source_id)
    verdict = services.verdict_create(claim=claim, by=alice, **DRAFT)
    verdict = services.verdict_submit(verdict=verdict, by=alice, expected_version=1)
    Subscriber.objects.create(name="Wire", url="https://93.184.215.14/hook")
    verdict = services.verdict_approve(verdict=verdict, by=erin, expected_version=verdict.version)
    (delivery,) = deliveries_create_for_verdict(verdict_id=verdict.pk)
    source = Source.objects.get()
    return {
        Claim: Claim.objects.get(pk=claim.pk),
        Verdict: verdict,
        EvidenceLink: link,
        ReviewEvent: ReviewEvent.objects.filter(claim=claim).latest("id"),
        Article: article,
        ArticleLink: ArticleLink.objects.create(
            article=article, url=source.url, anchor_text="register", source=source
        ),
        Source: source,
        SourceSnapshot: SourceSnapshot.objects.get(),
        Delivery: delivery,
    }


WORKFLOW_MODELS = [
    Claim,
    Verdict,
    EvidenceLink,
    ReviewEvent,
    Article,
    ArticleLink,
    Source,
    SourceSnapshot,
    Delivery,
]


def admin_path(model, suffix: str = "", obj=None) -> str:
    base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    return base + (f"{obj.pk}/" if obj is not None else "") + suffix


def stored(obj) -> dict:
    return model_to_dict(type(obj).objects.get(pk=obj.pk))


def test_a_published_verdict_cannot_be_rewritten_in_the_admin(admin_client, workflow):
    verdict = workflow[Verdict]
    before = stored(verdict)
    events = ReviewEvent.objects.count()
    path = admin_path(Verdict, "change/", verdict)

    page = admin_client.get(path)
    posted = admin_client.post(
        path,
        {
            **{k: v for k, v in before.items() if v is not None},
            "rating": "true",
            "headline": "Rewritten behind the workflow's back",
            "rationale": "Nobody will know.",
        },
    )

    html = page.content.decode()
    assert page.status_code == 200
    assert DRAFT["headline"] in html
    for field in ("rating", "headline", "rationale", "state", "version"):
        assert f'name="{field}"' not in html
    assert 'name="_save"' not in html
    assert posted.status_code == 403
    assert stored(verdict) == before
    assert ReviewEvent.objects.count() == events
    assert Delivery.objects.count() == 1


def test_evidence_cannot_be_edited_in_the_admin(admin_client, workflow):
    link = workflow[EvidenceLink]
    before = stored(link)
    path = admin_path(EvidenceLink, "change/", link)

    page = admin_client.get(path)
    posted = admin_client.post(
        path,
        {
            "claim": link.claim_id,
            "url": "https://elsewhere.example/",
            "source": link.source_id,
            "stance": "supports",
            "note": "changed",
            "added_by": link.added_by_id,
        },
    )

    assert page.status_code == 200
    assert 'name="stance"' not in page.content.decode()
    assert 'name="note"' not in page.content.decode()
    assert posted.status_code == 403
    assert stored(link) == before


@pytest.mark.parametrize("model", WORKFLOW_MODELS, ids=lambda m: m._meta.model_name)
def test_workflow_rows_are_read_but_never_changed_in_the_admin(admin_client, workflow, model):
    obj = workflow[model]
    before, count = stored(obj), model.objects.count()

    listing = admin_client.get(admin_path(model))
    change_page = admin_client.get(admin_path(model, "change/", obj))
    change = admin_client.post(admin_path(model, "change/", obj), {})
    add_page = admin_client.get(admin_path(model, "add/"))
    add = admin_client.post(admin_path(model, "add/"), {})
    delete_page = admin_client.get(admin_path(model, "delete/", obj))
    delete = admin_client.post(admin_path(model, "delete/", obj), {"post": "yes"})
    bulk_delete = admin_client.post(
        admin_path(model),
        {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
    )

    assert listing.status_code == 200
    assert "delete_selected" not in listing.content.decode()
    assert change_page.status_code == 200
    assert 'name="_save"' not in change_page.content.decode()
    assert (change.status_code, add_page.status_code, add.status_code) == (403, 403, 403)
    assert (delete_page.status_code, delete.status_code) == (403, 403)
    assert bulk_delete.status_code in (200, 302)
    assert stored(obj) == before
    assert model.objects.count() == count


def test_webhook_subscribers_stay_editable(admin_client, workflow):
    subscriber = Subscriber.objects.get()

    page = admin_client.get(admin_path(Subscriber, "change/", subscriber))

    assert page.status_code == 200
    assert 'name="name"' in page.content.decode()
    assert 'name="_save"' in page.content.decode()
