"""The link to a person's notifications in every page's header, with how many are unread."""

from django import template

from accounts.roles import CHECKERS, user_has_any_role
from notifications import selectors

register = template.Library()


@register.inclusion_tag("notifications/_header_link.html", takes_context=True)
def notifications_link(context):
    """Nothing for visitors and API clients, who are told nothing; for the newsroom, one
    count over the unread index."""
    user = context.get("user")
    if user is None or not user_has_any_role(user, CHECKERS):
        return {"shown": False}
    return {
        "shown": True,
        "unread": selectors.unread_count(user),
        "current": context.get("current_url_name") == "notifications",
    }
