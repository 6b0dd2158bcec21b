"""A claim's matches with published fact-checks: read them, confirm or reject one, dismiss the
claim as checked before.

    GET  /api/v1/claims/{id}/matches/
    POST /api/v1/claims/{id}/matches/{match_id}/confirm/
    POST /api/v1/claims/{id}/matches/{match_id}/reject/
    POST /api/v1/claims/{id}/matches/{match_id}/dismiss/   (editors)
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsChecker
from factcheck.api_schema import ERROR_RESPONSES
from factcheck.fields import InputSerializer, NoInputSerializer, StrictCharField
from reviews.api.views import may_make
from reviews.presenters import ClaimSerializer
from reviews.selectors import claims_visible_to
from reviews.workflow import Move

from ..matching import claims as claim_matching
from ..matching.selectors import claim_matches, match_thresholds
from ..models import ClaimMatch, MatchStatus
from .matches import MatchThresholdsSerializer
from .serializers import FactCheckSerializer


class ClaimMatchSerializer(serializers.ModelSerializer):
    factcheck = FactCheckSerializer(help_text="The published fact-check the matcher found.")
    score = serializers.FloatField(
        help_text="0 to 1: the estimated probability that the fact-check reviews this claim."
    )
    status = serializers.ChoiceField(
        choices=MatchStatus.choices,
        help_text="suggested: nobody judged it yet; confirmed: it reviews the claim; "
        "rejected: it does not.",
    )
    decided_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="Who judged it."
    )

    class Meta:
        model = ClaimMatch
        fields = ["id", "factcheck", "score", "status", "decided_by", "decided_at", "matched_at"]
        read_only_fields = fields


class ClaimMatchListSerializer(serializers.Serializer):
    claim = serializers.IntegerField()
    checked_before = serializers.BooleanField(
        help_text="Someone confirmed a fact-check that reviews the claim."
    )
    matches = ClaimMatchSerializer(many=True)
    thresholds = MatchThresholdsSerializer()


class DismissAsCheckedInput(InputSerializer):
    comment = StrictCharField(
        required=False, allow_blank=True, max_length=2000, help_text="Added to the audit trail."
    )


def _claim(request, claim_id: int):
    return get_object_or_404(claims_visible_to(request.user), pk=claim_id)


def _match(claim, match_id: int) -> ClaimMatch:
    return get_object_or_404(ClaimMatch.objects.filter(claim=claim), pk=match_id)


def _body(view, request) -> dict:
    serializer = view.input_serializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ClaimMatchListView(APIView):
    permission_classes = [IsChecker]

    @extend_schema(
        operation_id="claims_matches_list",
        responses={200: OpenApiResponse(ClaimMatchListSerializer), **ERROR_RESPONSES},
    )
    def get(self, request, claim_id: int):
        """The published fact-checks the matcher found for this claim when it was extracted
        (and again when the collection grew), best first, with what people made of them."""
        claim = _claim(request, claim_id)
        return Response(
            {
                "claim": claim.pk,
                "checked_before": claim.checked_before,
                "matches": ClaimMatchSerializer(claim_matches(claim_id=claim.pk), many=True).data,
                "thresholds": match_thresholds(),
            }
        )


class _JudgeView(APIView):
    input_serializer = NoInputSerializer
    judge = None

    def post(self, request, claim_id: int, match_id: int):
        _body(self, request)
        claim = _claim(request, claim_id)
        match = type(self).judge(match=_match(claim, match_id), by=request.user, claim_id=claim.pk)
        match = claim_matches(claim_id=claim.pk).get(pk=match.pk)
        return Response(ClaimMatchSerializer(match).data)


class ClaimMatchConfirmView(_JudgeView):
    permission_classes = [may_make(Move.CONFIRM_MATCH)]
    judge = claim_matching.claim_match_confirm

    @extend_schema(
        operation_id="claims_matches_confirm",
        request=None,
        responses={200: ClaimMatchSerializer, **ERROR_RESPONSES},
    )
    def post(self, request, claim_id: int, match_id: int):
        """This fact-check reviews the claim: recorded in the audit trail; the claim counts
        as checked before and sits lower in the queue."""
        return super().post(request, claim_id, match_id)


class ClaimMatchRejectView(_JudgeView):
    permission_classes = [may_make(Move.REJECT_MATCH)]
    judge = claim_matching.claim_match_reject

    @extend_schema(
        operation_id="claims_matches_reject",
        request=None,
        responses={200: ClaimMatchSerializer, **ERROR_RESPONSES},
    )
    def post(self, request, claim_id: int, match_id: int):
        """This fact-check reviews another claim: recorded in the audit trail; pages stop
        showing it."""
        return super().post(request, claim_id, match_id)


class ClaimMatchDismissView(APIView):
    permission_classes = [may_make(Move.DISMISS)]
    input_serializer = DismissAsCheckedInput

    @extend_schema(
        operation_id="claims_matches_dismiss",
        request=DismissAsCheckedInput,
        responses={200: ClaimSerializer, **ERROR_RESPONSES},
    )
    def post(self, request, claim_id: int, match_id: int):
        """Dismiss the claim as checked before, linking this fact-check (which is confirmed
        if it was not): editors, for a claim in triage or the queue."""
        data = _body(self, request)
        claim = _claim(request, claim_id)
        claim = claim_matching.claim_dismiss_as_checked(
            match=_match(claim, match_id),
            by=request.user,
            claim_id=claim.pk,
            comment=data.get("comment", ""),
        )
        return Response(ClaimSerializer(claims_visible_to(request.user).get(pk=claim.pk)).data)
