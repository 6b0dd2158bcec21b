"""The API for clients: published verdicts, ClaimReview, and Google-compatible search."""

import base64
import binascii
import json
from datetime import timedelta
from urllib.parse import urlsplit

import django_filters
from django.conf import settings
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from knox.auth import TokenAuthentication
from rest_framework import serializers, viewsets
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsReader
from factcheck.api_schema import ERROR_RESPONSES
from factcheck.conditional import ConditionalGetMixin
from factcheck.errors import InvalidInput
from factcheck.filtering import StrictFilterBackend, validated_query
from factcheck.pagination import StrictCursorPagination
from reviews import selectors
from reviews.claimreview import article_public_url, claimreview_feed, verdict_public_url
from reviews.models import ClaimKind
from reviews.ratings import RATING_SCALE, Rating

# --- serializers ----------------------------------------------------------------------------


class PublishedEvidenceSerializer(serializers.Serializer):
    url = serializers.CharField()
    stance = serializers.CharField()
    note = serializers.CharField()
    fetch_state = serializers.CharField(source="source.state")


class PublishedClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    claimant = serializers.CharField()
    kind = serializers.ChoiceField(choices=ClaimKind.choices)
    quantities = serializers.ListField(child=serializers.DictField())


class PublishedArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    title = serializers.CharField()
    publisher = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)

    def get_url(self, article) -> str:
        return article_public_url(article)


class PublishedVerdictSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    claim = PublishedClaimSerializer()
    rating = serializers.ChoiceField(choices=Rating.choices)
    rating_value = serializers.SerializerMethodField()
    rating_label = serializers.SerializerMethodField()
    headline = serializers.CharField()
    rationale = serializers.CharField(help_text="Markdown.")
    evidence = PublishedEvidenceSerializer(source="claim.evidence.all", many=True)
    article = PublishedArticleSerializer(source="claim.article")
    published_at = serializers.DateTimeField()
    signed_off_by = serializers.CharField(source="signed_off_by.username")
    public_url = serializers.SerializerMethodField()

    def get_rating_value(self, verdict) -> int:
        return RATING_SCALE[verdict.rating].value

    def get_rating_label(self, verdict) -> str:
        return RATING_SCALE[verdict.rating].label

    def get_public_url(self, verdict) -> str:
        return verdict_public_url(verdict)


# --- filters --------------------------------------------------------------------------------


class PublishedVerdictFilter(django_filters.FilterSet):
    article = django_filters.NumberFilter(field_name="claim__article_id")
    article_url = django_filters.CharFilter(method="filter_article_url")
    claimant = django_filters.CharFilter(field_name="claim__claimant", lookup_expr="icontains")
    rating = django_filters.MultipleChoiceFilter(choices=Rating.choices)
    kind = django_filters.MultipleChoiceFilter(field_name="claim__kind", choices=ClaimKind.choices)
    published_after = django_filters.IsoDateTimeFilter(field_name="published_at", lookup_expr="gte")
    published_before = django_filters.IsoDateTimeFilter(field_name="published_at", lookup_expr="lt")
    q = django_filters.CharFilter(method="filter_text", label="Full-text search")

    def filter_article_url(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(
            Q(claim__article__source_url=value) | Q(claim__article__canonical_url=value)
        )

    def filter_text(self, queryset, name, value):
        return selectors.published_verdicts_matching(queryset, value)


class PublishedCursorPagination(StrictCursorPagination):
    ordering = ("-published_at", "-id")


# --- views ----------------------------------------------------------------------------------


class PublishedVerdictViewSet(ConditionalGetMixin, viewsets.ReadOnlyModelViewSet):
    """Published verdicts, for newsrooms, platforms and researchers."""

    permission_classes = [IsReader]
    serializer_class = PublishedVerdictSerializer
    filterset_class = PublishedVerdictFilter
    filter_backends = [StrictFilterBackend, OrderingFilter]
    ordering_fields = ["published_at", "rating"]
    pagination_class = PublishedCursorPagination
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.published_verdicts()

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        self.last_modified = _latest(response.data.get("results", []))
        return response

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        self.last_modified = _latest([response.data])
        return response


def _latest(items) -> object | None:
    from django.utils.dateparse import parse_datetime

    dates = [parse_datetime(item["published_at"]) for item in items if item.get("published_at")]
    return max(dates) if dates else None


class ClaimReviewFeedView(ConditionalGetMixin, APIView):
    """A schema.org DataFeed of the ClaimReview of every published verdict (newest first)."""

    permission_classes = [IsReader]
    MAX_ITEMS = 1000

    @extend_schema(
        parameters=[
            OpenApiParameter("published_after", OpenApiTypes.DATETIME),
            OpenApiParameter(
                "limit", OpenApiTypes.INT, description=f"At most {MAX_ITEMS}; default 500."
            ),
        ],
        responses={200: OpenApiTypes.OBJECT, **ERROR_RESPONSES},
    )
    def get(self, request):
        params = validated_query(_FeedParams, request)
        verdicts = selectors.published_verdicts().order_by("-published_at", "-id")
        if params.get("published_after"):
            verdicts = verdicts.filter(published_at__gte=params["published_after"])
        verdicts = list(verdicts[: params["limit"]])
        self.last_modified = max((v.published_at for v in verdicts), default=None)
        return Response(claimreview_feed(verdicts))


class _FeedParams(serializers.Serializer):
    published_after = serializers.DateTimeField(required=False)
    limit = serializers.IntegerField(
        min_value=1, max_value=ClaimReviewFeedView.MAX_ITEMS, default=500
    )


# --- Google Fact Check Tools compatible search ----------------------------------------------


class QueryKeyAuthentication(TokenAuthentication):
    """Google's client libraries send their credential as the `key` query parameter."""

    def authenticate(self, request):
        key = request.query_params.get("key")
        if not key:
            return None
        return self.authenticate_credentials(key.encode())


class _SearchParams(serializers.Serializer):
    query = serializers.CharField(max_length=500)
    languageCode = serializers.CharField(max_length=16, required=False)
    maxAgeDays = serializers.IntegerField(min_value=1, required=False)
    pageSize = serializers.IntegerField(min_value=1, max_value=100, default=10)
    pageToken = serializers.CharField(max_length=200, required=False)
    key = serializers.CharField(required=False)


def _encode_page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode().rstrip("=")


def _decode_page_token(token: str) -> int:
    try:
        padded = token + "=" * (-len(token) % 4)
        offset = json.loads(base64.urlsafe_b64decode(padded.encode()))["o"]
    except (binascii.Error, ValueError, KeyError, TypeError) as exc:
        raise InvalidInput(
            "pageToken is not one this service issued: start again without it."
        ) from exc
    if not isinstance(offset, int) or offset < 0:
        raise InvalidInput("pageToken is not one this service issued: start again without it.")
    return offset


class ClaimSearchView(APIView):
    """Search published fact checks in the shape of Google Fact Check Tools' claims:search,
    so existing clients can point at this service."""

    authentication_classes = [QueryKeyAuthentication, *APIView.authentication_classes]
    permission_classes = [IsReader]

    @extend_schema(
        operation_id="claims_search",
        parameters=[
            OpenApiParameter("query", OpenApiTypes.STR, required=True),
            OpenApiParameter("languageCode", OpenApiTypes.STR, description="e.g. en"),
            OpenApiParameter("maxAgeDays", OpenApiTypes.INT),
            OpenApiParameter("pageSize", OpenApiTypes.INT, description="1 to 100; default 10."),
            OpenApiParameter("pageToken", OpenApiTypes.STR),
            OpenApiParameter(
                "key", OpenApiTypes.STR, description="An API token, as Google's clients send it."
            ),
        ],
        responses={
            200: inline_serializer(
                "ClaimSearchResponse",
                {
                    "claims": serializers.ListField(child=serializers.DictField()),
                    "nextPageToken": serializers.CharField(required=False),
                },
            ),
            **ERROR_RESPONSES,
        },
        examples=[
            OpenApiExample(
                "A match",
                response_only=True,
                value={
                    "claims": [
                        {
                            "text": "Greater than 90% of the strikes have not been against ISIL.",
                            "claimant": "John Kirby",
                            "claimDate": "2015-10-09T00:00:00Z",
                            "claimReview": [
                                {
                                    "publisher": {
                                        "name": "Factcheck Desk",
                                        "site": "factcheck.example.org",
                                    },
                                    "url": "https://factcheck.example.org/verdicts/12/",
                                    "title": "Most strikes hit ISIL-held areas, monitors found",
                                    "reviewDate": "2015-10-12T09:30:00Z",
                                    "textualRating": "Mostly false",
                                    "languageCode": "en",
                                }
                            ],
                        }
                    ],
                    "nextPageToken": "eyJvIjogMTB9",
                },
            )
        ],
    )
    def get(self, request):
        data = validated_query(_SearchParams, request)
        verdicts = selectors.published_verdicts_matching(
            selectors.published_verdicts(), data["query"]
        ).order_by("-published_at", "-id")
        if data.get("languageCode"):
            verdicts = verdicts.filter(claim__article__language__iexact=data["languageCode"])
        if data.get("maxAgeDays"):
            verdicts = verdicts.filter(
                published_at__gte=timezone.now() - timedelta(days=data["maxAgeDays"])
            )
        offset = _decode_page_token(data["pageToken"]) if data.get("pageToken") else 0
        size = data["pageSize"]
        page = list(verdicts[offset : offset + size + 1])
        body = {"claims": [_google_claim(v) for v in page[:size]]}
        if len(page) > size:
            body["nextPageToken"] = _encode_page_token(offset + size)
        return Response(body)


def _google_claim(verdict) -> dict:
    claim, article = verdict.claim, verdict.claim.article
    claim_date = article.published_at or claim.created_at
    return {
        "text": claim.text,
        "claimant": claim.claimant or article.publisher or "",
        "claimDate": claim_date.isoformat().replace("+00:00", "Z"),
        "claimReview": [
            {
                "publisher": {
                    "name": settings.PUBLISHER_NAME,
                    "site": urlsplit(settings.PUBLISHER_URL).hostname or "",
                },
                "url": verdict_public_url(verdict),
                "title": verdict.headline,
                "reviewDate": verdict.published_at.isoformat().replace("+00:00", "Z"),
                "textualRating": RATING_SCALE[verdict.rating].label,
                "languageCode": article.language or "en",
            }
        ],
    }


@extend_schema_view(get=extend_schema(operation_id="claims_search_google_path"))
class GoogleClaimSearchView(ClaimSearchView):
    """The same search where Google's client libraries look: `{root}v1alpha1/claims:search`."""
