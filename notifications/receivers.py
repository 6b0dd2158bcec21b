"""Reactions to other apps' events, each sent once what it tells of is committed; each hands
over to a service at once."""

from django.dispatch import receiver

from discussion.signals import note_added
from reviews.signals import (
    claim_assigned,
    correction_opened,
    verdict_corrected,
    verdict_published,
    verdict_returned,
)

from . import services


@receiver(verdict_returned, dispatch_uid="notifications.verdict_returned")
def tell_author_of_return(sender, verdict_id: int, by_id: int, comment: str, **kwargs) -> None:
    services.notify_verdict_returned(verdict_id=verdict_id, by_id=by_id, comment=comment)


@receiver(verdict_published, dispatch_uid="notifications.verdict_published")
def tell_author_of_approval(sender, verdict_id: int, **kwargs) -> None:
    services.notify_verdict_approved(verdict_id=verdict_id)


@receiver(verdict_corrected, dispatch_uid="notifications.verdict_corrected")
def tell_authors_of_correction(sender, verdict_id: int, corrects_id: int, **kwargs) -> None:
    services.notify_verdict_corrected(verdict_id=verdict_id, corrects_id=corrects_id)


@receiver(correction_opened, dispatch_uid="notifications.correction_opened")
def tell_holder_of_correction(sender, verdict_id: int, by_id: int, **kwargs) -> None:
    services.notify_correction_opened(verdict_id=verdict_id, by_id=by_id)


@receiver(claim_assigned, dispatch_uid="notifications.claim_assigned")
def tell_assignee(sender, claim_id: int, assignee_id: int, by_id: int, **kwargs) -> None:
    services.notify_claim_assigned(claim_id=claim_id, assignee_id=assignee_id, by_id=by_id)


@receiver(note_added, dispatch_uid="notifications.note_added")
def tell_people_mentioned(sender, note_id: int, mentioned_ids: list[int], **kwargs) -> None:
    services.notify_mentions(note_id=note_id, mentioned_ids=mentioned_ids)
