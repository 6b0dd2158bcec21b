"""Every write of notifications: telling people about their work, and marking what they read.

The `notify_*` services are called by the receivers of other apps' signals, sent once the
change they tell of is committed; each reads what it tells of again, by id.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.db.models.functions import Now
from django.utils import timezone

from discussion import selectors as discussion_selectors
from reviews.models import Claim, ClaimState, Verdict

from .models import Notification, NotificationKind

User = get_user_model()

# The sweep runs every minute (CELERY_BEAT_SCHEDULE), so a lease is found with two to three
# minutes left: a run a minute late still leaves the holder one to renew.
LEASE_WARNING = timedelta(minutes=3)
# How much of a claim's text or a headline a message quotes.
QUOTED_CHARS = 80


def _quoted(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTED_CHARS else text[: QUOTED_CHARS - 1] + "…"


def _name(user) -> str:
    return user.get_username() if user is not None else "An editor"


def _verdict(verdict_id: int) -> Verdict | None:
    return (
        Verdict.objects.select_related("author", "signed_off_by", "claim", "corrects__author")
        .filter(pk=verdict_id)
        .first()
    )


def notification_create(
    *,
    recipient_id: int,
    kind: NotificationKind,
    claim_id: int,
    message: str,
    actor_id: int | None = None,
    verdict_id: int | None = None,
    detail: str = "",
) -> Notification:
    return Notification.objects.create(
        recipient_id=recipient_id,
        kind=kind,
        claim_id=claim_id,
        verdict_id=verdict_id,
        actor_id=actor_id,
        message=message[:500],
        detail=detail,
    )


def notify_verdict_returned(*, verdict_id: int, by_id: int, comment: str) -> Notification | None:
    """The verdict's author hears that an editor returned it, with the editor's comment."""
    verdict = _verdict(verdict_id)
    if verdict is None:
        return None
    editor = User.objects.filter(pk=by_id).first()
    return notification_create(
        recipient_id=verdict.author_id,
        kind=NotificationKind.VERDICT_RETURNED,
        claim_id=verdict.claim_id,
        verdict_id=verdict.pk,
        actor_id=by_id if editor else None,
        message=f"{_name(editor)} returned your verdict “{_quoted(verdict.headline)}”: "
        "fix it and submit it again.",
        detail=comment,
    )


def notify_verdict_approved(*, verdict_id: int) -> Notification | None:
    """The verdict's author hears that an editor approved it, and it is published."""
    verdict = _verdict(verdict_id)
    if verdict is None:
        return None
    return notification_create(
        recipient_id=verdict.author_id,
        kind=NotificationKind.VERDICT_APPROVED,
        claim_id=verdict.claim_id,
        verdict_id=verdict.pk,
        actor_id=verdict.signed_off_by_id,
        message=f"{_name(verdict.signed_off_by)} approved your verdict "
        f"“{_quoted(verdict.headline)}”: it is published.",
        detail=verdict.signoff_comment,
    )


def notify_verdict_corrected(*, verdict_id: int, corrects_id: int) -> list[Notification]:
    """A correction (`verdict_id`) was approved and superseded the verdict it corrects: that
    verdict's author hears it was corrected, and why; the correction's author, when someone
    else, hears it was approved."""
    correction = _verdict(verdict_id)
    if correction is None or correction.corrects_id != corrects_id:
        return []
    corrected = correction.corrects
    editor = _name(correction.signed_off_by)
    told = [
        notification_create(
            recipient_id=corrected.author_id,
            kind=NotificationKind.VERDICT_CORRECTED,
            claim_id=correction.claim_id,
            verdict_id=correction.pk,
            actor_id=correction.signed_off_by_id,
            message=f"Your verdict “{_quoted(corrected.headline)}” was corrected: {editor} "
            "approved the correction, which is published in its place.",
            detail=correction.correction_note,
        )
    ]
    if correction.author_id != corrected.author_id:
        told.append(notify_verdict_approved(verdict_id=correction.pk))
    return told


def notify_correction_opened(*, verdict_id: int, by_id: int) -> Notification | None:
    """The correction's holder hears that an editor opened it, and why; an editor who holds
    the correction they opened is not told."""
    correction = _verdict(verdict_id)
    if correction is None or correction.author_id == by_id:
        return None
    editor = User.objects.filter(pk=by_id).first()
    return notification_create(
        recipient_id=correction.author_id,
        kind=NotificationKind.CORRECTION_OPENED,
        claim_id=correction.claim_id,
        verdict_id=correction.pk,
        actor_id=by_id if editor else None,
        message=f"{_name(editor)} opened a correction of your verdict on "
        f"“{_quoted(correction.claim.text)}”: fix it and submit it for sign-off.",
        detail=correction.correction_note,
    )


def notify_claim_assigned(*, claim_id: int, assignee_id: int, by_id: int) -> Notification | None:
    """The assignee hears that an editor gave them a claim; an editor who took it for
    themselves is not told."""
    if assignee_id == by_id:
        return None
    claim = Claim.objects.filter(pk=claim_id).first()
    if claim is None:
        return None
    editor = User.objects.filter(pk=by_id).first()
    returned = claim.state == ClaimState.RETURNED
    work = "with its verdict, to fix and submit again" if returned else "to check"
    return notification_create(
        recipient_id=assignee_id,
        kind=NotificationKind.CLAIM_ASSIGNED,
        claim_id=claim.pk,
        actor_id=by_id if editor else None,
        message=f"{_name(editor)} assigned you the claim “{_quoted(claim.text)}”, {work}.",
    )


def notify_mentions(*, note_id: int, mentioned_ids: list[int]) -> list[Notification]:
    """The people a note mentions hear of it, with the note."""
    note = discussion_selectors.note_by_id(note_id)
    if note is None or not mentioned_ids:
        return []
    message = (
        f"{note.author.get_username()} mentioned you in a note on the claim "
        f"“{_quoted(note.claim.text)}”."
    )
    return Notification.objects.bulk_create(
        Notification(
            recipient_id=person_id,
            kind=NotificationKind.MENTIONED,
            claim_id=note.claim_id,
            actor_id=note.author_id,
            message=message[:500],
            detail=note.text,
        )
        for person_id in sorted(set(mentioned_ids))
        if person_id != note.author_id
    )


def notify_leases_ending(*, within: timedelta = LEASE_WARNING) -> int:
    """Tell each holder whose lease on a claim runs out within `within` (on the database
    clock) that it is about to, once per lease: a lease renewed since ends at another time,
    and is told about again when that comes near. Returns how many were told."""
    told_before = Notification.objects.filter(
        kind=NotificationKind.LEASE_ENDING,
        recipient=OuterRef("assignee"),
        claim=OuterRef("pk"),
        lease_expires_at=OuterRef("lease_expires_at"),
    )
    ending = list(
        Claim.objects.filter(
            state=ClaimState.ASSIGNED,
            lease_expires_at__gt=Now(),
            lease_expires_at__lte=Now() + within,
        )
        .exclude(Exists(told_before))
        .only("id", "text", "assignee_id", "lease_expires_at")
    )
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=claim.assignee_id,
                kind=NotificationKind.LEASE_ENDING,
                claim_id=claim.pk,
                lease_expires_at=claim.lease_expires_at,
                message=f"Your lease on the claim “{_quoted(claim.text)}” runs out at "
                f"{timezone.localtime(claim.lease_expires_at):%H:%M %Z}: renew it to keep "
                "the claim.",
            )
            for claim in ending
        ],
        # The partial unique constraint holds one per lease: a lease a concurrent sweep told
        # about first is skipped.
        ignore_conflicts=True,
    )
    return len(ending)


def notification_mark_read(*, notification: Notification) -> Notification:
    """Mark one of a person's notifications read; one read already keeps when it was."""
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=Now())
    notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_mark_all_read(*, recipient) -> int:
    """Mark every unread notification of `recipient` read; returns how many were unread."""
    return Notification.objects.filter(recipient=recipient, read_at__isnull=True).update(
        read_at=Now()
    )
