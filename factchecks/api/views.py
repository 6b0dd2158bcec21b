"""Thin API views: fact-checks by others to read, and imports for editors."""

import django_filters
from django.db.models import Q
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from factcheck.api_schema import ERROR_RESPONSES
from factcheck.filtering import ChoiceFilter, MultipleChoiceFilter

from .. import selectors, services
from ..models import CanonicalRating, FactCheck, ImportSource
from ..permissions import MayImport, MayRead
from .serializers import (
    FactCheckDetailSerializer,
    FactCheckSerializer,
    ImportReportSerializer,
    ImportRequestSerializer,
)


class FactCheckFilter(django_filters.FilterSet):
    publisher = django_filters.CharFilter(
        method="filter_publisher",
        help_text="Part of the publisher's name, or its site (e.g. politifact.com).",
    )
    language = django_filters.CharFilter(
        method="filter_language", help_text="ISO 639-1 code, e.g. en."
    )
    rating = MultipleChoiceFilter(
        field_name="canonical_rating",
        choices=CanonicalRating.choices,
        help_text="On our scale; give it more than once for any of several.",
    )
    # A choice rather than django-filter's boolean, which reads "null" or "maybe" as no filter.
    rating_conflict = ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_rating_conflict",
        help_text="true: only those whose text and number disagree.",
    )
    source = MultipleChoiceFilter(choices=ImportSource.choices)

    class Meta:
        model = FactCheck
        fields = ["publisher", "language", "rating", "rating_conflict", "source"]

    def filter_publisher(self, queryset, name, value):
        return queryset.filter(
            Q(publisher__name__icontains=value) | Q(publisher__site__iexact=value)
        )

    def filter_rating_conflict(self, queryset, name, value: str):
        return queryset.filter(rating_conflict=value == "true")

    def filter_language(self, queryset, name, value):
        return queryset.filter(language=value.strip().lower())


class FactCheckViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Published fact-checks: by others (ClaimReview feeds and pages, CLEF collections) and
    our own published verdicts (source `own`), with their rating as published and on our
    scale."""

    permission_classes = [MayRead]
    filterset_class = FactCheckFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.factcheck_detail_queryset()
        return selectors.factcheck_list()

    def get_serializer_class(self):
        return FactCheckDetailSerializer if self.action == "retrieve" else FactCheckSerializer


class FactCheckImportView(APIView):
    permission_classes = [MayImport]

    @extend_schema(
        request=ImportRequestSerializer,
        responses={
            201: OpenApiResponse(ImportReportSerializer, "Imported: at least one was added."),
            200: OpenApiResponse(
                ImportReportSerializer, "Read: every item was already stored (or updated)."
            ),
            **ERROR_RESPONSES,
        },
    )
    def post(self, request):
        """Import fact-checks from a page or feed URL, a ClaimReview JSON-LD document, or a
        file's content, and answer with the report: how many were imported, updated, left
        unchanged and skipped, with each skipped item's reason. Editors only. An input that
        cannot be read answers 400 with a code saying why (`fetch_refused`, `fetch_failed`,
        `too_large`, `unreadable_document`, `no_claimreview`, `nothing_imported`)."""
        serializer = ImportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        options = {
            "publisher": data.get("publisher", ""),
            "language": data.get("language", "").strip().lower(),
            "by": request.user,
        }
        if "url" in data:
            run = services.factchecks_import_url(url=data["url"], format=data["format"], **options)
        elif "document" in data:
            run = services.factchecks_import_value(value=data["document"], **options)
        else:
            run = services.factchecks_import_file(
                data=data["content"].encode("utf-8", errors="replace"),
                filename=data.get("filename", ""),
                format=data["format"],
                **options,
            )
        report = ImportReportSerializer(services.import_report(run)).data
        code = status.HTTP_201_CREATED if run.imported else status.HTTP_200_OK
        return Response(report, status=code)
