"""The service's URLs plus a bare Django view returning the same verdict rows as JSON, with no
framework in between: the ceiling `bench/api.py` compares the API against.

Served with DJANGO_SETTINGS_MODULE=bench.ceiling_settings, from the project root."""

from django.http import JsonResponse
from django.urls import include, path


def bare_verdicts(request):
    from reviews.models import Verdict

    rows = list(
        Verdict.objects.filter(state="published")
        .order_by("-published_at", "-id")
        .values(
            "id",
            "rating",
            "headline",
            "rationale",
            "published_at",
            "claim__id",
            "claim__text",
            "claim__claimant",
            "claim__kind",
            "claim__quantities",
            "claim__article__id",
            "claim__article__title",
            "claim__article__source_url",
            "signed_off_by__username",
        )[:50]
    )
    return JsonResponse({"results": rows})


urlpatterns = [
    path("bench/verdicts/", bare_verdicts),
    path("", include("factcheck.urls")),
]
