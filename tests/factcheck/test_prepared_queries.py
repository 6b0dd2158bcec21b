"""Repeated queries of the busiest reads are prepared on PostgreSQL, and still answer right."""

import pytest
from django.db import DatabaseError, connection, transaction

from factcheck.db import base as backend
from factcheck.db.base import repeated_queries_prepared
from tests.conftest import client_for
from tests.factories import verdict_published

pytestmark = pytest.mark.django_db


def prepared_statements() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, statement FROM pg_prepared_statements WHERE name LIKE 'q%%'")
        return dict(cursor.fetchall())


def test_a_page_read_again_at_another_address_comes_from_a_prepared_query(alice, erin, newsbot):
    for _ in range(3):
        verdict_published(author=alice, editor=erin)
    client = client_for(newsbot)
    before = set(prepared_statements())

    # Addresses the answer cache cannot match, for the same query.
    first = client.get("/api/v1/verdicts/", {"page_size": 2, "unused": 1}).json()
    second = client.get("/api/v1/verdicts/", {"page_size": 2, "unused": 2}).json()
    following = client.get(second["next"]).json()

    assert [v["id"] for v in second["results"]] == [v["id"] for v in first["results"]]
    assert len(following["results"]) == 1
    new = {name: text for name, text in prepared_statements().items() if name not in before}
    assert any("reviews_verdict" in text for text in new.values())


def test_a_query_postgresql_cannot_prepare_still_runs_and_keeps_the_transaction():
    with transaction.atomic(), repeated_queries_prepared(), connection.cursor() as cursor:
        answers = []
        for _ in range(3):
            # The placeholder's type cannot be inferred: PREPARE refuses it.
            cursor.execute("SELECT pg_typeof(%s)::text", ["plain"])
            answers.append(cursor.fetchone()[0])
        cursor.execute("SELECT 1")  # the transaction is still usable

    assert answers == ["unknown", "unknown", "unknown"]


def test_each_connection_keeps_a_bounded_number_of_prepared_queries(monkeypatch):
    monkeypatch.setattr(backend, "MAX_PREPARED", 2)
    before = set(prepared_statements())

    with repeated_queries_prepared(), connection.cursor() as cursor:
        results = []
        for number in range(4):
            sql = f"SELECT id FROM auth_user WHERE id > %s AND {number} = {number}"
            for _ in range(2):
                cursor.execute(sql, [0])
                results.append(cursor.fetchall())

    assert all(rows == results[0] for rows in results)
    assert len(set(prepared_statements()) - before) <= 2


def test_outside_the_block_nothing_is_prepared():
    before = set(prepared_statements())

    with connection.cursor() as cursor:
        for _ in range(3):
            cursor.execute("SELECT id FROM auth_user WHERE id > %s AND 7 = 7", [0])

    assert set(prepared_statements()) == before


def test_a_failed_transaction_reports_its_own_error_not_the_preparation():
    sql = "SELECT id FROM auth_user WHERE id > %s AND 8 = 8"
    with transaction.atomic(), repeated_queries_prepared(), connection.cursor() as cursor:
        cursor.execute(sql, [0])
        with pytest.raises(DatabaseError):
            cursor.execute("SELECT 1 / 0")
        with pytest.raises(DatabaseError, match="current transaction is aborted"):
            cursor.execute(sql, [0])  # the second time, which would prepare it
        transaction.set_rollback(True)
