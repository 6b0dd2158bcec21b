"""Persistent database connections in the web process, after the database ended them."""

import pytest
import requests
from django.db import connection

from accounts.roles import Role
from accounts.services import token_issue, user_upsert
from tests.processes import free_port, service_env, start_web, stop

END_OTHER_SESSIONS = """
SELECT pg_terminate_backend(pid) FROM pg_stat_activity
 WHERE datname = current_database() AND pid <> pg_backend_pid()
   AND backend_type = 'client backend'
"""


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_requests_after_the_database_ended_every_session_are_answered():
    user_upsert(username="reader", role=Role.API_CLIENT)
    token = token_issue(username="reader")
    port = free_port()
    web = start_web(service_env(CONN_MAX_AGE=600), port)
    try:
        api = requests.Session()
        api.headers["Authorization"] = f"Token {token}"
        url = f"http://127.0.0.1:{port}/api/v1/verdicts/"
        # Enough requests for both workers to hold a connection of their own.
        before = [api.get(url, timeout=30).status_code for _ in range(10)]
        with connection.cursor() as cursor:
            cursor.execute(END_OTHER_SESSIONS)
            ended = cursor.fetchall()
        after = [api.get(url, timeout=30).status_code for _ in range(10)]
    finally:
        stop(web)

    assert before == [200] * 10
    assert len(ended) >= 1
    assert after == [200] * 10
