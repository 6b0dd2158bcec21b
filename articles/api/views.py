import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.permissions import IsChecker, IsReader
from articles import selectors, services
from articles.models import Article
from factcheck.api_schema import ERROR_RESPONSES
from factcheck.conditional import ConditionalGetMixin
from factcheck.errors import NotFound
from factcheck.fields import NoInputSerializer, URLField
from factcheck.filtering import ChoiceFilter, refuse_repeated_parameters
from reviews import presenters as review_presenters
from reviews import selectors as review_selectors
from reviews.presenters import PublishedVerdictSerializer

from .serializers import ArticleDetailSerializer, ArticleSerializer, ArticleSubmitSerializer


class ArticleFilter(django_filters.FilterSet):
    url = django_filters.CharFilter(field_name="source_url")
    ingest_state = ChoiceFilter(choices=Article.IngestState.choices)
    publisher = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Article
        fields = ["url", "ingest_state", "publisher"]


class ArticleSummarySerializer(serializers.Serializer):
    article = ArticleSerializer()
    claims = inline_serializer(
        "ArticleClaimCounts",
        {
            "found": serializers.IntegerField(),
            "triage": serializers.IntegerField(),
            "queued": serializers.IntegerField(),
            "in_review": serializers.IntegerField(),
            "published": serializers.IntegerField(),
            "dismissed": serializers.IntegerField(),
            "ratings": serializers.DictField(child=serializers.IntegerField()),
        },
    )
    verdicts = PublishedVerdictSerializer(many=True)


class ClientArticleSerializer(ArticleSerializer):
    """An article as API clients see it: what it is, never how it went through the newsroom."""

    class Meta(ArticleSerializer.Meta):
        fields = [
            "id",
            "source_url",
            "canonical_url",
            "title",
            "byline",
            "publisher",
            "published_at",
            "language",
        ]


class ClientArticleSummarySerializer(serializers.Serializer):
    """The summary API clients get: the published verdicts and their counts only."""

    article = ClientArticleSerializer()
    claims = inline_serializer(
        "ArticlePublishedClaimCounts",
        {
            "published": serializers.IntegerField(),
            "ratings": serializers.DictField(child=serializers.IntegerField()),
        },
    )
    verdicts = PublishedVerdictSerializer(many=True)


SUMMARY_RESPONSES = {
    200: OpenApiResponse(
        PolymorphicProxySerializer(
            component_name="ArticleSummaryAnswer",
            serializers=[ArticleSummarySerializer, ClientArticleSummarySerializer],
            resource_type_field_name=None,
        ),
        "Fact-checkers and editors get the full summary; API clients get the published "
        "part, and 404 for an article with nothing published.",
    ),
    **ERROR_RESPONSES,
}
MISSING_URL = "Give the article's address: ?url=https://..."


class SummaryByUrlParams(serializers.Serializer):
    # A value that is no web address could never match a stored one, and some (a NUL
    # character) the database refuses to even compare: a 400 saying why, not a 404 or a 500.
    url = URLField(error_messages={"required": MISSING_URL, "blank": MISSING_URL})


def _no_input(request) -> None:
    NoInputSerializer(data=request.data).is_valid(raise_exception=True)


class ArticleViewSet(
    ConditionalGetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Articles: submit one (a URL to fetch, or pasted content), list them, read one with
    its claims; fetch one that could not be read again, or remove it."""

    permission_classes = [IsChecker]
    filterset_class = ArticleFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.article_detail_queryset()
        return selectors.article_list()

    def get_serializer_class(self):
        if self.action == "retrieve":
            return ArticleDetailSerializer
        return ArticleSerializer

    @extend_schema(
        request=ArticleSubmitSerializer,
        responses={
            201: OpenApiResponse(ArticleDetailSerializer, "Stored, with its claims."),
            202: OpenApiResponse(ArticleSerializer, "Accepted: the URL is being fetched."),
            200: OpenApiResponse(ArticleDetailSerializer, "Already stored: the same article."),
        },
    )
    def create(self, request, *args, **kwargs):
        serializer = ArticleSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        input_format = data["input_format"]
        if input_format == "url":
            article, created = services.article_submit_url(
                url=data["url"], submitted_by=request.user
            )
            code = status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK
        else:
            article, created = services.article_submit_content(
                content=data[input_format],
                input_format=input_format,
                title=data.get("title", ""),
                url=data.get("url", ""),
                published_at=data.get("published_at"),
                publisher=data.get("publisher", ""),
                author=data.get("author", ""),
                submitted_by=request.user,
            )
            code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        article = selectors.article_detail_queryset().get(pk=article.pk)
        response = Response(ArticleDetailSerializer(article).data, status=code)
        response["Location"] = f"/api/v1/articles/{article.pk}/"
        return response

    @extend_schema(
        request=None,
        responses={204: OpenApiResponse(description="Removed.")},
        description=(
            "Remove an article that could not be read (`ingest_state` failed) and has no "
            "claims: whoever submitted it, or an editor. It leaves every list and answer "
            "(404 from then on) and its URL may be submitted anew; the audit trail keeps "
            "the removal. 409 for any other article, which stays in the newsroom's record."
        ),
    )
    def destroy(self, request, *args, **kwargs):
        _no_input(request)
        services.article_remove(article=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={202: ArticleSerializer})
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        """Fetch the page of an article submitted by URL that could not be read again, and
        extract its claims once read, as on submission (202: it waits on the fetch again).
        Any fact-checker or editor; 409 for an article that did not fail."""
        _no_input(request)
        article = services.article_retry(article=self.get_object(), by=request.user)
        return Response(ArticleSerializer(article).data, status=status.HTTP_202_ACCEPTED)

    def _sees_the_newsroom(self) -> bool:
        """Fact-checkers and editors see how an article stands in the newsroom; API clients
        see what was published on it, and nothing of an article with nothing published."""
        return IsChecker().has_permission(self.request, self)

    def _summary_articles(self):
        if self._sees_the_newsroom():
            return selectors.article_list()
        return review_selectors.articles_with_published_verdicts()

    def _summary_response(self, article) -> Response:
        rows = review_selectors.with_published_evidence(
            review_selectors.published_verdict_rows()
            .filter(claim__article=article)
            .order_by("claim__start")
        )
        verdicts = review_presenters.verdict_items(rows)
        self.last_modified = review_presenters.latest_published_at(rows)
        if not self._sees_the_newsroom():
            return Response(
                {
                    "article": ClientArticleSerializer(article).data,
                    "claims": review_selectors.article_published_summary(article=article),
                    "verdicts": verdicts,
                }
            )
        return Response(
            {
                "article": ArticleSerializer(article).data,
                "claims": review_selectors.article_claim_summary(article=article),
                "verdicts": verdicts,
            }
        )

    @extend_schema(responses=SUMMARY_RESPONSES)
    @action(detail=True, methods=["get"], permission_classes=[IsReader])
    def summary(self, request, pk=None):
        """How many claims were found, queued, in review and published, the count per
        rating, and the published verdicts. API clients get the published part only."""
        # Not filtered by the list's query parameters: they could tell a client about
        # what is not published (an ingest state, say).
        return self._summary_response(get_object_or_404(self._summary_articles(), pk=pk))

    @extend_schema(
        operation_id="articles_summary_by_url",
        parameters=[OpenApiParameter("url", OpenApiTypes.STR, required=True)],
        responses=SUMMARY_RESPONSES,
    )
    @action(detail=False, methods=["get"], url_path="summary", permission_classes=[IsReader])
    def summary_by_url(self, request):
        """The summary of the article at `url` (its submitted or canonical URL)."""
        refuse_repeated_parameters(SummaryByUrlParams, request)
        params = SummaryByUrlParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        url = params.validated_data["url"]
        article = selectors.article_by_url(url, among=self._summary_articles())
        if article is None:
            if self._sees_the_newsroom():
                raise NotFound(f"No article with the URL {url!r} is stored.")
            raise NotFound(f"No fact check is published on an article with the URL {url!r}.")
        return self._summary_response(article)
