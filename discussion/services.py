"""Every write of the discussion: notes on claims, and the text of a verdict as it was
returned."""

from django.db import transaction

from factcheck.errors import InvalidInput
from reviews import services as review_services
from reviews.models import Claim

from . import selectors, signals
from .models import MAX_NOTE_LENGTH, Note, ReturnedVerdictText
from .permissions import note_refusal

# The audit trail's action for a note; the note itself stays in the thread.
NOTE_ACTION = "note"
# How much of a note its audit event quotes.
AUDIT_EXCERPT_CHARS = 120


def _excerpt(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def note_add(*, claim: Claim, by, text: str) -> Note:
    """`by`, a fact-checker or editor, writes a note on `claim`, in any state. The active
    fact-checkers and editors it names as `@username` (its author left out) are its mentions;
    other names stay text. The note is recorded in the claim's audit trail, and `note_added`
    is sent once it commits."""
    refused = note_refusal(by)
    if refused is not None:
        raise refused
    # A browser sends a form's line breaks as CRLF, which its length limit counts as one.
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        message = "Write something: the note is empty."
        raise InvalidInput(message, details={"text": [message]})
    if len(text) > MAX_NOTE_LENGTH:
        message = (
            f"A note holds at most {MAX_NOTE_LENGTH:,} characters; this one has {len(text):,}. "
            "Shorten it, or split it into two notes."
        )
        raise InvalidInput(message, details={"text": [message]})
    mentioned = [person for person in selectors.people_mentioned(text) if person.pk != by.pk]
    with transaction.atomic():
        note = Note.objects.create(claim=claim, author=by, text=text)
        note.mentions.set(mentioned)
        review_services.claim_event_record(
            claim=claim,
            actor=by,
            action=NOTE_ACTION,
            comment=_excerpt(text, AUDIT_EXCERPT_CHARS),
        )
        signals.note_added_announce(note=note, mentioned_ids=[person.pk for person in mentioned])
    return note


def returned_verdict_text_record(
    *, verdict_id: int, by_id: int | None, comment: str, rating: str, headline: str, rationale: str
) -> ReturnedVerdictText:
    """Keep a verdict's text as an editor returned it (what `verdict_returned` carries)."""
    return ReturnedVerdictText.objects.create(
        verdict_id=verdict_id,
        returned_by_id=by_id,
        comment=comment,
        rating=rating,
        headline=headline,
        rationale=rationale,
    )
