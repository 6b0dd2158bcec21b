"""Claims in their review workflow, the verdicts rating them, evidence, and the audit trail."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now

from .ratings import Rating


class ClaimKind(models.TextChoices):
    STATISTIC = "statistic", "Statistic"
    ESTIMATE = "estimate", "Estimate"
    COMPARISON = "comparison", "Comparison"
    QUOTATION = "quotation", "Quotation"
    ATTRIBUTION = "attribution", "Attribution"
    EVENT = "event", "Event"
    OTHER = "other", "Other"


class ClaimState(models.TextChoices):
    TRIAGE = "triage", "Awaiting triage"
    QUEUED = "queued", "Queued"
    ASSIGNED = "assigned", "Being checked"
    SUBMITTED = "submitted", "Awaiting sign-off"
    RETURNED = "returned", "Returned to its fact-checker"
    PUBLISHED = "published", "Published"
    DISMISSED = "dismissed", "Dismissed"


class DismissReason(models.TextChoices):
    NOT_CHECK_WORTHY = "not_check_worthy", "Not check-worthy"
    DUPLICATE = "duplicate", "Duplicate of another claim"
    OPINION = "opinion", "Opinion, not a factual claim"
    ALREADY_CHECKED = "already_checked", "Checked before: a published fact-check reviews it"


def _values(choices) -> list[str]:
    return [value for value, _label in choices.choices]


class Claim(models.Model):
    """A checkable statement in an article: `article.body[start:end] == text` always holds."""

    article = models.ForeignKey("articles.Article", on_delete=models.PROTECT, related_name="claims")
    text = models.TextField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=ClaimKind.choices, default=ClaimKind.OTHER)
    claimant = models.CharField(max_length=300, blank=True)
    quantities = models.JSONField(default=list, blank=True)
    score = models.FloatField(help_text="Check-worthiness, 0 to 1.")
    reasons = models.JSONField(default=list, blank=True, help_text="What drove the score.")
    state = models.CharField(max_length=16, choices=ClaimState.choices, default=ClaimState.TRIAGE)
    priority = models.FloatField(default=0, help_text="Queue order: higher is taken first.")
    boost = models.IntegerField(default=0, help_text="An editor's manual priority boost.")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_claims",
    )
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    dismiss_reason = models.CharField(max_length=32, choices=DismissReason.choices, blank=True)
    checked_before = models.BooleanField(
        default=False,
        help_text="Someone confirmed a published fact-check that reviews this claim: it sits "
        "lower in the queue.",
    )
    extractor_version = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(db_default=Now())
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["article", "start"]
        constraints = [
            models.UniqueConstraint(fields=["article", "start", "end"], name="claim_span_unique"),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="claim_span_nonempty"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=1), name="claim_score_0_1"),
            models.CheckConstraint(
                condition=Q(kind__in=_values(ClaimKind)), name="claim_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=_values(ClaimState)), name="claim_state_valid"
            ),
            # A claim being checked is held by someone, for a limited time.
            models.CheckConstraint(
                condition=~Q(state="assigned")
                | Q(assignee__isnull=False, lease_expires_at__isnull=False),
                name="claim_assigned_has_lease",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["triage", "queued"])
                | Q(assignee__isnull=True, lease_expires_at__isnull=True),
                name="claim_unassigned_in_queue",
            ),
            models.CheckConstraint(
                condition=Q(state="dismissed", dismiss_reason__in=_values(DismissReason))
                | (~Q(state="dismissed") & Q(dismiss_reason="")),
                name="claim_dismissed_has_reason",
            ),
        ]
        indexes = [
            # Matches the queue's ORDER BY, limited to what can be handed out.
            models.Index(
                F("priority").desc(),
                F("created_at").asc(),
                F("id").asc(),
                name="claim_queue_idx",
                condition=Q(state="queued"),
            ),
            models.Index(
                fields=["lease_expires_at"],
                name="claim_lease_idx",
                condition=Q(state="assigned"),
            ),
            # Queued and assigned claims have the two indexes above. Leaving them out keeps
            # this one small, and keeps the planner from scanning every held claim for a
            # lapsed lease when its statistics predate the assignments.
            models.Index(
                fields=["state", "article"],
                name="claim_settled_state_idx",
                condition=~Q(state__in=["queued", "assigned"]),
            ),
            models.Index(fields=["assignee", "state"], name="claim_assignee_idx"),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class VerdictState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for sign-off"
    RETURNED = "returned", "Returned with comments"
    PUBLISHED = "published", "Published"
    SUPERSEDED = "superseded", "Superseded by a correction"


# Verdicts in progress; the rulebook names them `workflow.VERDICT_OPEN`. Declared here for the
# constraint below, which holds one of them per claim.
OPEN_VERDICT_STATES = [VerdictState.DRAFT, VerdictState.SUBMITTED, VerdictState.RETURNED]


class Verdict(models.Model):
    """A fact-checker's rating of a claim. Writes carry `version` (optimistic concurrency)."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="verdicts")
    state = models.CharField(max_length=16, choices=VerdictState.choices, default="draft")
    rating = models.CharField(max_length=16, choices=Rating.choices, blank=True)
    headline = models.CharField(max_length=300, blank=True)
    rationale = models.TextField(blank=True, help_text="Markdown.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="verdicts"
    )
    version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signed_off_verdicts",
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signoff_comment = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        help_text="The published verdict this one corrects; empty for a first verdict.",
    )
    correction_note = models.TextField(
        blank=True,
        help_text="Why the earlier verdict was corrected, in the editor's words: published "
        "with the correction.",
    )
    first_published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="For a correction: when the claim's first verdict was published.",
    )
    created_at = models.DateTimeField(db_default=Now())
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim"],
                condition=Q(state="published"),
                name="verdict_one_published_per_claim",
            ),
            models.UniqueConstraint(
                fields=["claim"],
                condition=Q(state__in=OPEN_VERDICT_STATES),
                name="verdict_one_open_per_claim",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="verdict_version_positive"),
            models.CheckConstraint(
                condition=Q(state__in=_values(VerdictState)), name="verdict_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(rating="") | Q(rating__in=_values(Rating)), name="verdict_rating_valid"
            ),
            # Nobody signs off their own verdict, editors included.
            models.CheckConstraint(
                condition=Q(signed_off_by__isnull=True) | ~Q(signed_off_by=F("author")),
                name="verdict_four_eyes",
            ),
            models.CheckConstraint(
                condition=Q(state="draft")
                | Q(state="returned")
                | (~Q(rating="") & ~Q(headline="") & ~Q(rationale="")),
                name="verdict_complete_when_submitted",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["published", "superseded"])
                | Q(
                    published_at__isnull=False,
                    signed_off_by__isnull=False,
                    signed_off_at__isnull=False,
                ),
                name="verdict_published_is_signed_off",
            ),
            # A correction says why it was made; only a correction carries the date of the
            # claim's first publication.
            models.CheckConstraint(
                condition=Q(corrects__isnull=True, correction_note="", first_published_at=None)
                | (
                    Q(corrects__isnull=False, first_published_at__isnull=False)
                    & ~Q(correction_note="")
                ),
                name="verdict_correction_complete",
            ),
        ]
        indexes = [
            # The state leads, rather than being a partial index's condition, so that a
            # prepared query asking for a state it is given as a parameter can use it too.
            models.Index(
                fields=["state", "-published_at", "-id"], name="verdict_state_published_idx"
            ),
            models.Index(
                fields=["submitted_at"],
                name="verdict_signoff_inbox_idx",
                condition=Q(state="submitted"),
            ),
        ]

    def __str__(self) -> str:
        return self.headline or f"Verdict on claim {self.claim_id}"


class Stance(models.TextChoices):
    SUPPORTS = "supports", "Supports the claim"
    REFUTES = "refutes", "Refutes the claim"
    CONTEXT = "context", "Gives context"


class EvidenceLink(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    url = models.URLField(max_length=2048, help_text="As the fact-checker entered it.")
    source = models.ForeignKey(
        "sources.Source", on_delete=models.PROTECT, related_name="evidence_links"
    )
    stance = models.CharField(max_length=16, choices=Stance.choices)
    note = models.TextField(blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evidence_links"
    )
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["claim", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "source"], name="evidence_unique_per_claim"),
            models.CheckConstraint(
                condition=Q(stance__in=_values(Stance)), name="evidence_stance_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stance_display()}: {self.url}"


class ReviewEvent(models.Model):
    """One state change, as it happened. Rows are only ever added (the database refuses edits)."""

    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    verdict = models.ForeignKey(
        Verdict, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="review_events",
        help_text="Empty when the service itself acted.",
    )
    action = models.CharField(max_length=32)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(claim__isnull=False) | Q(article__isnull=False),
                name="review_event_has_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["claim", "created_at"], name="review_event_claim_idx"),
            # The dashboard's reads (bench/dashboard.py, 100,000 claims): the moves of the
            # last 30 days (59 ms to 23 ms), and when each claim first entered the queue,
            # for the time from queued to published (86 ms to 49 ms).
            models.Index(fields=["created_at"], name="review_event_created_idx"),
            models.Index(
                fields=["claim", "created_at"],
                name="review_event_queued_idx",
                condition=Q(to_state="queued"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_state or '-'} -> {self.to_state or '-'}"
