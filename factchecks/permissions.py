"""Who may do what with fact-checks by others, answered once: the services enforce it, the API
and the admin ask it."""

from rest_framework.permissions import BasePermission

from accounts.roles import EDITORS, READERS, roles_in_words, user_has_any_role

IMPORTERS = EDITORS
"""Importing writes to the collection every match is made against: editors only."""
SUBSCRIBERS = IMPORTERS
"""A subscription imports a feed on a schedule: those who may import, and they alone see
which feeds are read."""
FACTCHECK_READERS = READERS

IMPORT_REFUSAL = (
    f"Only {roles_in_words(IMPORTERS)} may import fact-checks; "
    f"{roles_in_words(FACTCHECK_READERS)} may read them (GET /api/v1/factchecks/)."
)
READ_REFUSAL = f"Only {roles_in_words(FACTCHECK_READERS)} may read fact-checks."
SUBSCRIPTION_REFUSAL = (
    f"Only {roles_in_words(SUBSCRIBERS)} may read or change feed subscriptions; "
    f"{roles_in_words(FACTCHECK_READERS)} may read the fact-checks they bring in "
    "(GET /api/v1/factchecks/?source=subscription)."
)


def may_import(user) -> bool:
    return user_has_any_role(user, IMPORTERS)


def may_read(user) -> bool:
    return user_has_any_role(user, FACTCHECK_READERS)


def may_manage_subscriptions(user) -> bool:
    return user_has_any_role(user, SUBSCRIBERS)


class MayImport(BasePermission):
    message = IMPORT_REFUSAL

    def has_permission(self, request, view) -> bool:
        return may_import(request.user)


class MayRead(BasePermission):
    message = READ_REFUSAL

    def has_permission(self, request, view) -> bool:
        return may_read(request.user)


class MayManageSubscriptions(BasePermission):
    message = SUBSCRIPTION_REFUSAL

    def has_permission(self, request, view) -> bool:
        return may_manage_subscriptions(request.user)
