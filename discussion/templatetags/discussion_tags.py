"""The notes panel and the changes since a verdict's return, for the pages that show a claim
to the newsroom (its workspace, the sign-off review)."""

from django import template

from discussion import selectors
from discussion.permissions import may_note
from discussion.views import notes_panel_context
from reviews.models import VerdictState

register = template.Library()


@register.inclusion_tag("discussion/_notes.html", takes_context=True)
def claim_notes(context, claim):
    """The claim's notes and a form to add one; nothing for someone who may not read them."""
    request = context["request"]
    if not may_note(request.user):
        return {"hidden": True}
    return notes_panel_context(claim=claim, next_url=request.get_full_path())


@register.inclusion_tag("discussion/_changes_since_return.html")
def changes_since_return(verdict):
    """For a verdict awaiting sign-off that was returned before: what its author changed."""
    if verdict is None or verdict.state != VerdictState.SUBMITTED:
        return {"changes": None}
    return {"changes": selectors.verdict_changes_since_return(verdict=verdict)}
