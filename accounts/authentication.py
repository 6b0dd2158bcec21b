"""API token authentication: knox's hashed tokens, sent as `Authorization: Token <token>`."""

import binascii
from functools import cache
from hmac import compare_digest

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox import auth
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.settings import CONSTANTS, knox_settings
from rest_framework import exceptions
from rest_framework.authentication import get_authorization_header

from accounts.roles import remember_role_names, role_names_join
from factcheck.prepared import FixedStatement
from factcheck.rows import ModelColumns


class TokenAuthentication(auth.TokenAuthentication):
    """Knox's, with two changes for a service that answers every API request through it:

    - The token, its user and the user's roles are read with one fixed statement. Knox
      builds the token query with the ORM on every request, and building it cost twice
      what running it did; the roles would have been a second round trip.
    - A request no longer scans every other token of the same user for expiry: the
      presented token is still refused and deleted once expired, and a periodic task
      deletes the other expired ones.

    Its 401 challenge is `Token realm="api"`, which every HTTP client can parse.

    Kept because it pays: a page of published verdicts read with a token costs 10.3-10.7 ms
    of CPU (web process and PostgreSQL backend, summed over 400 requests) with this class,
    against 15.1-16.4 ms with knox's own and the roles read through the ORM: knox's way
    costs about 45% more (`bench/api.py`'s data, measured in one process).
    """

    def authenticate_credentials(self, token: bytes):
        refusal = _("Invalid token.")
        try:
            token_text = token.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(refusal) from exc
        if "\x00" in token_text:  # no token holds one, and PostgreSQL text cannot
            raise exceptions.AuthenticationFailed(refusal)
        for auth_token in _tokens_with_users(token_text[: CONSTANTS.TOKEN_KEY_LENGTH]):
            if self._cleanup_token(auth_token):
                continue
            try:
                digest = hash_token(token_text)
            except (TypeError, binascii.Error) as exc:
                raise exceptions.AuthenticationFailed(refusal) from exc
            if compare_digest(digest, auth_token.digest):
                if knox_settings.AUTO_REFRESH and auth_token.expiry:
                    self.renew_token(auth_token)
                return self.validate_user(auth_token)
        raise exceptions.AuthenticationFailed(refusal)

    def authenticate(self, request):
        # Knox's, but reading the scheme from its setting: knox reads it from
        # `authenticate_header`, which here carries a realm as well.
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != knox_settings.AUTH_HEADER_PREFIX.lower().encode():
            return None  # no credentials, or credentials for another scheme
        if len(parts) == 1:
            raise exceptions.AuthenticationFailed(
                _("Invalid token header. No credentials provided.")
            )
        if len(parts) > 2:
            raise exceptions.AuthenticationFailed(
                _("Invalid token header. Token string should not contain spaces.")
            )
        return self.authenticate_credentials(parts[1])

    def authenticate_header(self, request):
        # The challenge of every 401. A bare scheme (`Token`) is refused by some clients:
        # httplib2, under Google's client libraries, fails on it before reading the answer.
        return f'{knox_settings.AUTH_HEADER_PREFIX} realm="api"'

    def _cleanup_token(self, auth_token) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


def _tokens_with_users(token_key: str) -> list:
    """The tokens stored under `token_key`, each with its user and the user's roles loaded."""
    statement, token_columns, user_columns = _token_statement()
    with connection.cursor() as cursor:
        statement.execute(cursor, {"token_key": token_key})
        rows = cursor.fetchall()
    # One row per token and role of its user.
    tokens, role_names = {}, {}
    user_end = len(token_columns) + len(user_columns)
    for row in rows:
        digest = row[token_columns.attnames.index("digest")]
        if digest not in tokens:
            token = token_columns.instance(row[: len(token_columns)])
            token.user = user_columns.instance(row[len(token_columns) : user_end])
            tokens[digest], role_names[digest] = token, []
        if row[user_end] is not None:
            role_names[digest].append(row[user_end])
    for digest, token in tokens.items():
        remember_role_names(token.user, role_names[digest])
    return list(tokens.values())


@cache
def _token_statement() -> tuple[FixedStatement, ModelColumns, ModelColumns]:
    Token, User = get_token_model(), get_user_model()
    token_columns, user_columns = ModelColumns(Token), ModelColumns(User)
    quote = connection.ops.quote_name
    user_id = f"u.{quote(User._meta.pk.column)}"
    role_name, role_joins = role_names_join(user_id)
    sql = (
        f"SELECT {token_columns.select_list('t')}, {user_columns.select_list('u')}, {role_name} "
        f"FROM {quote(Token._meta.db_table)} t "
        f"JOIN {quote(User._meta.db_table)} u ON {user_id} = t.user_id {role_joins} "
        "WHERE t.token_key = %(token_key)s"
    )
    return (
        FixedStatement("token_with_user", sql, {"token_key": "text"}),
        token_columns,
        user_columns,
    )
