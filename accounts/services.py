"""Writes concerning people and API clients: accounts, roles and API tokens."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from knox.models import AuthToken

from .roles import Role

User = get_user_model()


class AccountError(Exception):
    """A request about an account that cannot be carried out as asked."""


def user_upsert(
    *, username: str, role: Role, password: str | None = None, email: str = ""
) -> tuple[object, bool]:
    """Create the user or update an existing one; the user ends up holding exactly `role`.

    Returns (user, created). A new user without a password cannot sign in with one (API
    clients use tokens).
    """
    username = username.strip()
    if not username:
        raise AccountError("A username is required.")
    with transaction.atomic():
        user, created = User.objects.select_for_update().get_or_create(
            username=username, defaults={"email": email}
        )
        if password is not None:
            try:
                validate_password(password, user=user)
            except ValidationError as exc:
                raise AccountError(" ".join(exc.messages)) from exc
            user.set_password(password)
        elif created:
            user.set_unusable_password()
        if email:
            user.email = email
        user.is_active = True
        user.save()
        role_group, _ = Group.objects.get_or_create(name=role.value)
        other_roles = Group.objects.filter(name__in=[r.value for r in Role if r != role])
        user.groups.remove(*other_roles)
        user.groups.add(role_group)
    return user, created


def token_issue(*, username: str) -> str:
    """Issue a new API token for the user and return it; only its digest is stored."""
    try:
        user = User.objects.get(username=username, is_active=True)
    except User.DoesNotExist:
        raise AccountError(f"No active user named {username!r}.") from None
    _instance, token = AuthToken.objects.create(user=user)
    return token
