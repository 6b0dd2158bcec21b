"""Forms of the review pages. They check the shape of what was posted; the services decide
whether the move is allowed."""

from django import forms
from django.core.exceptions import ValidationError

from accounts.selectors import people_who_check
from articles.models import Article
from factcheck.fields import FormChoiceField, FormURLField

from .models import ClaimKind, ClaimState, DismissReason, Stance
from .ratings import RATING_SCALE, Rating
from .selectors import (
    CLAIM_SEARCH_MAX_CHARS,
    LANGUAGE_TAG,
    QueueFilters,
    articles_with_claims,
    claim_search_problem,
)
from .services import BULK_TRIAGE_LIMIT, MAX_BOOST


def named_errors(form: forms.Form) -> str:
    """The form's errors, each after the label of the field it concerns: "Reason: Choose a
    reason for dismissing the claim."."""
    named = []
    for name, errors in form.errors.items():
        label = form[name].label if name in form.fields else ""
        named.extend(f"{label}: {error}" if label else str(error) for error in errors)
    return " ".join(named)


# How many of the newest articles the queue's article filter lists.
QUEUE_ARTICLE_CHOICES = 30


class QueueFilterForm(forms.Form):
    """The filters of the queue, which taking the next claim honours (`queue_filters`)."""

    article = forms.ModelChoiceField(
        queryset=Article.objects.none(), required=False, empty_label="Any article"
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

    FILTERS = ("article", "kind", "claimant", "language")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["article"]
        field.queryset = articles_with_claims()
        # The list offers the newest articles only: a newsroom's thousands would ride along
        # on every page of the queue. Any article with claims can still be chosen (an
        # article's page links to its claims in the queue), and stays listed once chosen.
        shown = list(field.queryset[:QUEUE_ARTICLE_CHOICES])
        if self.is_bound:
            try:
                chosen = field.to_python(self.data.get(self.add_prefix("article")))
            except ValidationError:
                chosen = None  # the form's validation reports it
            if chosen is not None and chosen not in shown:
                shown.append(chosen)
        field.choices = [
            ("", field.empty_label),
            *((article.pk, field.label_from_instance(article)) for article in shown),
        ]

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


class ClaimSearchForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=CLAIM_SEARCH_MAX_CHARS,
        help_text='Every word in the claim or its claimant; "quote" a phrase.',
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Words of the claim or its claimant"}
        ),
    )

    def clean_q(self) -> str:
        text = self.cleaned_data["q"].strip()
        problem = claim_search_problem(text)
        if problem:
            raise ValidationError(problem)
        return text


class ClaimStateForm(forms.Form):
    state = FormChoiceField(choices=[("", "Any state"), *ClaimState.choices], required=False)


class QueueListForm(QueueFilterForm, ClaimSearchForm, ClaimStateForm):
    """The queue page's list: the queue's filters, a search, and the state of the claims
    listed (queued unless another is asked for: the count tiles link to each)."""


class ClaimIdsField(forms.Field):
    """Claim ids, one value each (checkboxes named alike)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "invalid": "Claim ids are whole numbers: “%(value)s” is not one.",
        "required": "Select at least one claim.",
        "too_many": "Select at most %(limit)s claims at a time.",
    }

    def to_python(self, value) -> list[int]:
        ids = []
        for item in value or []:
            try:
                claim_id = int(item)
            except (TypeError, ValueError):
                claim_id = 0
            if claim_id < 1:
                raise ValidationError(
                    self.error_messages["invalid"], code="invalid", params={"value": str(item)[:20]}
                )
            ids.append(claim_id)
        return list(dict.fromkeys(ids))

    def validate(self, value: list[int]) -> None:
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(value) > BULK_TRIAGE_LIMIT:
            raise ValidationError(
                self.error_messages["too_many"],
                code="too_many",
                params={"limit": BULK_TRIAGE_LIMIT},
            )


class BulkTriageForm(forms.Form):
    """Queue or dismiss the selected claims, with one reason (and comment) for all."""

    claims = ClaimIdsField(label="Selected claims")
    move = FormChoiceField(
        choices=[("queue", "Queue selected"), ("dismiss", "Dismiss selected")],
        error_messages={"required": "Choose Queue selected or Dismiss selected."},
    )
    reason = FormChoiceField(
        label="Reason for dismissing",
        choices=[("", "Reason…"), *DismissReason.choices],
        required=False,
    )
    comment = forms.CharField(label="Comment", required=False, max_length=2000)
    # The rows the page showed, shown again with what became of them.
    shown = ClaimIdsField(required=False)

    def clean(self):
        data = super().clean()
        if data.get("move") == "dismiss" and not data.get("reason"):
            self.add_error("reason", "Choose a reason for dismissing the selected claims.")
        return data


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
        label="Reason for dismissing",
        choices=[("", "Reason…"), *DismissReason.choices],
        error_messages={"required": "Choose a reason for dismissing the claim."},
    )
    comment = forms.CharField(required=False, max_length=2000)


class BoostForm(forms.Form):
    boost = forms.IntegerField(min_value=-MAX_BOOST, max_value=MAX_BOOST)
