"""URLs the service must read, the work of fetching them, and what each fetch found."""

from django.db import models
from django.db.models import Q


class Source(models.Model):
    """One normalised URL to fetch; the row is the truth about fetch work still to do.

    Evidence links, article links and URL-submitted articles all point here, so a URL is
    fetched once per freshness window however many things cite it.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        FETCHING = "fetching", "Fetching"
        FETCHED = "fetched", "Fetched"
        FAILED = "failed", "Failed"
        BLOCKED = "blocked", "Blocked"

    url = models.URLField(max_length=2048, unique=True, help_text="Normalised URL.")
    host = models.CharField(max_length=255, db_index=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(
        null=True, blank=True, help_text="While fetching: when the fetch counts as lost."
    )
    last_error_kind = models.CharField(max_length=64, blank=True)
    last_error = models.TextField(blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    fetch_started_at = models.DateTimeField(
        null=True, blank=True, help_text="When the latest attempt began (for per-host politeness)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["pending", "fetching", "fetched", "failed", "blocked"]),
                name="source_state_valid",
            ),
            models.CheckConstraint(
                condition=~Q(state="fetching") | Q(lease_expires_at__isnull=False),
                name="source_fetching_has_lease",
            ),
        ]
        indexes = [
            models.Index(fields=["host", "fetch_started_at"], name="source_host_started_idx"),
            # The sweep looks for work that is due or whose lease ran out.
            models.Index(
                fields=["next_attempt_at"],
                name="source_due_idx",
                condition=Q(state__in=["pending", "fetching"]),
            ),
        ]

    def __str__(self) -> str:
        return self.url


class SourceSnapshot(models.Model):
    """What one fetch of a source found. Re-fetching adds a snapshot; none is ever replaced."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="snapshots")
    requested_url = models.URLField(max_length=2048)
    final_url = models.URLField(max_length=2048, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=255, blank=True)
    title = models.TextField(blank=True)
    text = models.TextField(blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    links = models.JSONField(default=list, blank=True, help_text="Outbound links found.")
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    fetched_at = models.DateTimeField()
    error_kind = models.CharField(
        max_length=64, blank=True, help_text="Empty when the fetch succeeded."
    )
    error_message = models.TextField(blank=True)

    class Meta:
        ordering = ["-fetched_at"]
        get_latest_by = "fetched_at"
        constraints = [
            models.CheckConstraint(
                condition=Q(sha256="") | Q(sha256__regex=r"^[0-9a-f]{64}$"),
                name="snapshot_sha256_hex",
            ),
            models.CheckConstraint(
                condition=Q(status_code__isnull=True)
                | Q(status_code__gte=100, status_code__lte=599),
                name="snapshot_status_code_http",
            ),
        ]
        indexes = [models.Index(fields=["source", "-fetched_at"], name="snapshot_latest_idx")]

    def __str__(self) -> str:
        return f"{self.requested_url} @ {self.fetched_at:%Y-%m-%d %H:%M}"
