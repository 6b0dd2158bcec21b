"""A local webhook receiver, and verdicts published through the review services."""

import hashlib
import hmac
import threading

import pytest
import redis
from django.conf import settings
from werkzeug import Response

from reviews.models import Claim, Verdict
from reviews.services import (
    evidence_add,
    verdict_approve,
    verdict_correct,
    verdict_create,
    verdict_submit,
    verdict_update,
)
from sources.models import Source
from sources.tasks import fetch_source
from tests.factories import claim_taken

EVIDENCE_PAGE = (
    "<html><head><title>Strike report</title></head><body><article>"
    "<p>Monitors recorded 2,400 strikes in ISIL-held areas during the period.</p>"
    "</article></body></html>"
)


class Receiver:
    """A webhook endpoint on the local test web server. It answers with `statuses` in turn
    (the last one repeats) and keeps every request's headers (lowercased) and raw body."""

    def __init__(self, web, path: str, statuses, headers=None, delay: float = 0.0):
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self._statuses = list(statuses)
        self._headers = headers or {}
        self._delay = delay
        self._lock = threading.Lock()
        self.url = web.url_for(path)
        web.expect_request(path, method="POST").respond_with_handler(self._answer)

    def _answer(self, request):
        with self._lock:
            self.requests.append(
                ({k.lower(): v for k, v in request.headers.items()}, request.get_data())
            )
            index = min(len(self.requests), len(self._statuses)) - 1
        if self._delay:
            threading.Event().wait(self._delay)
        status = self._statuses[index]
        return Response(
            "thanks" if status < 400 else "not now", status=status, headers=self._headers
        )


def expected_signature(secret: str, headers: dict[str, str], body: bytes) -> str:
    """The signature a receiver computes: HMAC-SHA256 of "<timestamp>.<raw body>"."""
    signed = headers["x-factcheck-timestamp"].encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


@pytest.fixture
def broker():
    """The test broker, emptied so no message from another test is delivered here."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture
def receiver(local_web):
    def make(path: str = "/hook", statuses=(200,), headers=None, delay: float = 0.0) -> Receiver:
        return Receiver(local_web, path, statuses, headers=headers, delay=delay)

    return make


@pytest.fixture
def publish(local_web, alice, erin):
    """Publish a verdict the way the newsroom does: alice checks the claim with evidence that
    was fetched, erin approves. Returns the published verdict."""
    local_web.expect_request("/evidence").respond_with_data(
        EVIDENCE_PAGE, content_type="text/html; charset=utf-8"
    )

    def publish_verdict() -> Verdict:
        claim = claim_taken(reviewer=alice)
        evidence_add(claim=claim, by=alice, url=local_web.url_for("/evidence"), stance="refutes")
        for source_id in Source.objects.filter(state="pending").values_list("pk", flat=True):
            fetch_source(source_id)
        verdict = verdict_create(
            claim=claim,
            by=alice,
            rating="mostly_false",
            headline="Most strikes hit ISIL-held areas, monitors found",
            rationale="Airwars recorded **most** coalition strikes in ISIL-held territory.",
        )
        verdict = verdict_submit(verdict=verdict, by=alice, expected_version=verdict.version)
        return verdict_approve(verdict=verdict, by=erin, expected_version=verdict.version)

    return publish_verdict


@pytest.fixture
def correct(erin):
    """Publish a correction of `verdict` through the services: erin opens it, the verdict's
    author rates it `rating` and submits it, and erin approves it, which supersedes `verdict`.
    Returns the correction, published."""

    def publish_correction(verdict: Verdict, *, rating: str = "false") -> Verdict:
        claim = Claim.objects.get(pk=verdict.claim_id)
        draft = verdict_correct(
            claim=claim, by=erin, comment="The monitors published a corrected dataset."
        )
        draft = verdict_update(
            verdict=draft,
            by=draft.author,
            expected_version=draft.version,
            rating=rating,
            headline="Monitors' full count shows strikes mostly missed ISIL",
            rationale="The monitors' corrected dataset reverses the earlier count.",
        )
        submitted = verdict_submit(verdict=draft, by=draft.author, expected_version=draft.version)
        return verdict_approve(verdict=submitted, by=erin, expected_version=submitted.version)

    return publish_correction
