"""Who may read and write notes: the people who work the queue. Notes are internal, so API
clients, who read published material only, never see them."""

from rest_framework.permissions import BasePermission

from accounts.roles import CHECKERS, roles_in_words, user_has_any_role
from factcheck.errors import NotPermitted

NOTE_ROLES = CHECKERS


def note_refusal(user) -> NotPermitted | None:
    """Why `user` may not read or write notes on claims; None when they may."""
    if user_has_any_role(user, NOTE_ROLES):
        return None
    return NotPermitted(f"Only {roles_in_words(NOTE_ROLES)} may read and write notes on claims.")


def may_note(user) -> bool:
    return note_refusal(user) is None


class MayNote(BasePermission):
    message = f"Only {roles_in_words(NOTE_ROLES)} may read and write notes on claims."

    def has_permission(self, request, view) -> bool:
        return may_note(request.user)
