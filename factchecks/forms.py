"""Forms of the admin's import page and subscriptions."""

from django import forms

from factcheck.errors import DomainError, InvalidInput
from factcheck.fields import FormURLField

from . import services
from .documents import FORMATS
from .models import FeedSubscription


class ImportForm(forms.Form):
    """A URL to fetch or a file to read: exactly one of them."""

    url = FormURLField(
        required=False,
        label="URL",
        max_length=2048,
        help_text="A fact-check page, or a feed (ClaimReview JSON-LD, a DataFeed).",
    )
    file = forms.FileField(
        required=False,
        help_text="ClaimReview JSON or JSON-LD, a saved fact-check page, or a CLEF "
        "collection (vclaims.tsv).",
    )
    format = forms.ChoiceField(choices=[(value, value) for value in FORMATS], initial="auto")
    publisher = forms.CharField(
        required=False,
        max_length=300,
        help_text="The publisher of items that name none (CLEF collections name none).",
    )
    language = forms.CharField(
        required=False,
        max_length=16,
        help_text="The language of items that declare none (e.g. en), instead of detecting it.",
    )

    def clean(self):
        data = super().clean()
        if bool(data.get("url")) == bool(data.get("file")):
            raise forms.ValidationError("Give a URL or a file, one of the two.")
        return data


class FeedSubscriptionForm(forms.ModelForm):
    url = FormURLField(label="URL", max_length=2048, help_text="The feed's address.")

    class Meta:
        model = FeedSubscription
        fields = ["name", "url", "publisher_name", "is_active", "refresh_every_minutes"]

    def clean_url(self) -> str:
        try:
            return services.subscription_url_check(url=self.cleaned_data["url"])
        except InvalidInput as exc:
            raise forms.ValidationError(exc.message) from exc

    def clean(self) -> dict:
        """What the subscription services would refuse, shown beside its field: the admin
        saves through them (FeedSubscriptionAdmin.save_model)."""
        data = super().clean()
        if self.errors:
            return data
        try:
            services.subscription_fields_check(
                name=data.get("name", ""),
                url=data["url"],
                refresh_every_minutes=data["refresh_every_minutes"],
                besides=self.instance.pk,
            )
        except DomainError as refused:
            field = next(
                (name for name in ("refresh_every_minutes", "name") if name in refused.details),
                "url",
            )
            self.add_error(field, refused.message)
        return data


class DismissAsCheckedForm(forms.Form):
    """Dismissing a claim as checked before, from a suggestion on a page."""

    comment = forms.CharField(required=False, max_length=2000, strip=True)
