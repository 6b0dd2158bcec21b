"""The roles people and API clients hold, kept as Django groups."""

from enum import StrEnum


class Role(StrEnum):
    FACT_CHECKER = "fact_checker"
    EDITOR = "editor"
    API_CLIENT = "api_client"


ROLE_DESCRIPTIONS = {
    Role.FACT_CHECKER: "takes claims from the queue, gathers evidence and drafts verdicts",
    Role.EDITOR: "everything a fact-checker does, plus triage and sign-off of verdicts",
    Role.API_CLIENT: "reads published verdicts through the API",
}


def user_has_role(user, role: Role) -> bool:
    """Superusers hold every role; anonymous users none."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    # Group names are cached on the user object so permission checks in a request cost one query.
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return role.value in cached


def user_roles(user) -> list[str]:
    return [role.value for role in Role if user_has_role(user, role)]
