"""DRF permission classes by role. The review workflow's moves have their own, asked of the
rulebook (`reviews.api.views.may_make`)."""

from rest_framework.permissions import BasePermission

from .roles import CHECKERS, READERS, Role, user_has_any_role


class HasRole(BasePermission):
    roles: tuple[Role, ...] = ()
    message = "Your account does not hold a role that may do this."

    def has_permission(self, request, view) -> bool:
        return user_has_any_role(request.user, self.roles)


class IsChecker(HasRole):
    """Fact-checkers and editors: the people who work the queue."""

    roles = CHECKERS
    message = "Only fact-checkers and editors may do this."


class IsReader(HasRole):
    """Anyone with a role may read published material."""

    roles = READERS
    message = "Your account holds no role in this service."
