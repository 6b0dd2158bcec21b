from django.contrib import admin

from factcheck.admin import ReadOnlyModelAdmin, ReadOnlyTabularInline

from .models import Claim, EvidenceLink, ReviewEvent, Verdict, VerdictState
from .workflow import RULES, VERDICT_OPEN, Move, allowed_moves


class ReadOnlyAdmin(ReadOnlyModelAdmin):
    """Workflow state changes only through the review services, which check the move, bump
    the verdict's version, record the event and tell webhook subscribers. The admin shows it
    and never adds, changes or deletes it."""


class ReadOnlyEventsInline(ReadOnlyTabularInline):
    model = ReviewEvent
    fk_name = "claim"
    fields = ["created_at", "actor", "action", "from_state", "to_state", "comment"]


class EvidenceInline(ReadOnlyTabularInline):
    model = EvidenceLink
    fields = ["url", "stance", "note", "added_by", "source"]


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "kind",
        "claimant",
        "score",
        "state",
        "priority",
        "assignee",
        "lease_expires_at",
    ]
    list_filter = ["state", "kind", "dismiss_reason"]
    search_fields = ["text", "claimant", "article__title"]
    list_select_related = ["article", "assignee"]
    inlines = [EvidenceInline, ReadOnlyEventsInline]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append(_moves_open_to(request.user))
        return fields


def _moves_open_to(user):
    """A read-only field: the moves the rulebook lets `user` make on the claim, which the
    pages and the API offer (the admin makes none of them)."""

    @admin.display(description="Moves open to you")
    def moves_open_to_you(claim: Claim) -> str:
        verdicts = claim.verdicts
        verdict = (
            verdicts.filter(state__in=VERDICT_OPEN).first()
            or verdicts.filter(state=VerdictState.PUBLISHED).first()
        )
        moves = allowed_moves(claim, user, verdict=verdict)
        return "; ".join(RULES[move].description for move in Move if move in moves) or "None"

    return moves_open_to_you


@admin.register(Verdict)
class VerdictAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "claim",
        "rating",
        "state",
        "author",
        "signed_off_by",
        "version",
        "published_at",
    ]
    list_filter = ["state", "rating"]
    search_fields = ["headline", "rationale", "claim__text", "author__username"]
    list_select_related = ["claim", "author", "signed_off_by"]


@admin.register(EvidenceLink)
class EvidenceLinkAdmin(ReadOnlyAdmin):
    list_display = ["url", "stance", "claim", "added_by", "created_at"]
    list_filter = ["stance"]
    search_fields = ["url", "note", "claim__text"]
    list_select_related = ["claim", "added_by"]


@admin.register(ReviewEvent)
class ReviewEventAdmin(ReadOnlyAdmin):
    """The audit trail."""

    list_display = ["created_at", "actor", "action", "from_state", "to_state", "claim", "article"]
    list_filter = ["action", "to_state"]
    search_fields = ["comment", "claim__text", "actor__username"]
    list_select_related = ["actor", "claim", "article"]
    date_hierarchy = "created_at"
