"""DRF permission classes by role."""

from rest_framework.permissions import BasePermission

from .roles import Role, user_has_role


class HasRole(BasePermission):
    roles: tuple[Role, ...] = ()
    message = "Your account does not hold a role that may do this."

    def has_permission(self, request, view) -> bool:
        return any(user_has_role(request.user, role) for role in self.roles)


class IsChecker(HasRole):
    """Fact-checkers and editors: the people who work the queue."""

    roles = (Role.FACT_CHECKER, Role.EDITOR)
    message = "Only fact-checkers and editors may do this."


class IsEditor(HasRole):
    roles = (Role.EDITOR,)
    message = "Only editors may do this."


class IsReader(HasRole):
    """Anyone with a role may read published material."""

    roles = (Role.FACT_CHECKER, Role.EDITOR, Role.API_CLIENT)
    message = "Your account holds no role in this service."
