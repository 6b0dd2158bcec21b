"""Reads of a person's notifications."""

from django.db.models import QuerySet
from django.urls import reverse

from .models import Notification, NotificationKind


def notifications_for(recipient, *, unread: bool | None = None) -> QuerySet[Notification]:
    """`recipient`'s notifications, newest first; with `unread`, only those (not) read."""
    notifications = Notification.objects.filter(recipient=recipient).order_by("-created_at", "-id")
    if unread is not None:
        notifications = notifications.filter(read_at__isnull=unread)
    return notifications.select_related("actor")


def unread_count(recipient) -> int:
    """How many of `recipient`'s notifications are unread: one count over the unread index."""
    return Notification.objects.filter(recipient=recipient, read_at__isnull=True).count()


def notification_url(notification: Notification) -> str:
    """Where a notification leads: the published verdict, for one approved or corrected; the
    claim's page otherwise, at the notes for a mention and at the lease for one ending."""
    kind = notification.kind
    if kind in (NotificationKind.VERDICT_APPROVED, NotificationKind.VERDICT_CORRECTED):
        return reverse("verdict-public", args=[notification.verdict_id])
    anchor = {
        NotificationKind.MENTIONED: "#notes",
        NotificationKind.LEASE_ENDING: "#claim",
        NotificationKind.VERDICT_RETURNED: "#returned",
        NotificationKind.CORRECTION_OPENED: "#correction",
    }.get(kind, "")
    return reverse("claim-workspace", args=[notification.claim_id]) + anchor
