"""Named people for the tests, as a newsroom would have them.

alice and bob check facts, erin edits, newsbot is an API client, mallory holds no role.
"""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.roles import Role
from accounts.services import token_issue, user_upsert

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _published_content_version_moves_at_each_write(request):
    """The triggers that move the published-content version fire as a transaction commits
    (reviews migration 0004). A test run inside a transaction that is rolled back never
    commits, so there they are asked to fire at each write instead, as SET CONSTRAINTS
    allows; tests that commit see them as deployed."""
    if "db" in request.fixturenames:
        request.getfixturevalue("db")
    elif request.node.get_closest_marker("django_db") is not None:
        request.getfixturevalue("_django_db_helper")
    else:
        return
    from django.db import connection

    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT string_agg(quote_ident(tgname), ', ') FROM pg_trigger "
            "WHERE tgname LIKE 'published\\_content\\_changed\\_%' AND tgconstraint <> 0"
        )
        (names,) = cursor.fetchone()
        cursor.execute(f"SET CONSTRAINTS {names} IMMEDIATE")


def _person(username: str, role: Role | None):
    if role is None:
        from django.contrib.auth import get_user_model

        return get_user_model().objects.create_user(username=username, password=PASSWORD)
    user, _created = user_upsert(username=username, role=role, password=PASSWORD)
    return user


@pytest.fixture
def alice(db):
    return _person("alice", Role.FACT_CHECKER)


@pytest.fixture
def bob(db):
    return _person("bob", Role.FACT_CHECKER)


@pytest.fixture
def erin(db):
    return _person("erin", Role.EDITOR)


@pytest.fixture
def fiona(db):
    """A second editor, so that sign-off by someone other than the author is possible."""
    return _person("fiona", Role.EDITOR)


@pytest.fixture
def newsbot(db):
    return _person("newsbot", Role.API_CLIENT)


@pytest.fixture
def mallory(db):
    return _person("mallory", None)


def client_for(user) -> APIClient:
    """An API client authenticated the way real clients are: with a token header."""
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(username=user.username)}")
    return client


def signed_in_client(user, *, enforce_csrf_checks: bool = False) -> Client:
    """A test client with `user`'s session (as after signing in on the page)."""
    client = Client(enforce_csrf_checks=enforce_csrf_checks)
    client.force_login(user)
    return client


@pytest.fixture
def signed_in():
    """signed_in_client, for tests that take it as a fixture."""
    return signed_in_client


@pytest.fixture
def api_as():
    return client_for


@pytest.fixture
def unused_tcp_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    from tests.processes import free_port

    return free_port()


@pytest.fixture
def local_web(settings, httpserver):
    """A web server on 127.0.0.1 that the fetcher may reach (a test-only allowance)."""
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    settings.FETCH_ALLOWED_PORTS = [80, 443, httpserver.port]
    settings.FETCH_HOST_DELAY_SECONDS = 0
    return httpserver


@pytest.fixture
def tasks_in_process():
    """Celery tasks run inside the caller (after commit), as in the embedded default."""
    from factcheck.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous
