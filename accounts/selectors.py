"""Reads concerning people: who may be given work."""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from .roles import CHECKERS

User = get_user_model()


def people_who_check() -> QuerySet:
    """Active people holding a role that works the queue (superusers hold every role), by
    username: whom a claim may be assigned to."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name__in=[role.value for role in CHECKERS]))
        .distinct()
        .order_by("username")
    )


def person_by_username(username: str):
    """The active person named `username`, or None."""
    return User.objects.filter(is_active=True, username=username).first()


def usernames_by_id(ids) -> dict[int, str]:
    """Usernames of the given user ids (active or not): how stored records that name a
    person by id are shown in words."""
    ids = {int(pk) for pk in ids}
    if not ids:
        return {}
    return dict(User.objects.filter(pk__in=ids).values_list("pk", "username"))
