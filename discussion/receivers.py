"""Reactions to other apps' events; each hands over to a service at once."""

from django.dispatch import receiver

from reviews.signals import verdict_returned

from . import services


@receiver(verdict_returned, dispatch_uid="discussion.keep_returned_text")
def keep_returned_text(
    sender,
    verdict_id: int,
    by_id: int,
    comment: str,
    rating: str,
    headline: str,
    rationale: str,
    **kwargs,
) -> None:
    """The editor reviewing the resubmission compares it with the text returned."""
    services.returned_verdict_text_record(
        verdict_id=verdict_id,
        by_id=by_id,
        comment=comment,
        rating=rating,
        headline=headline,
        rationale=rationale,
    )
