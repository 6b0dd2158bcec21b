"""Reads of the review workflow worth naming, scoped to what the caller may see."""

from django.db.models import Prefetch, QuerySet

from accounts.roles import Role, user_has_role

from .models import OPEN_VERDICT_STATES, Claim, EvidenceLink, ReviewEvent, Verdict


def claims_visible_to(user) -> QuerySet[Claim]:
    """Fact-checkers and editors see every claim; other roles see none through this."""
    if not (user_has_role(user, Role.FACT_CHECKER) or user_has_role(user, Role.EDITOR)):
        return Claim.objects.none()
    return Claim.objects.select_related("article", "assignee")


def claim_detail_queryset(user) -> QuerySet[Claim]:
    return claims_visible_to(user).prefetch_related(
        Prefetch(
            "evidence",
            queryset=EvidenceLink.objects.select_related("source", "added_by").order_by(
                "created_at", "id"
            ),
        ),
    )


def verdict_visible_on_claim(*, claim: Claim, user) -> Verdict | None:
    """The verdict a caller sees on a claim: the open one for its author and editors,
    otherwise the published one."""
    verdicts = Verdict.objects.filter(claim=claim).select_related("author", "signed_off_by")
    open_verdict = verdicts.filter(state__in=OPEN_VERDICT_STATES).first()
    if open_verdict is not None and (
        open_verdict.author_id == user.pk or user_has_role(user, Role.EDITOR)
    ):
        return open_verdict
    return verdicts.filter(state="published").first()


def claim_events(*, claim: Claim) -> QuerySet[ReviewEvent]:
    return (
        ReviewEvent.objects.filter(claim=claim).select_related("actor").order_by("created_at", "id")
    )
