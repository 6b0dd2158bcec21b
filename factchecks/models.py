"""Fact-checks published by others (schema.org ClaimReview, the CLEF collections), the feeds
they come from, and the imports that brought them in.

A FactCheck is one reviewed claim: the collection that "has this been checked before?" is
matched against. Its rating is kept twice: as the publisher wrote it (text and numbers), and
on our own scale (`canonical_rating`), derived by `factchecks.ratings`.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from reviews.ratings import Rating


def _values(choices) -> list[str]:
    return [value for value, _label in choices.choices]


class CanonicalRating(models.TextChoices):
    """Our verdict scale (reviews.ratings), plus what a five-point truth scale cannot say."""

    FALSE = Rating.FALSE.value, Rating.FALSE.label
    MOSTLY_FALSE = Rating.MOSTLY_FALSE.value, Rating.MOSTLY_FALSE.label
    MIXED = Rating.MIXED.value, Rating.MIXED.label
    MOSTLY_TRUE = Rating.MOSTLY_TRUE.value, Rating.MOSTLY_TRUE.label
    TRUE = Rating.TRUE.value, Rating.TRUE.label
    MISLEADING = "misleading", "Misleading"
    SATIRE = "satire", "Satire"
    UNPROVEN = "unproven", "Unproven"
    OTHER = "other", "Other"


class ImportSource(models.TextChoices):
    PAGE = "page", "Fact-check page"
    FEED = "feed", "Feed"
    SUBSCRIPTION = "subscription", "Subscribed feed"
    UPLOAD = "upload", "Uploaded file"
    OWN = "own", "Our published verdict"


class ImportFormat(models.TextChoices):
    CLAIMREVIEW = "claimreview", "ClaimReview (JSON, JSON-LD or a page)"
    CLEF_TSV = "clef-tsv", "CLEF claim-matching collection (tab-separated)"


class Publisher(models.Model):
    """Who published fact-checks: a fact-checking organisation, named once.

    `key` is what makes two imports name the same publisher: the site for publishers known to
    `factchecks.publishers`, else the site and the name as published (a site can host several
    publishers, as a press portal does), else the name alone.
    """

    key = models.CharField(max_length=600, unique=True)
    name = models.CharField(max_length=300)
    site = models.CharField(
        max_length=300, blank=True, help_text="Host name, with a path where a desk lives on one."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RefreshOutcome(models.TextChoices):
    NONE = "", "Not refreshed yet"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class ImportState(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class FeedSubscription(models.Model):
    """A feed of ClaimReviews read again on a schedule (celery beat); a refresh adds and
    updates fact-checks, never duplicates them."""

    Outcome = RefreshOutcome

    name = models.CharField(max_length=200)
    url = models.URLField(max_length=2048, unique=True, help_text="The feed's address.")
    publisher_name = models.CharField(
        max_length=300,
        blank=True,
        help_text="The publisher of items that do not name one.",
    )
    is_active = models.BooleanField(default=True)
    refresh_every_minutes = models.PositiveIntegerField(
        default=360, help_text="How often the feed is read again (at least 5 minutes)."
    )
    next_refresh_at = models.DateTimeField(
        null=True, blank=True, help_text="Empty: at the next sweep."
    )
    last_refreshed_at = models.DateTimeField(null=True, blank=True)
    last_outcome = models.CharField(max_length=16, choices=RefreshOutcome.choices, blank=True)
    last_error = models.TextField(blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(refresh_every_minutes__gte=5), name="feedsubscription_refresh_min"
            ),
            models.CheckConstraint(
                condition=Q(last_outcome__in=_values(RefreshOutcome)),
                name="feedsubscription_outcome_valid",
            ),
        ]
        indexes = [
            # The sweep asks for active subscriptions that are due.
            models.Index(
                fields=["next_refresh_at"],
                name="feedsubscription_due_idx",
                condition=Q(is_active=True),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ImportRun(models.Model):
    """One import: where from, who asked, and what became of each item (the report)."""

    State = ImportState

    source = models.CharField(max_length=16, choices=ImportSource.choices)
    location = models.CharField(
        max_length=2048, blank=True, help_text="The URL read, or the name of the file."
    )
    format = models.CharField(max_length=16, choices=ImportFormat.choices, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="factcheck_imports",
    )
    subscription = models.ForeignKey(
        FeedSubscription,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="imports",
    )
    state = models.CharField(
        max_length=16, choices=ImportState.choices, default=ImportState.RUNNING
    )
    error = models.TextField(blank=True, help_text="Why nothing could be read, when it failed.")
    items = models.PositiveIntegerField(default=0, help_text="Items found in the input.")
    imported = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    skipped_items = models.JSONField(
        default=list,
        blank=True,
        help_text="The first skipped items: position, identifier and reason.",
    )
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=_values(ImportState)), name="importrun_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(source__in=_values(ImportSource)), name="importrun_source_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Import #{self.pk} ({self.get_source_display()}: {self.location})"


# Newest review first, undated ones last: as one expression, which an index of the same
# expression serves on PostgreSQL and SQLite alike (SQLite has no NULLS LAST in an index).
NEWEST_REVIEW_FIRST = Coalesce("review_date", Value(date(1, 1, 1))).desc()


class FactCheck(models.Model):
    """One claim reviewed by a publisher, with the rating as published and on our scale.

    Identity, held by the database: the canonical review URL with the claim (a page can
    review several claims), else the publisher's own id for the item. A refresh finds the row
    by either and updates it.
    """

    publisher = models.ForeignKey(Publisher, on_delete=models.PROTECT, related_name="factchecks")
    external_id = models.CharField(
        max_length=500,
        blank=True,
        help_text="The publisher's id for the item (ClaimReview @id, CLEF vclaim_id).",
    )
    review_url = models.URLField(max_length=2048, blank=True, help_text="Canonical review URL.")
    review_url_key = models.CharField(
        max_length=2048,
        blank=True,
        editable=False,
        help_text="The review URL without scheme, www. or trailing slash: how it is matched.",
    )
    claim_text = models.TextField()
    claim_digest = models.CharField(
        max_length=40, editable=False, help_text="SHA-1 of the claim, case and spacing folded."
    )
    claimant = models.CharField(max_length=500, blank=True)
    claim_date = models.DateField(null=True, blank=True)
    review_date = models.DateField(null=True, blank=True)
    headline = models.TextField(blank=True)
    language = models.CharField(max_length=16, blank=True, help_text="ISO 639-1 code, e.g. en.")
    language_detected = models.BooleanField(
        default=False, help_text="Detected from the text rather than given by the publisher."
    )
    rating_text = models.TextField(blank=True, help_text="The textual rating (alternateName).")
    rating_value = models.CharField(max_length=64, blank=True)
    best_rating = models.CharField(max_length=64, blank=True)
    worst_rating = models.CharField(max_length=64, blank=True)
    canonical_rating = models.CharField(
        max_length=16,
        choices=CanonicalRating.choices,
        blank=True,
        help_text="On our scale; empty when the publisher gave no rating.",
    )
    rating_conflict = models.BooleanField(
        default=False, help_text="The textual and the numeric rating disagree."
    )
    rating_note = models.TextField(blank=True, help_text="How the rating was read.")
    raw = models.JSONField(help_text="The item as published.")
    source = models.CharField(max_length=16, choices=ImportSource.choices)
    subscription = models.ForeignKey(
        FeedSubscription,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="factchecks",
        # Read only when a subscription is deleted; not worth an index written by every import.
        db_index=False,
    )
    last_import = models.ForeignKey(
        ImportRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="factchecks",
    )
    own_claim = models.OneToOneField(
        "reviews.Claim",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="own_factcheck",
        help_text="Our own published verdict: the claim it rates (its current verdict).",
    )
    imported_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = [NEWEST_REVIEW_FIRST, "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review_url_key", "claim_digest"],
                condition=~Q(review_url_key=""),
                name="factcheck_review_url_claim_unique",
            ),
            models.UniqueConstraint(
                fields=["publisher", "external_id"],
                condition=~Q(external_id=""),
                name="factcheck_publisher_external_id_unique",
            ),
            models.CheckConstraint(
                condition=~Q(review_url_key="") | ~Q(external_id=""),
                name="factcheck_has_identity",
            ),
            models.CheckConstraint(
                condition=Q(canonical_rating__in=[*_values(CanonicalRating), ""]),
                name="factcheck_canonical_rating_valid",
            ),
            models.CheckConstraint(
                condition=Q(source__in=_values(ImportSource)), name="factcheck_source_valid"
            ),
            models.CheckConstraint(
                condition=Q(rating_conflict=False) | ~Q(rating_note=""),
                name="factcheck_conflict_explained",
            ),
        ]
        indexes = [
            # The list's order. Language and rating, a handful of values each, are filtered
            # along it rather than indexed: every index is written by every import.
            models.Index(NEWEST_REVIEW_FIRST, F("id").desc(), name="factcheck_list_idx"),
        ]

    def __str__(self) -> str:
        return self.claim_text[:80]


class FactCheckEmbedding(models.Model):
    """The sentence vector of a fact-check's matching text (`factchecks.matching`).

    The database holds the truth: each process's matching index is built from these rows and
    catches up on rows written after it was built (by `updated_at`, then the fact-check's id).
    A row is rewritten only when the text or the model changes (`text_digest`,
    `model_version`).
    """

    factcheck = models.OneToOneField(
        FactCheck, on_delete=models.CASCADE, primary_key=True, related_name="embedding"
    )
    model_version = models.CharField(max_length=64)
    text_digest = models.CharField(
        max_length=40, help_text="SHA-1 of the text embedded: a changed text is embedded again."
    )
    vector = models.BinaryField(help_text="float32, little-endian, unit length.")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # The index catches up by this order from its high-water mark.
            models.Index(fields=["updated_at", "factcheck"], name="factcheckembedding_hwm_idx"),
        ]

    def __str__(self) -> str:
        return f"Embedding of fact-check {self.factcheck_id} ({self.model_version})"


class MatchStatus(models.TextChoices):
    SUGGESTED = "suggested", "Suggested"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"


class ClaimMatch(models.Model):
    """A published fact-check the matcher found for one of our claims, and what a person made
    of it: suggested (not judged yet), confirmed (it reviews the claim) or rejected.

    Written by the workers when a claim is matched (`factchecks.matching.claims`); a match
    somebody judged keeps its judgement when the claim is matched again."""

    Status = MatchStatus

    claim = models.ForeignKey("reviews.Claim", on_delete=models.CASCADE, related_name="matches")
    factcheck = models.ForeignKey(FactCheck, on_delete=models.CASCADE, related_name="claim_matches")
    score = models.FloatField(help_text="The matcher's calibrated score, 0 to 1.")
    status = models.CharField(
        max_length=16, choices=MatchStatus.choices, default=MatchStatus.SUGGESTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    matched_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["claim", "-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "factcheck"], name="claimmatch_unique"),
            models.CheckConstraint(
                condition=Q(status__in=_values(MatchStatus)), name="claimmatch_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=1), name="claimmatch_score_0_1"
            ),
            # A judged match says who judged it and when.
            models.CheckConstraint(
                condition=Q(status="suggested", decided_at__isnull=True)
                | (~Q(status="suggested") & Q(decided_at__isnull=False)),
                name="claimmatch_decision_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"Claim {self.claim_id} ~ fact-check {self.factcheck_id} ({self.status})"

    @property
    def is_confirmed(self) -> bool:
        return self.status == MatchStatus.CONFIRMED


class ClaimMatchRun(models.Model):
    """When a claim was last matched against the collection, and against how much of it: the
    sweep matches claims a lost message left unmatched."""

    claim = models.OneToOneField(
        "reviews.Claim", on_delete=models.CASCADE, primary_key=True, related_name="match_run"
    )
    matched_at = models.DateTimeField(default=timezone.now)
    collection_size = models.PositiveIntegerField(
        default=0, help_text="Fact-checks in the collection when it was matched."
    )

    def __str__(self) -> str:
        return f"Claim {self.claim_id} matched {self.matched_at:%Y-%m-%d %H:%M}"
