"""The embedded default runs beat's schedule in-process, so that work the sweeps settle in
production is settled there too."""

import io

from django.core.management import call_command
from werkzeug import Response

from articles.models import Article
from sources.tasks import fetch_source
from tests.conftest import client_for


def test_with_tasks_in_process_the_periodic_tasks_settle_what_the_sweeps_settle(
    alice, local_web, tasks_in_process
):
    local_web.expect_request("/gone").respond_with_handler(
        lambda request: Response("Gone", status=404)
    )
    # Submitted and fetched, while the message that would fail the article never arrived.
    accepted = client_for(alice).post(
        "/api/v1/articles/", {"url": local_web.url_for("/gone")}, format="json"
    )
    article = Article.objects.get(pk=accepted.json()["id"])
    fetch_source(article.source_id)
    assert Article.objects.get(pk=article.pk).ingest_state == "fetching"

    call_command("run_periodic_tasks", "--once", stdout=io.StringIO())

    article.refresh_from_db()
    assert article.ingest_state == "failed"
    assert "404" in article.ingest_error


def test_with_a_broker_the_periodic_tasks_are_left_to_beat(alice):
    out = io.StringIO()

    call_command("run_periodic_tasks", "--once", stdout=out)

    assert "celery beat's job" in out.getvalue()
