"""Sent after commit when someone writes a note, for other apps to act on (notifications tell
the people it mentions). Discussion does not know who listens."""

from django.db import transaction
from django.dispatch import Signal

from .models import Note

# Sent with note_id, claim_id, author_id and mentioned_ids (the people the note names, its
# author left out) when a note is written on a claim.
note_added = Signal()


def note_added_announce(*, note: Note, mentioned_ids: list[int]) -> None:
    """Call inside the transaction that stored `note`: `note_added` is sent once it commits,
    never if it rolls back."""
    sent = {
        "note_id": note.pk,
        "claim_id": note.claim_id,
        "author_id": note.author_id,
        "mentioned_ids": list(mentioned_ids),
    }
    transaction.on_commit(
        # A listener's failure must not undo the stored note.
        lambda: note_added.send_robust(sender=Note, **sent),
        robust=True,
    )
