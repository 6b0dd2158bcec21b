"""Forms of the review pages. They check the shape of what was posted; the services decide
whether the move is allowed."""

from django import forms
from django.db.models import QuerySet

from accounts.selectors import people_who_check
from articles.models import Article
from factcheck.fields import FormChoiceField, FormURLField

from .models import ClaimKind, DismissReason, Stance
from .ratings import RATING_SCALE, Rating
from .selectors import LANGUAGE_TAG, QueueFilters
from .services import MAX_BOOST


class QueueFilterForm(forms.Form):
    article = forms.ModelChoiceField(
        queryset=Article.objects.filter(claims__isnull=False).distinct().order_by("-created_at"),
        required=False,
        empty_label="Any article",
    )
    kind = FormChoiceField(choices=[("", "Any kind"), *ClaimKind.choices], required=False)
    claimant = forms.CharField(
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "Name", "data-shortcut": "f"}),
    )
    language = forms.RegexField(
        regex=LANGUAGE_TAG,
        max_length=16,
        required=False,
        help_text="The article's language: en also matches en-GB.",
        error_messages={"invalid": "Give a language tag, such as en, fr or en-GB."},
        widget=forms.TextInput(attrs={"placeholder": "en", "size": 6}),
    )

    def queue_filters(self) -> QueueFilters:
        """The valid filters (call after is_valid())."""
        data = self.cleaned_data
        article = data.get("article")
        return QueueFilters(
            kind=data.get("kind") or "",
            article_id=article.pk if article else None,
            claimant=data.get("claimant") or "",
            language=data.get("language") or "",
        )

    def filter(self, claims: QuerySet) -> QuerySet:
        """`claims` narrowed by the valid filters (call after is_valid())."""
        return claims.filter(self.queue_filters().condition())


class AssignForm(forms.Form):
    user = forms.ModelChoiceField(
        queryset=people_who_check(),
        to_field_name="username",
        empty_label="Assign to…",
        error_messages={
            "required": "Choose whom to assign the claim to.",
            "invalid_choice": "Choose a fact-checker or an editor from the list.",
        },
    )


class EvidenceForm(forms.Form):
    url = FormURLField(
        label="URL",
        widget=forms.URLInput(attrs={"placeholder": "https://", "autocomplete": "off"}),
    )
    stance = FormChoiceField(choices=Stance.choices, initial=Stance.CONTEXT)
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class EvidenceEditForm(forms.Form):
    """How a link bears on the claim, and the note: the page posts both."""

    stance = FormChoiceField(choices=Stance.choices)
    note = forms.CharField(required=False, max_length=5000)


class VerdictForm(forms.Form):
    """A draft may be incomplete; submitting checks that it is complete."""

    rating = FormChoiceField(
        choices=[("", "Not rated yet"), *Rating.choices], required=False, widget=forms.RadioSelect
    )
    headline = forms.CharField(max_length=300, required=False)
    rationale = forms.CharField(
        required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 10})
    )
    # The version the form was loaded with: a save against a newer one is refused.
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    FIELDS = ("rating", "headline", "rationale")

    def verdict_fields(self) -> dict:
        return {name: self.cleaned_data.get(name) or "" for name in self.FIELDS}

    def rating_choices(self) -> list[dict]:
        """The rating scale with its definitions, marked with the current choice."""
        current = self["rating"].value() or ""
        return [
            {
                "value": value,
                "label": definition.label,
                "definition": definition.definition,
                "checked": value == current,
            }
            for value, definition in RATING_SCALE.items()
        ]


class ApproveForm(forms.Form):
    comment = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class ReturnForm(forms.Form):
    comment = forms.CharField(
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what needs fixing: a comment is required."},
    )
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class CorrectionForm(forms.Form):
    comment = forms.CharField(
        label="Why it needs correcting",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Published with the correction.",
        error_messages={"required": "Say why the verdict needs correcting: a comment is required."},
    )


class DismissForm(forms.Form):
    reason = FormChoiceField(
        choices=[("", "Reason…"), *DismissReason.choices],
        error_messages={"required": "Choose a reason for dismissing the claim."},
    )
    comment = forms.CharField(required=False, max_length=2000)


class BoostForm(forms.Form):
    boost = forms.IntegerField(min_value=-MAX_BOOST, max_value=MAX_BOOST)
