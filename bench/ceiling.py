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

# The least work a dequeue can be: the top queued claim (or the top claim whose lease ran
# out), locked with SKIP LOCKED and assigned on the database clock, in one statement that
# the server plans once per connection. No audit event, no draft hand-over, nothing read
# back. `bench/queue.py` runs it through a bare Django view and on bare connections.
DEQUEUE_SQL = """
WITH queued AS (
    SELECT id, priority, created_at FROM reviews_claim
     WHERE state = 'queued'
     ORDER BY priority DESC, created_at ASC, id ASC LIMIT 1 FOR UPDATE SKIP LOCKED
), lapsed AS (
    SELECT id, priority, created_at FROM reviews_claim
     WHERE state = 'assigned' AND lease_expires_at < now()
     ORDER BY priority DESC, created_at ASC, id ASC LIMIT 1 FOR UPDATE SKIP LOCKED
), pick AS (
    SELECT id FROM (SELECT * FROM queued UNION ALL SELECT * FROM lapsed) AS candidate
     ORDER BY priority DESC, created_at ASC, id ASC LIMIT 1
)
UPDATE reviews_claim AS c
   SET state = 'assigned', assignee_id = $1,
       lease_expires_at = now() + make_interval(secs => $2), updated_at = now()
  FROM pick WHERE c.id = pick.id
RETURNING c.id"""
PREPARE_DEQUEUE = f"PREPARE bench_dequeue (bigint, double precision) AS {DEQUEUE_SQL}"
EXECUTE_DEQUEUE = "EXECUTE bench_dequeue (%s, %s)"


def dequeue(cursor, prepared_on: set, reviewer: int) -> tuple | None:
    """Run the dequeue for `reviewer` on `cursor`, preparing it first on a new connection
    (`prepared_on` remembers which raw connections have it)."""
    raw = cursor.connection
    if id(raw) not in prepared_on:
        cursor.execute(PREPARE_DEQUEUE)
        prepared_on.add(id(raw))
    cursor.execute(EXECUTE_DEQUEUE, [reviewer, 1800])
    return cursor.fetchone()


_view_prepared_on: set = set()


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
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        row = dequeue(cursor, _view_prepared_on, int(request.GET["reviewer"]))
    if row is None:
        return HttpResponse(status=204)
    return JsonResponse({"id": row[0]})


urlpatterns = [
    path("bench/verdicts/", bare_verdicts),
    path("bench/take/", bare_take),
    path("", include("factcheck.urls")),
]
