"""The service's URLs plus bare Django views with no framework in between:
- `bench/verdicts/` returns the same verdict rows as JSON, the ceiling `bench/api.py`
  compares the API against;
- `bench/take/` runs the bare dequeue statement and returns the claim's id: how fast a
  Django view can take claims at all, which `bench/queue.py` prints beside the API.

Served with DJANGO_SETTINGS_MODULE=bench.ceiling_settings, from the project root."""

from django.db import connection
from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from factcheck.prepared import FixedStatement
from reviews.services import DEQUEUE_SQL

# The dequeue, prepared once per connection as the service prepares its own; `bench/queue.py`
# runs it bare on connections of its own as well.
DEQUEUE = FixedStatement(
    "bench_dequeue", DEQUEUE_SQL, {"reviewer": "bigint", "lease_seconds": "double precision"}
)


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


@csrf_exempt
def bare_take(request):
    """The dequeue alone, for the reviewer in `?reviewer=`: no authentication, throttle,
    audit event or serializer."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    with connection.cursor() as cursor:
        DEQUEUE.execute(cursor, {"reviewer": int(request.GET["reviewer"]), "lease_seconds": 1800})
        row = cursor.fetchone()
    if row is None:
        return HttpResponse(status=204)
    return JsonResponse({"id": row[0]})


urlpatterns = [
    path("bench/verdicts/", bare_verdicts),
    path("bench/take/", bare_take),
    path("", include("factcheck.urls")),
]
