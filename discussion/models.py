"""The newsroom's talk about its work: notes on claims, and the text of each verdict as it was
when an editor returned it, to compare the resubmission with. Both are internal: nothing here
is ever shown to API clients or the public."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length, Now
from django.db.models.lookups import LessThanOrEqual

from reviews.ratings import Rating

MAX_NOTE_LENGTH = 5000


class Note(models.Model):
    """A fact-checker's or editor's note on a claim, in plain text. Notes are only ever added:
    the thread is part of the claim's record, as its audit trail is."""

    claim = models.ForeignKey("reviews.Claim", on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notes"
    )
    text = models.TextField()
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="note_mentions",
        help_text="The fact-checkers and editors the note names as @username.",
    )
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="note_text_not_empty"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("text"), MAX_NOTE_LENGTH),
                name="note_text_length",
            ),
        ]
        indexes = [
            # A claim's thread, oldest first.
            models.Index(fields=["claim", "created_at", "id"], name="note_claim_thread_idx"),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class ReturnedVerdictText(models.Model):
    """A verdict's rating, headline and rationale as they were when an editor returned it to
    its author. Verdicts keep only their current text; this is what the editor reviewing the
    resubmission compares it with."""

    verdict = models.ForeignKey(
        "reviews.Verdict", on_delete=models.PROTECT, related_name="returned_texts"
    )
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.TextField(blank=True, help_text="What the editor asked to fix.")
    rating = models.CharField(max_length=16, choices=Rating.choices, blank=True)
    headline = models.CharField(max_length=300, blank=True)
    rationale = models.TextField(blank=True)
    returned_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["returned_at", "id"]
        indexes = [
            # The latest return of a verdict.
            models.Index(
                fields=["verdict", "-returned_at", "-id"], name="returned_text_latest_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"Verdict {self.verdict_id} as returned"
