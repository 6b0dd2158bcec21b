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


class TokenAuthentication(auth.TokenAuthentication):
    """Knox's, with two changes for a service that answers every API request through it:

    - The token and its user are read with one fixed statement. Knox builds the same query
      with the ORM on every request, and building it cost twice what running it did.
    - A request no longer scans every other token of the same user for expiry: the
      presented token is still refused and deleted once expired, and a periodic task
      deletes the other expired ones.
    """

    def authenticate_credentials(self, token: bytes):
        refusal = _("Invalid token.")
        try:
            token_text = token.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(refusal) from exc
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

    def _cleanup_token(self, auth_token) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


def _tokens_with_users(token_key: str) -> list:
    """The tokens stored under `token_key`, each with its user loaded, as model instances."""
    sql, token_fields, user_fields = _token_statement()
    with connection.cursor() as cursor:
        cursor.execute(sql, [token_key])
        rows = cursor.fetchall()
    columns = _column_converters()
    token_names = [f.attname for f in token_fields]
    user_names = [f.attname for f in user_fields]
    Token, User = get_token_model(), get_user_model()
    tokens = []
    for row in rows:
        values = []
        for value, (column, converters) in zip(row, columns, strict=True):
            for convert in converters:
                value = convert(value, column, connection)
            values.append(value)
        token = Token.from_db(connection.alias, token_names, values[: len(token_names)])
        token.user = User.from_db(connection.alias, user_names, values[len(token_names) :])
        tokens.append(token)
    return tokens


@cache
def _token_statement() -> tuple[str, list, list]:
    Token, User = get_token_model(), get_user_model()
    token_fields, user_fields = Token._meta.concrete_fields, User._meta.concrete_fields
    quote = connection.ops.quote_name
    columns = [f"t.{quote(f.column)}" for f in token_fields]
    columns += [f"u.{quote(f.column)}" for f in user_fields]
    sql = (
        f"SELECT {', '.join(columns)} FROM {quote(Token._meta.db_table)} t "
        f"JOIN {quote(User._meta.db_table)} u ON u.{quote(User._meta.pk.column)} = t.user_id "
        "WHERE t.token_key = %s"
    )
    return sql, token_fields, user_fields


@cache
def _column_converters() -> list[tuple]:
    """Per selected column, the conversions the ORM would apply to it: the database
    backend's (SQLite keeps datetimes as text), then the field's own."""
    _, token_fields, user_fields = _token_statement()
    Token, User = get_token_model(), get_user_model()
    converters = []
    for model, fields in ((Token, token_fields), (User, user_fields)):
        for field in fields:
            column = field.get_col(model._meta.db_table)
            backend = connection.ops.get_db_converters(column)
            converters.append((column, backend + column.get_db_converters(connection)))
    return converters
