"""The API for clients: published verdicts, ClaimReview, and Google-compatible search."""

import base64
import binascii
import json
import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import django_filters
from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
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
from reviews import selectors
from reviews.claimreview import (
    absolute_url,
    article_public_url,
    claimreview_feed,
    verdict_public_url,
)
from reviews.models import ClaimKind, EvidenceLink, Verdict
from reviews.ratings import RATING_SCALE, Rating
from sources.models import Source

# --- serializers ----------------------------------------------------------------------------


class PublishedEvidenceSerializer(serializers.Serializer):
    """A source as published. The fact-checker's note on it is a working note and stays in
    the newsroom."""

    url = serializers.CharField()
    stance = serializers.CharField()
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
    """The shape of a published verdict as clients receive it (for the schema); answers are
    built by `published_verdict_summaries`."""

    id = serializers.IntegerField()
    claim = PublishedClaimSerializer()
    rating = serializers.ChoiceField(choices=Rating.choices)
    rating_value = serializers.IntegerField(min_value=1, max_value=5)
    rating_label = serializers.CharField()
    headline = serializers.CharField()
    rationale = serializers.CharField(help_text="Markdown.")
    evidence = PublishedEvidenceSerializer(many=True)
    article = PublishedArticleSerializer()
    published_at = serializers.DateTimeField()
    signed_off_by = serializers.CharField()
    public_url = serializers.CharField()


# Clients page through thousands of verdicts: rows are read as plain values in two queries
# (verdicts with their claim and article, then the evidence), never as model instances.
SUMMARY_FIELDS = (
    "id",
    "rating",
    "headline",
    "rationale",
    "published_at",
    "claim_id",
    "claim__text",
    "claim__claimant",
    "claim__kind",
    "claim__quantities",
    "claim__article_id",
    "claim__article__title",
    "claim__article__publisher",
    "claim__article__published_at",
    "claim__article__source_url",
    "claim__article__canonical_url",
    "signed_off_by__username",
)


def summary_rows(verdicts: QuerySet) -> QuerySet:
    return verdicts.values(*SUMMARY_FIELDS)


def published_verdict_summaries(rows) -> list[dict]:
    """Client summaries of published verdicts from `summary_rows` values, in their order."""
    rows = list(rows)
    evidence: dict[int, list[dict]] = {row["claim_id"]: [] for row in rows}
    for claim_id, url, stance, fetch_state in _evidence_rows(list(evidence)):
        evidence[claim_id].append({"url": url, "stance": stance, "fetch_state": fetch_state})
    # URL patterns resolved once, not once per row.
    urls = {
        name: absolute_url(reverse(name, args=[0])).replace("/0/", "/{}/")
        for name in ("verdict-public", "article-public")
    }
    return [_summary(row, evidence[row["claim_id"]], urls) for row in rows]


def _evidence_rows(claim_ids: list[int]) -> list[tuple]:
    """(claim id, url, stance, fetch state) of the claims' evidence, oldest first. Never the
    note: it is the fact-checker's working note, not published.

    A fixed statement rather than a queryset: building the ORM query for a page's 50 ids
    cost more than running it (0.5 ms of 1.1 ms a page, measured)."""
    if not claim_ids:
        return []
    links, sources = EvidenceLink._meta.db_table, Source._meta.db_table
    placeholders = ", ".join(["%s"] * len(claim_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT e.claim_id, e.url, e.stance, s.state FROM {links} e "
            f"JOIN {sources} s ON s.id = e.source_id WHERE e.claim_id IN ({placeholders}) "
            "ORDER BY e.created_at, e.id",
            claim_ids,
        )
        return cursor.fetchall()


def _summary(row: dict, evidence: list[dict], urls: dict[str, str]) -> dict:
    rating = RATING_SCALE[row["rating"]]
    article_url = (
        row["claim__article__canonical_url"]
        or row["claim__article__source_url"]
        or urls["article-public"].format(row["claim__article_id"])
    )
    return {
        "id": row["id"],
        "claim": {
            "id": row["claim_id"],
            "text": row["claim__text"],
            "claimant": row["claim__claimant"],
            "kind": row["claim__kind"],
            "quantities": row["claim__quantities"],
        },
        "rating": row["rating"],
        "rating_value": rating.value,
        "rating_label": rating.label,
        "headline": row["headline"],
        "rationale": row["rationale"],
        "evidence": evidence,
        "article": {
            "id": row["claim__article_id"],
            "url": article_url,
            "title": row["claim__article__title"],
            "publisher": row["claim__article__publisher"],
            "published_at": _iso(row["claim__article__published_at"]),
        },
        "published_at": _iso(row["published_at"]),
        "signed_off_by": row["signed_off_by__username"],
        "public_url": urls["verdict-public"].format(row["id"]),
    }


def _iso(value) -> str | None:
    """As DRF's DateTimeField writes it: ISO 8601, with Z for UTC."""
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


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
        return Verdict.objects.filter(state="published")

    @extend_schema(responses={200: PublishedVerdictSerializer(many=True), **ERROR_RESPONSES})
    def list(self, request, *args, **kwargs):
        cached = self.cached_answer(request, selectors.published_content_version())
        if cached is not None:
            return cached
        queryset = self.filter_queryset(self.get_queryset())
        with repeated_queries_prepared():
            page = self.paginate_queryset(summary_rows(queryset))
            data = published_verdict_summaries(page)
        self.last_modified = latest_published_at(data)
        return self.get_paginated_response(data)

    @extend_schema(responses={200: PublishedVerdictSerializer, **ERROR_RESPONSES})
    def retrieve(self, request, *args, **kwargs):
        cached = self.cached_answer(request, selectors.published_content_version())
        if cached is not None:
            return cached
        with repeated_queries_prepared():
            rows = summary_rows(self.get_queryset().filter(pk=kwargs["pk"]))
            data = published_verdict_summaries(rows)
        if not data:
            raise NotFound("No published verdict with this id.")
        self.last_modified = latest_published_at(data)
        return Response(data[0])


def latest_published_at(items) -> datetime | None:
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
        cached = self.cached_answer(request, selectors.published_content_version())
        if cached is not None:
            return cached
        verdicts = selectors.published_verdicts().order_by("-published_at", "-id")
        if params.get("published_after"):
            verdicts = verdicts.filter(published_at__gte=params["published_after"])
        with repeated_queries_prepared():
            verdicts = list(verdicts[: params["limit"]])
        self.last_modified = max((v.published_at for v in verdicts), default=None)
        return Response(claimreview_feed(verdicts))


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


def _site(text: str) -> str:
    """The host a site or URL names, without `www.`: `www.Example.org`, `example.org:443` and
    `https://example.org/about` all name example.org."""
    text = text.strip()
    try:
        host = urlsplit(text if "//" in text else f"//{text}").hostname or ""
    except ValueError:  # not a URL (an unclosed IPv6 bracket): compare it as written
        host = text.lower()
    return host.rstrip(".").removeprefix("www.")


def _with_review_facts(verdicts: QuerySet) -> QuerySet:
    """Annotated with what the search shows and filters on, so the answer shows exactly what
    the filters compared. Every verdict is ours today: its publisher's site is the host of
    PUBLISHER_URL. Fact checks imported from other publishers would bring a site of their
    own, and `review_publisher_site` would read it."""
    return verdicts.annotate(
        review_publisher_site=Value(urlsplit(settings.PUBLISHER_URL).hostname or ""),
        # An article whose language is not known is taken to be in English.
        review_language=Coalesce(NullIf("claim__article__language", Value("")), Value("en")),
    )


def _search(data: dict) -> QuerySet:
    verdicts = _with_review_facts(selectors.published_verdicts())
    if data.get("query"):
        verdicts = selectors.published_verdicts_matching(verdicts, data["query"])
    if data.get("reviewPublisherSiteFilter"):
        site = _site(data["reviewPublisherSiteFilter"])
        verdicts = verdicts.filter(
            Q(review_publisher_site__iexact=site) | Q(review_publisher_site__iexact=f"www.{site}")
        )
    if data.get("languageCode"):
        # Google compares the language only: en-US and en-GB both ask for en.
        language = re.split("[-_]", data["languageCode"])[0]
        verdicts = verdicts.filter(
            Q(review_language__iexact=language)
            | Q(review_language__istartswith=f"{language}-")
            | Q(review_language__istartswith=f"{language}_")
        )
    if data.get("maxAgeDays"):
        # Google takes the newer of the claim's and the review's dates: here the review's, as
        # a claim is always found before its verdict is published.
        try:
            since = timezone.now() - timedelta(days=data["maxAgeDays"])
        except OverflowError:
            pass  # a bound before the calendar begins: every fact check is younger
        else:
            verdicts = verdicts.filter(published_at__gte=since)
    return verdicts.order_by("-published_at", "-id")


class ClaimSearchView(APIView):
    """Search published fact checks in the shape of Google Fact Check Tools' claims:search,
    so existing clients can point at this service."""

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
        page = list(_search(data)[offset : offset + size + 1])
        body = {"claims": [_google_claim(v) for v in page[:size]]}
        if len(page) > size and offset + size <= MAX_SEARCH_OFFSET:
            body["nextPageToken"] = _encode_page_token(offset + size)
        return Response(body)


def _google_claim(verdict) -> dict:
    """A verdict annotated by `_with_review_facts`, as Google's claims:search shows it."""
    claim, article = verdict.claim, verdict.claim.article
    return {
        "text": claim.text,
        "claimant": claim.claimant or article.publisher or "",
        "claimDate": _iso(article.published_at or claim.created_at),
        "claimReview": [
            {
                "publisher": {
                    "name": settings.PUBLISHER_NAME,
                    "site": verdict.review_publisher_site,
                },
                "url": verdict_public_url(verdict),
                "title": verdict.headline,
                "reviewDate": _iso(verdict.published_at),
                "textualRating": RATING_SCALE[verdict.rating].label,
                "languageCode": verdict.review_language,
            }
        ],
    }


@extend_schema_view(get=extend_schema(operation_id="claims_search_google_path"))
class GoogleClaimSearchView(ClaimSearchView):
    """The same search where Google's client libraries look: `{root}v1alpha1/claims:search`."""
