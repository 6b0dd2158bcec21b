"""The API for clients: published verdicts, ClaimReview, and Google-compatible search."""

import base64
import binascii
import json

import django_filters
from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import TokenAuthentication
from accounts.permissions import IsReader
from factcheck.api_schema import ERROR_RESPONSES
from factcheck.conditional import ConditionalGetMixin
from factcheck.db.base import repeated_queries_prepared
from factcheck.errors import InvalidInput, NotFound
from factcheck.filtering import (
    DATETIME_OUT_OF_RANGE,
    DateTimeFilter,
    IntegerFilter,
    MultipleChoiceFilter,
    StrictFilterBackend,
    StrictOrderingFilter,
    validated_query,
)
from factcheck.pagination import StrictCursorPagination
from factchecks import presenters as factcheck_presenters
from factchecks.search import claims_search
from reviews import presenters, selectors
from reviews.models import ClaimKind
from reviews.presenters import PublishedVerdictSerializer
from reviews.ratings import Rating

# --- filters --------------------------------------------------------------------------------

# Search text longer than this is refused, on both searches.
MAX_QUERY_LENGTH = 500


class PublishedVerdictFilter(django_filters.FilterSet):
    article = IntegerFilter(field_name="claim__article_id")
    article_url = django_filters.CharFilter(method="filter_article_url")
    claimant = django_filters.CharFilter(field_name="claim__claimant", lookup_expr="icontains")
    rating = MultipleChoiceFilter(choices=Rating.choices)
    kind = MultipleChoiceFilter(field_name="claim__kind", choices=ClaimKind.choices)
    published_after = DateTimeFilter(field_name="published_at", lookup_expr="gte")
    published_before = DateTimeFilter(field_name="published_at", lookup_expr="lt")
    q = django_filters.CharFilter(
        method="filter_text", label="Full-text search", max_length=MAX_QUERY_LENGTH
    )

    def filter_article_url(self, queryset, name, value):
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
    filter_backends = [StrictFilterBackend, StrictOrderingFilter]
    ordering_fields = ["published_at", "rating"]
    pagination_class = PublishedCursorPagination
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.published_verdict_rows()

    @extend_schema(responses={200: PublishedVerdictSerializer(many=True), **ERROR_RESPONSES})
    def list(self, request, *args, **kwargs):
        cached = self.cached_answer(request, selectors.published_content_version())
        if cached is not None:
            return cached
        queryset = self.filter_queryset(self.get_queryset())
        with repeated_queries_prepared():
            rows = selectors.with_published_evidence(self.paginate_queryset(queryset))
        self.last_modified = presenters.latest_published_at(rows)
        return self.get_paginated_response(presenters.verdict_items(rows))

    @extend_schema(responses={200: PublishedVerdictSerializer, **ERROR_RESPONSES})
    def retrieve(self, request, *args, **kwargs):
        cached = self.cached_answer(request, selectors.published_content_version())
        if cached is not None:
            return cached
        with repeated_queries_prepared():
            rows = selectors.with_published_evidence(self.get_queryset().filter(pk=kwargs["pk"]))
        if not rows:
            raise NotFound("No published verdict with this id.")
        self.last_modified = presenters.latest_published_at(rows)
        return Response(presenters.verdict_items(rows)[0])


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
        cached = self.cached_answer(request, selectors.published_content_version())
        if cached is not None:
            return cached
        rows = selectors.published_verdict_rows(with_claim_origin=True).order_by(
            "-published_at", "-id"
        )
        if params.get("published_after"):
            rows = rows.filter(published_at__gte=params["published_after"])
        with repeated_queries_prepared():
            rows = list(rows[: params["limit"]])
        self.last_modified = presenters.latest_published_at(rows)
        return Response(presenters.claimreview_feed(rows))


class _FeedParams(serializers.Serializer):
    published_after = serializers.DateTimeField(
        required=False, error_messages={"overflow": DATETIME_OUT_OF_RANGE}
    )
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


# Results past this offset are not served: a deeper OFFSET costs a scan of every row before
# it, and a reader that far down is better served by narrowing the search.
MAX_SEARCH_OFFSET = 10_000
SEARCH_PAGE_SIZE = 10
# BCP-47: a language subtag, then optional subtags (region, script...); `_` as some send it.
_LANGUAGE_TAG = r"^[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*$"
_BAD_PAGE_TOKEN = "pageToken is not one this service issued: start again without it."


class _SearchParams(serializers.Serializer):
    query = serializers.CharField(max_length=MAX_QUERY_LENGTH, required=False)
    reviewPublisherSiteFilter = serializers.CharField(max_length=253, required=False)
    languageCode = serializers.RegexField(
        _LANGUAGE_TAG,
        max_length=35,
        required=False,
        error_messages={"invalid": "Give a BCP-47 language code, such as en or en-US."},
    )
    maxAgeDays = serializers.IntegerField(min_value=1, required=False)
    offset = serializers.IntegerField(min_value=0, max_value=MAX_SEARCH_OFFSET, required=False)
    # 0 is what Google's clients send for "not set": the default.
    pageSize = serializers.IntegerField(min_value=0, max_value=100, default=0)
    pageToken = serializers.CharField(max_length=200, required=False)
    key = serializers.CharField(required=False)

    def validate(self, data):
        if not data.get("query") and not data.get("reviewPublisherSiteFilter"):
            raise serializers.ValidationError(
                {"query": "Give a query, or a reviewPublisherSiteFilter alone to list a site's."}
            )
        return data


def _encode_page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode().rstrip("=")


def _decode_page_token(token: str) -> int:
    try:
        padded = token + "=" * (-len(token) % 4)
        offset = json.loads(base64.urlsafe_b64decode(padded.encode()))["o"]
    except (binascii.Error, ValueError, KeyError, TypeError) as exc:
        raise InvalidInput(_BAD_PAGE_TOKEN) from exc
    if type(offset) is not int or not 0 <= offset <= MAX_SEARCH_OFFSET:
        raise InvalidInput(_BAD_PAGE_TOKEN)
    return offset


class ClaimSearchView(APIView):
    """Search published fact checks, ours and those of the other publishers in the
    collection, in the shape of Google Fact Check Tools' claims:search, so existing clients can
    point at this service."""

    authentication_classes = [QueryKeyAuthentication, *APIView.authentication_classes]
    permission_classes = [IsReader]

    @extend_schema(
        operation_id="claims_search",
        parameters=[
            OpenApiParameter(
                "query",
                OpenApiTypes.STR,
                description="Required unless reviewPublisherSiteFilter is given.",
            ),
            OpenApiParameter(
                "reviewPublisherSiteFilter",
                OpenApiTypes.STR,
                description="The site of the review's publisher, e.g. factcheck.example.org.",
            ),
            OpenApiParameter(
                "languageCode",
                OpenApiTypes.STR,
                description="BCP-47, e.g. en or en-US; only the language is compared.",
            ),
            OpenApiParameter("maxAgeDays", OpenApiTypes.INT),
            OpenApiParameter(
                "offset",
                OpenApiTypes.INT,
                description=f"0 to {MAX_SEARCH_OFFSET}; used when no pageToken is given.",
            ),
            OpenApiParameter(
                "pageSize",
                OpenApiTypes.INT,
                description=f"1 to 100; 0 or none means {SEARCH_PAGE_SIZE}.",
            ),
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
        if data.get("pageToken"):
            offset = _decode_page_token(data["pageToken"])
        else:
            offset = data.get("offset", 0)
        size = data["pageSize"] or SEARCH_PAGE_SIZE
        page = claims_search(
            query=data.get("query"),
            site=data.get("reviewPublisherSiteFilter"),
            language_code=data.get("languageCode"),
            max_age_days=data.get("maxAgeDays"),
            offset=offset,
            limit=size + 1,
        )
        body = {"claims": factcheck_presenters.google_claims(page[:size])}
        if len(page) > size and offset + size <= MAX_SEARCH_OFFSET:
            body["nextPageToken"] = _encode_page_token(offset + size)
        return Response(body)


@extend_schema_view(get=extend_schema(operation_id="claims_search_google_path"))
class GoogleClaimSearchView(ClaimSearchView):
    """The same search where Google's client libraries look: `{root}v1alpha1/claims:search`."""
