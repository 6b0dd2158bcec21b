"""A broker outage does not fail writes: the row is committed, the request answers as if the
task were enqueued, the failed publish is logged, and the periodic sweep sends the work later.
Brokers made unreachable for real: a closed port, and a server that accepts connections and
never answers (which once held the request until gunicorn's 30 s timeout, then a 500)."""

import time
from contextlib import contextmanager

import pytest
import redis
import requests
from django.conf import settings

from accounts.roles import Role
from accounts.services import token_issue, user_upsert
from articles.models import Article
from sources import services as source_services
from tests.factories import source_fetched
from tests.processes import free_port, service_env, silent_server, start_web, stop

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# A publish gives up after about a second (settings); a generous bound still far from
# gunicorn's 30 s timeout.
NO_HANG_SECONDS = 8.0


@contextmanager
def _unreachable_broker(kind: str):
    if kind == "refused":
        yield free_port()
    else:
        with silent_server() as port:
            yield port


@pytest.fixture(scope="module", params=["refused", "never answers"])
def web_without_broker(request, django_db_setup, tmp_path_factory):
    """A gunicorn server whose broker cannot be used; yields its base URL and its log."""
    log_path = tmp_path_factory.mktemp("web") / "web.log"
    with _unreachable_broker(request.param) as port:
        env = service_env(CELERY_BROKER_URL=f"redis://127.0.0.1:{port}/0")
        web_port = free_port()
        web = start_web(env, web_port, log_path=log_path)
        try:
            yield f"http://127.0.0.1:{web_port}", log_path
        finally:
            stop(web)


@pytest.fixture
def broker():
    """The test broker, emptied before and after (the sweep below publishes to it)."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture
def checker_api():
    user_upsert(username="checker", role=Role.FACT_CHECKER)
    api = requests.Session()
    api.headers["Authorization"] = f"Token {token_issue(username='checker')}"
    return api


def _post_article(api, base: str, url: str):
    started = time.monotonic()
    response = api.post(f"{base}/api/v1/articles/", json={"url": url}, timeout=20)
    return response, time.monotonic() - started


def test_an_article_submitted_without_a_broker_is_accepted_and_swept_later(
    web_without_broker, checker_api, broker
):
    base, log_path = web_without_broker

    response, took = _post_article(checker_api, base, "https://example.org/floods-2024")

    assert response.status_code == 202, response.text
    assert took < NO_HANG_SECONDS
    article = Article.objects.get(pk=response.json()["id"])
    assert article.ingest_state == "fetching"
    assert article.source.state == "pending"
    assert "not sent: the broker is unavailable" in log_path.read_text()
    # The fetch the broker never got is sent by the sweep, once the broker is back.
    assert broker.dbsize() == 0
    assert source_services.sources_sweep() == 1
    assert broker.dbsize() > 0


def test_an_article_on_a_fetched_source_is_accepted_without_a_broker(
    web_without_broker, checker_api
):
    """Here the extraction is enqueued with delay_on_commit, which nothing caught before: the
    committed article was answered with a 500."""
    base, log_path = web_without_broker
    url = "https://example.org/already-fetched"
    source_fetched(source_services.source_for_url(url=url))

    response, took = _post_article(checker_api, base, url)

    assert response.status_code == 202, response.text
    assert took < NO_HANG_SECONDS
    assert Article.objects.filter(pk=response.json()["id"]).exists()
    assert "extract_fetched_article" in log_path.read_text()
