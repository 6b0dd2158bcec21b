"""GET /api/v1/matches/: the fact-checks that already review a text's claim."""

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from factcheck.api_schema import ERROR_RESPONSES
from factcheck.fields import StrictCharField
from factcheck.filtering import refuse_repeated_parameters

from ..matching.selectors import MAX_LIMIT, FactCheckMatch, match_thresholds, matches_for_text
from ..models import CanonicalRating
from ..permissions import MayRead
from .serializers import PublisherSerializer

MISSING_TEXT = "Send the text to match in `text`: a claim, a sentence or a post."


class MatchParams(serializers.Serializer):
    text = StrictCharField(
        trim_whitespace=False,
        help_text="The claim to look for: a sentence, a post, a quotation "
        f"(at most {settings.MATCH_MAX_TEXT_CHARS:,} characters).",
        error_messages={"required": MISSING_TEXT, "blank": MISSING_TEXT},
    )
    language = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=16,
        help_text="Only fact-checks in this language (ISO 639-1, e.g. en).",
    )
    limit = serializers.IntegerField(
        required=False,
        default=5,
        min_value=1,
        max_value=MAX_LIMIT,
        help_text=f"How many fact-checks to answer with, 1 to {MAX_LIMIT} (default 5).",
    )

    def validate_text(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError(MISSING_TEXT)
        if len(value) > settings.MATCH_MAX_TEXT_CHARS:
            raise serializers.ValidationError(
                f"The text is {len(value):,} characters long; at most "
                f"{settings.MATCH_MAX_TEXT_CHARS:,} are matched. Send the claim alone."
            )
        return value


class MatchSerializer(serializers.Serializer):
    """One fact-check found for the text: the same shape `manage.py match_claims` prints."""

    id = serializers.IntegerField(source="factcheck.pk")
    external_id = serializers.CharField(
        source="factcheck.external_id", help_text="The publisher's id (CLEF vclaim_id)."
    )
    score = serializers.FloatField(
        help_text="0 to 1: the estimated probability that this fact-check reviews the claim "
        "the text makes (calibrated on CLEF claim-matching queries; see the README)."
    )
    suggested = serializers.BooleanField(
        help_text="The score reaches the suggestion threshold (`thresholds.suggested`)."
    )
    claim = serializers.CharField(source="factcheck.claim_text")
    claimant = serializers.CharField(source="factcheck.claimant")
    rating = serializers.CharField(
        source="factcheck.rating_text", help_text="The rating as the publisher wrote it."
    )
    canonical_rating = serializers.ChoiceField(
        source="factcheck.canonical_rating",
        choices=[*CanonicalRating.choices, ("", "Not rated")],
        help_text="The rating on our scale; empty when the publisher gave none.",
    )
    headline = serializers.CharField(source="factcheck.headline")
    publisher = PublisherSerializer(source="factcheck.publisher")
    url = serializers.CharField(source="factcheck.review_url", help_text="The review.")
    review_date = serializers.DateField(source="factcheck.review_date", allow_null=True)
    language = serializers.CharField(source="factcheck.language")


class MatchThresholdsSerializer(serializers.Serializer):
    suggested = serializers.FloatField(
        help_text="Scores from here on are suggested to fact-checkers as checked before."
    )
    confident = serializers.FloatField(
        allow_null=True,
        help_text="Scores from here on were right at least 95% of the time in calibration; "
        "null when no threshold was.",
    )


class MatchListSerializer(serializers.Serializer):
    text = serializers.CharField()
    matches = MatchSerializer(many=True)
    thresholds = MatchThresholdsSerializer()


def match_items(matches: list[FactCheckMatch]) -> list[dict]:
    return MatchSerializer(matches, many=True).data


class MatchView(APIView):
    permission_classes = [MayRead]

    @extend_schema(
        operation_id="matches_list",
        parameters=[MatchParams],
        responses={200: OpenApiResponse(MatchListSerializer), **ERROR_RESPONSES},
    )
    def get(self, request):
        """Has this been checked before? The published fact-checks (imported ClaimReviews
        and CLEF collections, and our own verdicts) most likely to review the claim in
        `text`, best first, each with a score from 0 to 1 and whether it reaches the
        suggestion threshold. Lexical (BM25) and semantic (sentence embedding) retrieval,
        fused."""
        refuse_repeated_parameters(MatchParams, request)
        params = MatchParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        matches = matches_for_text(
            text=data["text"], language=data.get("language") or None, limit=data["limit"]
        )
        return Response(
            {
                "text": data["text"],
                "matches": match_items(matches),
                "thresholds": match_thresholds(),
            }
        )
