"""Pages' side of matching: the suggestions shown beside claims (triage rows, the queue, the
workspace), and the forms that confirm, reject, or dismiss a claim as checked before. Every
change goes through factchecks.matching.claims; a refusal is shown as a message."""

from collections.abc import Iterable

from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from accounts.roles import CHECKERS
from factcheck.errors import DomainError, InvalidInput
from factcheck.pages import redirect_back, role_required
from reviews.models import Claim
from reviews.selectors import claims_visible_to
from reviews.workflow import Move, allowed_moves, may

from .forms import DismissAsCheckedForm
from .matching import claims as claim_matching
from .matching.selectors import claim_suggestions
from .models import ClaimMatch

MATCH_MOVES = (Move.CONFIRM_MATCH, Move.REJECT_MATCH, Move.DISMISS)


def with_suggestions(claims: Iterable[Claim], *, user) -> None:
    """Give each claim `suggestions` (its confirmed and unjudged matches, confirmed first)
    and `match_may` (which of confirm, reject and dismiss `user` may make on it), for the
    `factchecks/_claim_suggestions.html` include. One query for the lot."""
    claims = list(claims)
    found = claim_suggestions(claim_ids=[claim.pk for claim in claims])
    for claim in claims:
        claim.suggestions = found.get(claim.pk, [])
        claim.match_may = (
            may(allowed_moves(claim, user, among=MATCH_MOVES)) if claim.suggestions else {}
        )


def _judge(request, claim_id: int, match_id: int, act) -> object:
    claim = get_object_or_404(claims_visible_to(request.user), pk=claim_id)
    match = get_object_or_404(ClaimMatch.objects.filter(claim=claim), pk=match_id)
    try:
        message = act(claim, match)
    except DomainError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, message)
    return redirect_back(request, "claim-workspace", claim.pk, anchor=f"claim-{claim.pk}-matches")


@role_required(*CHECKERS)
@require_POST
def claim_match_confirm(request, claim_id: int, match_id: int):
    def act(claim, match):
        claim_matching.claim_match_confirm(match=match, by=request.user, claim_id=claim.pk)
        return "Confirmed: this fact-check reviews the claim, which now sits lower in the queue."

    return _judge(request, claim_id, match_id, act)


@role_required(*CHECKERS)
@require_POST
def claim_match_reject(request, claim_id: int, match_id: int):
    def act(claim, match):
        claim_matching.claim_match_reject(match=match, by=request.user, claim_id=claim.pk)
        return "Rejected: this fact-check will not be suggested for the claim again."

    return _judge(request, claim_id, match_id, act)


@role_required(*CHECKERS)
@require_POST
def claim_match_dismiss(request, claim_id: int, match_id: int):
    form = DismissAsCheckedForm(request.POST)

    def act(claim, match):
        if not form.is_valid():
            raise InvalidInput(" ".join(e for errors in form.errors.values() for e in errors))
        claim_matching.claim_dismiss_as_checked(
            match=match, by=request.user, claim_id=claim.pk, comment=form.cleaned_data["comment"]
        )
        return "Dismissed as checked before, with this fact-check linked."

    return _judge(request, claim_id, match_id, act)
