"""Who may do what with fact-checks by others, answered once: the services enforce it, the API
and the admin ask it."""

from rest_framework.permissions import BasePermission

from accounts.roles import EDITORS, READERS, roles_in_words, user_has_any_role

IMPORTERS = EDITORS
"""Importing writes to the collection every match is made against: editors only."""
FACTCHECK_READERS = READERS

IMPORT_REFUSAL = (
    f"Only {roles_in_words(IMPORTERS)} may import fact-checks; "
    f"{roles_in_words(FACTCHECK_READERS)} may read them (GET /api/v1/factchecks/)."
)
READ_REFUSAL = f"Only {roles_in_words(FACTCHECK_READERS)} may read fact-checks."


def may_import(user) -> bool:
    return user_has_any_role(user, IMPORTERS)


def may_read(user) -> bool:
    return user_has_any_role(user, FACTCHECK_READERS)


class MayImport(BasePermission):
    message = IMPORT_REFUSAL

    def has_permission(self, request, view) -> bool:
        return may_import(request.user)


class MayRead(BasePermission):
    message = READ_REFUSAL

    def has_permission(self, request, view) -> bool:
        return may_read(request.user)
