import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
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
from factcheck.errors import InvalidInput, NotFound
from reviews import selectors as review_selectors
from reviews.api.published import (
    PublishedVerdictSerializer,
    latest_published_at,
    published_verdict_summaries,
    summary_rows,
)
from reviews.models import Verdict

from .serializers import ArticleDetailSerializer, ArticleSerializer, ArticleSubmitSerializer


class ArticleFilter(django_filters.FilterSet):
    url = django_filters.CharFilter(field_name="source_url")
    ingest_state = django_filters.ChoiceFilter(choices=Article.IngestState.choices)
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


class ArticleViewSet(
    ConditionalGetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Articles: submit one (a URL to fetch, or pasted content), list them, read one with
    its claims."""

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

    def _summary_response(self, article) -> Response:
        counts = review_selectors.article_claim_summary(article=article)
        verdicts = published_verdict_summaries(
            summary_rows(
                Verdict.objects.filter(state="published", claim__article=article).order_by(
                    "claim__start"
                )
            )
        )
        self.last_modified = latest_published_at(verdicts)
        return Response(
            {
                "article": ArticleSerializer(article).data,
                "claims": counts,
                "verdicts": verdicts,
            }
        )

    @extend_schema(responses={200: ArticleSummarySerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["get"], permission_classes=[IsReader])
    def summary(self, request, pk=None):
        """How many claims were found, queued, in review and published, the count per
        rating, and the published verdicts."""
        return self._summary_response(self.get_object())

    @extend_schema(
        operation_id="articles_summary_by_url",
        parameters=[OpenApiParameter("url", OpenApiTypes.STR, required=True)],
        responses={200: ArticleSummarySerializer, **ERROR_RESPONSES},
    )
    @action(detail=False, methods=["get"], url_path="summary", permission_classes=[IsReader])
    def summary_by_url(self, request):
        """The summary of the article at `url` (its submitted or canonical URL)."""
        url = request.query_params.get("url", "").strip()
        if not url:
            raise InvalidInput("Give the article's address: ?url=https://...")
        article = selectors.article_by_url(url)
        if article is None:
            raise NotFound(f"No article with the URL {url!r} is stored.")
        return self._summary_response(article)
