import hashlib
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from knox.models import AuthToken
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db
User = get_user_model()


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_add_user_creates_a_user_holding_the_role():
    output = run("add_user", "carol", "--role", "fact_checker", "--password", "s3cret-Passphrase")

    carol = User.objects.get(username="carol")
    assert "Created user carol" in output
    assert list(carol.groups.values_list("name", flat=True)) == ["fact_checker"]
    assert carol.check_password("s3cret-Passphrase")


def test_add_user_again_updates_role_and_keeps_the_password():
    run("add_user", "carol", "--role", "fact_checker", "--password", "s3cret-Passphrase")

    output = run("add_user", "carol", "--role", "editor")

    carol = User.objects.get(username="carol")
    assert "Updated user carol" in output
    assert list(carol.groups.values_list("name", flat=True)) == ["editor"]
    assert carol.check_password("s3cret-Passphrase")
    assert User.objects.filter(username="carol").count() == 1


def test_add_user_refuses_an_unknown_role():
    with pytest.raises(CommandError, match="invalid choice"):
        run("add_user", "carol", "--role", "publisher")
    assert not User.objects.filter(username="carol").exists()


def test_add_user_refuses_a_weak_password_and_writes_nothing():
    with pytest.raises(CommandError, match=r"too common|too short"):
        run("add_user", "carol", "--role", "editor", "--password", "password")
    assert not User.objects.filter(username="carol").exists()


def test_issue_token_prints_a_working_token_as_the_last_line(newsbot):
    output = run("issue_token", "newsbot")
    token = output.strip().splitlines()[-1]

    response = APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")

    assert response.status_code == 200
    assert response.json() == {
        "username": "newsbot",
        "roles": ["api_client"],
        "is_superuser": False,
    }


def test_issue_token_for_unknown_user_is_a_clear_error():
    with pytest.raises(CommandError, match="No active user named 'ghost'"):
        run("issue_token", "ghost")


def test_tokens_are_stored_only_as_a_hash(newsbot):
    token = run("issue_token", "newsbot").strip().splitlines()[-1]

    stored = AuthToken.objects.get(user=newsbot)
    assert stored.digest != token
    assert stored.digest == hashlib.sha512(token.encode()).hexdigest()
    # Nowhere in the token table does the plain token appear.
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM knox_authtoken")
        rows = cursor.fetchall()
    assert rows and all(token not in str(value) for row in rows for value in row)


def test_a_wrong_token_gets_401_with_an_actionable_message():
    response = APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION="Token not-a-real-token")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_a_token_that_is_not_utf8_gets_401_not_a_server_error():
    response = APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION="Token caf\u00e9-\u00ff-token")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_a_token_request_reads_token_user_and_roles_in_one_query(
    newsbot, django_assert_num_queries
):
    token = run("issue_token", "newsbot").strip().splitlines()[-1]
    client = APIClient()

    with django_assert_num_queries(1):
        response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")

    assert response.status_code == 200
    assert response.json()["username"] == "newsbot"
    assert response.json()["roles"] == ["api_client"]


def test_no_credentials_get_401_naming_the_header():
    response = APIClient().get("/api/v1/me/")

    assert response.status_code == 401
    assert "Authorization: Token" in response.json()["error"]["message"]


def test_an_expired_token_is_refused_and_expired_tokens_are_swept(newsbot):
    from datetime import timedelta

    from django.utils import timezone

    from accounts.tasks import delete_expired_tokens

    expired = run("issue_token", "newsbot").strip().splitlines()[-1]
    live = run("issue_token", "newsbot").strip().splitlines()[-1]
    AuthToken.objects.filter(token_key=expired[:15]).update(
        expiry=timezone.now() - timedelta(minutes=1)
    )
    other_expired = run("issue_token", "newsbot").strip().splitlines()[-1]
    AuthToken.objects.filter(token_key=other_expired[:15]).update(
        expiry=timezone.now() - timedelta(minutes=1)
    )

    refused = APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {expired}")
    accepted = APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {live}")
    swept = delete_expired_tokens()

    assert refused.status_code == 401
    assert accepted.status_code == 200
    assert swept == 1  # the other expired token; the presented one was deleted on use
    assert AuthToken.objects.filter(user=newsbot).count() == 1
