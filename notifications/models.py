"""What the newsroom is told about its own work: a person's notifications."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now


class NotificationKind(models.TextChoices):
    VERDICT_RETURNED = "verdict_returned", "Verdict returned"
    VERDICT_APPROVED = "verdict_approved", "Verdict approved"
    VERDICT_CORRECTED = "verdict_corrected", "Verdict corrected"
    CORRECTION_OPENED = "correction_opened", "Correction to write"
    CLAIM_ASSIGNED = "claim_assigned", "Claim assigned"
    MENTIONED = "mentioned", "Mentioned in a note"
    LEASE_ENDING = "lease_ending", "Lease about to run out"


class Notification(models.Model):
    """One thing a person is told, about a claim (and its verdict, where there is one)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who did what the notification tells of; empty when the service did.",
    )
    claim = models.ForeignKey(
        "reviews.Claim", on_delete=models.CASCADE, related_name="notifications"
    )
    verdict = models.ForeignKey(
        "reviews.Verdict",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    message = models.CharField(max_length=500)
    detail = models.TextField(blank=True, help_text="The editor's comment, or the note.")
    lease_expires_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="For a lease about to run out: the end of the lease told of, once.",
    )
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values), name="notification_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind=NotificationKind.LEASE_ENDING, lease_expires_at__isnull=False)
                | (~Q(kind=NotificationKind.LEASE_ENDING) & Q(lease_expires_at__isnull=True)),
                name="notification_lease_ending_has_lease",
            ),
            # A lease is told about once, however often the sweep finds it ending. A renewed
            # lease ends at another time: it is told about again.
            models.UniqueConstraint(
                fields=["recipient", "claim", "lease_expires_at"],
                condition=Q(kind=NotificationKind.LEASE_ENDING),
                name="notification_lease_ending_once",
            ),
        ]
        indexes = [
            # A person's notifications, newest first.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox_idx"),
            # The counter in every page's header: a count over this index alone.
            models.Index(
                fields=["recipient"],
                name="notification_unread_idx",
                condition=Q(read_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.message[:80]
