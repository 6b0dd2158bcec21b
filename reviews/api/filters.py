import django_filters

from factcheck.filtering import MultipleChoiceFilter
from reviews.models import Claim, ClaimKind, ClaimState


class ClaimFilter(django_filters.FilterSet):
    state = MultipleChoiceFilter(choices=ClaimState.choices)
    kind = MultipleChoiceFilter(choices=ClaimKind.choices)
    claimant = django_filters.CharFilter(lookup_expr="icontains")
    assignee = django_filters.CharFilter(field_name="assignee__username")
    min_score = django_filters.NumberFilter(field_name="score", lookup_expr="gte")

    class Meta:
        model = Claim
        fields = ["article", "state", "kind", "claimant", "assignee"]
