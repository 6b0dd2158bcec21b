"""The collection listens to publication: each published or corrected verdict of ours is
written as our fact-check of its claim (`own`), which a worker then embeds for matching."""

from django.dispatch import receiver

from reviews.signals import verdict_corrected, verdict_published

from . import own


@receiver(verdict_published, dispatch_uid="factchecks-own-verdict-published")
def add_published_verdict(sender, verdict_id: int, **kwargs) -> None:
    # Sent after the publication committed; a failure here is logged by send_robust and
    # made up by the sweep (tasks.sync_own_factchecks).
    own.own_factcheck_write(verdict_id=verdict_id)


@receiver(verdict_corrected, dispatch_uid="factchecks-own-verdict-corrected")
def update_corrected_verdict(sender, verdict_id: int, corrects_id: int, **kwargs) -> None:
    own.own_factcheck_write(verdict_id=verdict_id)
