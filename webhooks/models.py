"""Subscribers to verdict publications, and the deliveries made to them.

A Delivery row is the truth about a webhook still to send: the broker only wakes workers up,
and a periodic sweep re-enqueues deliveries whose message was lost.
"""

import secrets

from django.core.exceptions import ValidationError
from django.core.validators import MinLengthValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now

SECRET_MIN_LENGTH = 24


class Event(models.TextChoices):
    VERDICT_PUBLISHED = "verdict.published", "A verdict is published"
    VERDICT_CORRECTED = "verdict.corrected", "A verdict is corrected (superseded by a later one)"


def generate_secret() -> str:
    return secrets.token_urlsafe(32)


def all_events() -> list[str]:
    return list(Event.values)


def validate_event_types(value) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError("Choose at least one event.")
    unknown = sorted({str(item) for item in value} - set(Event.values))
    if unknown:
        raise ValidationError(
            f"Unknown events: {', '.join(unknown)}. Known events: {', '.join(Event.values)}."
        )


class Subscriber(models.Model):
    """A receiver of signed webhooks: every published or corrected verdict is POSTed to it."""

    name = models.CharField(max_length=200)
    url = models.URLField(
        max_length=2048,
        help_text="Where verdicts are POSTed: http(s) on a public internet address, on a port "
        "the fetcher may use (FETCH_ALLOWED_PORTS).",
    )
    secret = models.CharField(
        max_length=200,
        default=generate_secret,
        validators=[MinLengthValidator(SECRET_MIN_LENGTH)],
        help_text="Shared with the receiver, which checks the X-Factcheck-Signature header "
        "with it. Change it to rotate the secret.",
    )
    is_active = models.BooleanField(default=True, help_text="Inactive subscribers get nothing.")
    event_types = models.JSONField(
        default=all_events,
        validators=[validate_event_types],
        help_text="The events sent to this subscriber.",
    )
    created_at = models.DateTimeField(db_default=Now())
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(secret=""), name="subscriber_secret_set"),
        ]

    def __str__(self) -> str:
        return self.name

    def wants(self, event: str) -> bool:
        return event in (self.event_types or [])


class Delivery(models.Model):
    """One event for one subscriber: sent until the receiver accepts it or attempts run out."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERING = "delivering", "Delivering"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    # Removing a subscriber removes its delivery log; deactivate it to keep the history.
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    verdict = models.ForeignKey(
        "reviews.Verdict", on_delete=models.PROTECT, related_name="webhook_deliveries"
    )
    event = models.CharField(max_length=32, choices=Event.choices)
    payload = models.JSONField(help_text="The verdict as it was when the event happened.")
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(
        null=True, blank=True, help_text="While delivering: when the attempt counts as lost."
    )
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(db_default=Now())
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "verdict", "event"], name="delivery_once_per_subscriber"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["pending", "delivering", "delivered", "failed"]),
                name="delivery_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(event__in=["verdict.published", "verdict.corrected"]),
                name="delivery_event_valid",
            ),
            models.CheckConstraint(
                condition=~Q(state="delivering") | Q(lease_expires_at__isnull=False),
                name="delivery_delivering_has_lease",
            ),
            models.CheckConstraint(
                condition=~Q(state="delivered") | Q(delivered_at__isnull=False),
                name="delivery_delivered_has_time",
            ),
            models.CheckConstraint(
                condition=Q(last_status_code__isnull=True)
                | Q(last_status_code__gte=100, last_status_code__lte=599),
                name="delivery_status_code_http",
            ),
        ]
        indexes = [
            # The sweep looks for deliveries that are due or whose lease ran out.
            models.Index(
                fields=["next_attempt_at"],
                name="delivery_due_idx",
                condition=Q(state="pending"),
            ),
            models.Index(
                fields=["lease_expires_at"],
                name="delivery_lease_idx",
                condition=Q(state="delivering"),
            ),
            models.Index(fields=["subscriber", "-created_at"], name="delivery_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} of verdict {self.verdict_id} to {self.subscriber_id}"


class DeliveryAttempt(models.Model):
    """One POST of a delivery, as it went. The delivery log: rows are only ever added."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField(help_text="1 for the first attempt.")
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error_kind = models.CharField(
        max_length=32, blank=True, help_text="Empty when the receiver accepted the delivery."
    )
    error = models.TextField(blank=True)
    response_excerpt = models.TextField(blank=True, help_text="The start of the receiver's answer.")

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="attempt_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="attempt_number_positive"),
            models.CheckConstraint(
                condition=Q(status_code__isnull=True)
                | Q(status_code__gte=100, status_code__lte=599),
                name="attempt_status_code_http",
            ),
        ]

    def __str__(self) -> str:
        outcome = self.error_kind or "delivered"
        return f"Attempt {self.number}: {self.status_code or '-'} {outcome}"
