import django_filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from accounts.permissions import IsChecker
from articles import selectors, services
from articles.models import Article

from .serializers import ArticleDetailSerializer, ArticleSerializer, ArticleSubmitSerializer


class ArticleFilter(django_filters.FilterSet):
    url = django_filters.CharFilter(field_name="source_url")
    ingest_state = django_filters.ChoiceFilter(choices=Article.IngestState.choices)
    publisher = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Article
        fields = ["url", "ingest_state", "publisher"]


class ArticleViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Articles: submit one (a URL to fetch, or pasted content), list them, read one with
    its claims."""

    permission_classes = [IsChecker]
    filterset_class = ArticleFilter

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
