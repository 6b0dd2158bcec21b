import django_filters
from django.core.exceptions import ValidationError

from factcheck.filtering import MultipleChoiceFilter
from reviews.models import Claim, ClaimKind, ClaimState
from reviews.selectors import (
    CLAIM_SEARCH_MAX_CHARS,
    CLAIM_SEARCH_MAX_TERMS,
    claim_search_problem,
    claims_matching,
)


def searchable(text: str) -> None:
    """Validator: `text` can be searched for as given (`selectors.claim_search_problem`)."""
    problem = claim_search_problem(text)
    if problem:
        raise ValidationError(problem)


class ClaimFilter(django_filters.FilterSet):
    state = MultipleChoiceFilter(choices=ClaimState.choices)
    kind = MultipleChoiceFilter(choices=ClaimKind.choices)
    claimant = django_filters.CharFilter(lookup_expr="icontains")
    assignee = django_filters.CharFilter(field_name="assignee__username")
    min_score = django_filters.NumberFilter(field_name="score", lookup_expr="gte")
    q = django_filters.CharFilter(
        method="filter_text",
        max_length=CLAIM_SEARCH_MAX_CHARS,
        validators=[searchable],
        help_text=(
            'Claims whose text or claimant holds every word and "quoted phrase" given, in any '
            f"case, anywhere (a part of a word matches): up to {CLAIM_SEARCH_MAX_TERMS} of them."
        ),
    )

    class Meta:
        model = Claim
        fields = ["article", "state", "kind", "claimant", "assignee"]

    def filter_text(self, queryset, name, value):
        return claims_matching(queryset, value)
