"""The notes form on the claim pages. Posted with htmx, it answers the notes panel again, the
new note at the end of the thread; posted without, it goes back to the page."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from factcheck.errors import DomainError
from factcheck.pages import is_htmx, redirect_back, role_required
from reviews import selectors as review_selectors

from . import selectors, services
from .models import MAX_NOTE_LENGTH
from .permissions import NOTE_ROLES


def notes_panel_context(*, claim, next_url: str, text: str = "", error: str = "") -> dict:
    """What the notes panel (`discussion/_notes.html`) shows: the claim's thread, and the
    form, holding `text` refused for `error` when there is one."""
    return {
        "claim": claim,
        "notes": list(selectors.claim_notes(claim=claim)),
        "next": next_url,
        "note_text": text,
        "note_error": error,
        "max_note_length": MAX_NOTE_LENGTH,
    }


@role_required(*NOTE_ROLES)
@require_POST
def note_add(request, pk: int):
    claim = get_object_or_404(review_selectors.claims_visible_to(request.user), pk=pk)
    text = request.POST.get("text", "")
    try:
        services.note_add(claim=claim, by=request.user, text=text)
    except DomainError as refused:
        if is_htmx(request):
            return _panel(
                request, claim, text=text, error=refused.message, status=refused.status_code
            )
        messages.error(request, f"Note not added: {refused.message}")
        return redirect_back(request, "claim-workspace", claim.pk, anchor="notes")
    if is_htmx(request):
        return _panel(request, claim)
    messages.success(request, "Note added.")
    return redirect_back(request, "claim-workspace", claim.pk, anchor="notes")


def _panel(request, claim, *, text: str = "", error: str = "", status: int = 200) -> HttpResponse:
    context = notes_panel_context(
        claim=claim,
        next_url=request.POST.get("next", ""),
        text=text,
        error=error,
    )
    html = render_to_string("discussion/_notes.html", context, request=request)
    return HttpResponse(html, status=status)
