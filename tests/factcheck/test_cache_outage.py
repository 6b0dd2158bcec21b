"""A cache outage does not take the API down: rate limiting fails open and cached answers are
skipped, each with a warning in the log, whether Redis refuses connections or accepts them and
never answers (a real closed port, a real silent server)."""

import copy
import logging
import time
from contextlib import contextmanager

import pytest

from tests.conftest import client_for
from tests.processes import free_port, silent_server

pytestmark = pytest.mark.django_db

# The cache's timeouts are a fraction of a second (settings); redis-py's default was 5 s per
# operation, and the answer then a 500.
NO_HANG_SECONDS = 4.0


@contextmanager
def _unreachable_redis(kind: str):
    if kind == "refused":
        yield free_port()
    else:
        with silent_server() as port:
            yield port


@pytest.fixture(params=["refused", "never answers"])
def cache_down(request, settings):
    """Every Redis cache in settings (timeouts as configured) pointed at a Redis that cannot
    be used; the answers cache too, as if it were kept in Redis."""
    with _unreachable_redis(request.param) as port:
        configured = copy.deepcopy(settings.CACHES)
        configured["default"]["LOCATION"] = f"redis://127.0.0.1:{port}/0"
        configured["answers"] = {**configured["default"], "LOCATION": f"redis://127.0.0.1:{port}/1"}
        settings.CACHES = configured
        yield


def _timed_get(client, url):
    started = time.monotonic()
    response = client.get(url)
    return response, time.monotonic() - started


def test_token_requests_are_answered_while_the_cache_is_down(cache_down, newsbot, caplog):
    api = client_for(newsbot)

    with caplog.at_level(logging.WARNING, logger="factcheck.cache"):
        answers = [_timed_get(api, "/api/v1/verdicts/") for _ in range(3)]

    assert [response.status_code for response, _ in answers] == [200, 200, 200]
    assert all(took < NO_HANG_SECONDS for _, took in answers)
    warnings = [r for r in caplog.records if r.name == "factcheck.cache"]
    assert warnings, "the outage is logged"
    assert "rate limits are not enforced" in warnings[0].getMessage()


def test_google_search_with_a_key_is_answered_while_the_cache_is_down(cache_down, newsbot):
    from accounts.services import token_issue

    key = token_issue(username=newsbot.username)

    response, took = _timed_get(client_for(None), f"/v1alpha1/claims:search?key={key}&query=floods")

    assert response.status_code == 200
    assert took < NO_HANG_SECONDS


def test_rate_limits_apply_again_once_the_cache_is_back(settings, newsbot):
    """Failing open is for outages only: with Redis reachable, the limit holds."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "2/min"},
    }
    api = client_for(newsbot)

    codes = [api.get("/api/v1/verdicts/").status_code for _ in range(3)]

    assert codes == [200, 200, 429]
