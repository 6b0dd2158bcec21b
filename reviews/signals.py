"""Sent after commit when a verdict is published, for other apps to act on (webhooks tell
their subscribers). Reviews does not know who listens: a receiver that fails is logged and
changes nothing of the publication, or of what other receivers get.
"""

from datetime import datetime

from django.db import transaction
from django.dispatch import Signal

from . import selectors
from .models import Claim, Verdict

# Sent with claim_ids (a list) when extraction stored new claims, for whoever looks them up
# elsewhere (the matcher, against published fact-checks).
claims_extracted = Signal()

# Sent with verdict_id (the correction, a draft) and by_id (the editor) when a correction of a
# published verdict is opened.
correction_opened = Signal()

# Sent with verdict_id when a verdict is published on a claim that had none published before.
verdict_published = Signal()

# Sent with verdict_id and corrects_id when a verdict is published on a claim whose earlier
# publication (corrects_id) it supersedes.
verdict_corrected = Signal()

# Sent with verdict_id, by_id (the editor), comment, and the rating, headline and rationale
# the verdict had when it was returned to its author, for whoever tells the author or keeps
# what was returned to compare the resubmission with.
verdict_returned = Signal()

# Sent with claim_id, assignee_id and by_id when an editor assigns a claim to someone (a
# queued claim, or a returned one with its verdict), for whoever tells the assignee.
claim_assigned = Signal()


def claims_extraction_announce(*, claim_ids: list[int]) -> None:
    """Call inside the transaction that stored new claims: `claims_extracted` is sent once it
    commits, never if it rolls back."""
    if not claim_ids:
        return
    ids = list(claim_ids)
    transaction.on_commit(
        # A listener's failure must not undo the stored extraction; listeners sweep what a
        # lost announcement left undone.
        lambda: claims_extracted.send_robust(sender=Claim, claim_ids=ids),
        robust=True,
    )


def claim_assignment_announce(*, claim_id: int, assignee_id: int, by_id: int) -> None:
    """Call inside the transaction that assigns the claim: `claim_assigned` is sent once it
    commits, never if it rolls back."""
    transaction.on_commit(
        # A listener's failure must not undo the committed assignment.
        lambda: claim_assigned.send_robust(
            sender=Claim, claim_id=claim_id, assignee_id=assignee_id, by_id=by_id
        ),
        robust=True,
    )


def correction_opening_announce(*, verdict_id: int, by_id: int) -> None:
    """Call inside the transaction that opens the correction `verdict_id`: `correction_opened`
    is sent once it commits, never if it rolls back."""
    transaction.on_commit(
        # A listener's failure must not undo the opened correction.
        lambda: correction_opened.send_robust(sender=Verdict, verdict_id=verdict_id, by_id=by_id),
        robust=True,
    )


def verdict_return_announce(*, verdict: Verdict, by_id: int) -> None:
    """Call inside the transaction that returns `verdict`, as returned: `verdict_returned` is
    sent once it commits, never if it rolls back. The text goes with it, as it was returned,
    since its author may edit it as soon as the return commits."""
    returned = {
        "verdict_id": verdict.pk,
        "by_id": by_id,
        "comment": verdict.signoff_comment,
        "rating": verdict.rating,
        "headline": verdict.headline,
        "rationale": verdict.rationale,
    }
    transaction.on_commit(
        # A listener's failure must not undo the committed return.
        lambda: verdict_returned.send_robust(sender=Verdict, **returned),
        robust=True,
    )


def verdict_publication_announce(*, verdict: Verdict) -> None:
    """Call inside the transaction that publishes `verdict`: once it commits, sends
    `verdict_corrected` if the verdict supersedes an earlier publication on its claim, else
    `verdict_published`. Nothing is sent if the transaction rolls back."""
    verdict_id, claim_id, published_at = verdict.pk, verdict.claim_id, verdict.published_at
    transaction.on_commit(
        lambda: _announce(verdict_id=verdict_id, claim_id=claim_id, published_at=published_at),
        # Listeners make up a lost announcement themselves (the webhook sweep does): nothing
        # here may turn the committed publication into an error.
        robust=True,
    )


def _announce(*, verdict_id: int, claim_id: int, published_at: datetime) -> None:
    corrects_id = selectors.publication_corrected(
        verdict_id=verdict_id, claim_id=claim_id, published_at=published_at
    )
    # send_robust logs what a receiver raises and goes on to the next one.
    if corrects_id is None:
        verdict_published.send_robust(sender=Verdict, verdict_id=verdict_id)
    else:
        verdict_corrected.send_robust(
            sender=Verdict, verdict_id=verdict_id, corrects_id=corrects_id
        )
