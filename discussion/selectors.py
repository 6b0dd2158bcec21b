"""Reads of notes, of the people a note mentions, and of what changed in a verdict since it
was returned."""

import re
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet
from django.utils.html import format_html
from django.utils.safestring import SafeString

from accounts.roles import CHECKERS
from reviews.models import Claim, Verdict
from reviews.ratings import RATING_SCALE

from .diffs import word_diff_html
from .models import Note, ReturnedVerdictText

User = get_user_model()

# `@name` where a name starts: not inside an e-mail address or another word. The characters
# are those Django allows in a username.
_MENTION = re.compile(r"(?<![\w@.+-])@([\w.@+-]+)")
# Punctuation that ends a sentence rather than a name: "thanks, @bob." mentions bob.
_TRAILING = ".@+-"


def claim_notes(*, claim: Claim) -> QuerySet[Note]:
    """The claim's notes, oldest first, with their authors and the people they mention."""
    return (
        Note.objects.filter(claim=claim)
        .select_related("author")
        .prefetch_related(Prefetch("mentions", queryset=User.objects.order_by("username")))
        .order_by("created_at", "id")
    )


def mentioned_names(text: str) -> set[str]:
    """Every name `text` may mention: each `@name`, with and without the punctuation that
    may end a sentence after it."""
    names = set()
    for match in _MENTION.finditer(text):
        name = match.group(1)
        names.add(name)
        if name.rstrip(_TRAILING):
            names.add(name.rstrip(_TRAILING))
    return names


def people_mentioned(text: str) -> QuerySet:
    """The active fact-checkers and editors (superusers hold every role) whom `text` names as
    `@username`. A name nobody holds, or someone who does not work the queue, mentions
    nobody: it stays text."""
    names = mentioned_names(text)
    if not names:
        return User.objects.none()
    return (
        User.objects.filter(username__in=names, is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name__in=[role.value for role in CHECKERS]))
        .distinct()
        .order_by("username")
    )


def latest_returned_text(*, verdict: Verdict) -> ReturnedVerdictText | None:
    """The verdict's text as it was last returned to its author; None when it never was."""
    return (
        ReturnedVerdictText.objects.filter(verdict=verdict)
        .select_related("returned_by")
        .order_by("-returned_at", "-id")
        .first()
    )


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    returned: str
    """As the verdict was returned (the rating's label, for the rating)."""
    resubmitted: str
    """As the verdict is now."""
    diff_html: SafeString
    """The text now, with what was removed since the return in `<del>` and what was added in
    `<ins>`; escaped."""

    @property
    def changed(self) -> bool:
        return self.returned != self.resubmitted


@dataclass(frozen=True)
class ChangesSinceReturn:
    verdict: Verdict
    returned: ReturnedVerdictText
    fields: tuple[FieldChange, ...]

    @property
    def returned_at(self) -> datetime:
        return self.returned.returned_at

    @property
    def changed(self) -> bool:
        return any(field.changed for field in self.fields)


def _rating_label(rating: str) -> str:
    definition = RATING_SCALE.get(rating)
    return definition.label if definition else rating


def _change(field: str, label: str, returned: str, resubmitted: str) -> FieldChange:
    return FieldChange(
        field=field,
        label=label,
        returned=returned,
        resubmitted=resubmitted,
        diff_html=word_diff_html(returned, resubmitted),
    )


def _rating_change(returned: str, resubmitted: str) -> FieldChange:
    """A rating is one choice: it changed as a whole, or not at all."""
    before, after = _rating_label(returned), _rating_label(resubmitted)
    if before == after:
        diff_html = format_html("{}", after)
    else:
        diff_html = format_html("<del>{}</del> <ins>{}</ins>", before or "none", after or "none")
    return FieldChange(
        field="rating", label="Rating", returned=before, resubmitted=after, diff_html=diff_html
    )


def verdict_changes_since_return(*, verdict: Verdict) -> ChangesSinceReturn | None:
    """What the verdict's author changed in its rating, headline and rationale (the Markdown
    as written) since an editor last returned it; None when it was never returned."""
    returned = latest_returned_text(verdict=verdict)
    if returned is None:
        return None
    fields = (
        _rating_change(returned.rating, verdict.rating),
        _change("headline", "Headline", returned.headline, verdict.headline),
        _change("rationale", "Rationale", returned.rationale, verdict.rationale),
    )
    return ChangesSinceReturn(verdict=verdict, returned=returned, fields=fields)


def note_by_id(note_id: int) -> Note | None:
    """The note, with its author and claim; None when there is none."""
    return Note.objects.select_related("author", "claim").filter(pk=note_id).first()
