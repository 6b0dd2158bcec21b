"""Input fields shared by the API's serializers and the pages' forms, so that one kind of
mistake gets one answer wherever it is made: the wrong JSON type, a key the endpoint does not
take, a value outside a list of choices, a URL that cannot be fetched."""

from collections.abc import Iterable, Mapping

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from sources.fetching.urls import MAX_URL_LENGTH, InvalidURLError, validate_fetchable_url

# Error messages quote what was sent; a value pasted by mistake can be megabytes long.
_QUOTED_CHARS = 80


def _quoted(value: str) -> str:
    return value if len(value) <= _QUOTED_CHARS else f"{value[:_QUOTED_CHARS]}…"


def choice_error(value, choices: Iterable[str]) -> str:
    """What to tell whoever sent `value` where one of `choices` was expected."""
    valid = ", ".join(str(choice) for choice in choices)
    if isinstance(value, str):
        return f'"{_quoted(value)}" is not one of {valid}.'
    return f"Must be one of {valid}, not {type(value).__name__}."


class StrictCharField(serializers.CharField):
    """A string field that refuses numbers, booleans, lists and objects: `{"text": 5}` is a
    mistake in the client, not the text "5"."""

    default_error_messages = {"not_a_string": "Must be a string, not {type}."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_a_string", type=type(data).__name__)
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """JSON's true or false only: `"no"`, `0` or `"false"` are a mistake in the client, which
    REST framework's field would read as a boolean."""

    default_error_messages = {"not_a_boolean": "Must be true or false, not {type}."}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("not_a_boolean", type=type(data).__name__)
        return data


class StrictIntegerField(serializers.IntegerField):
    """A JSON number that is whole: `"30"` and `true` are refused, not read as 30 and 1."""

    default_error_messages = {"not_a_number": "Must be a whole number, not {type}."}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("not_a_number", type=type(data).__name__)
        return super().to_internal_value(data)


class ChoiceField(serializers.ChoiceField):
    """A choice among strings whose error lists the valid ones:
    `"refute" is not one of supports, refutes, context.`"""

    def to_internal_value(self, data):
        if data == "" and self.allow_blank:
            return ""
        if isinstance(data, str) and data in self.choice_strings_to_values:
            return self.choice_strings_to_values[data]
        raise serializers.ValidationError(choice_error(data, self.choices), code="invalid_choice")


class ListsValidChoices:
    """For a Django form field with choices (a page form's, or a query filter's): a value
    outside them is refused with the valid ones listed, as the API's ChoiceField does."""

    invalid_choice_prefix = ""

    def validate(self, value):
        try:
            super().validate(value)
        except DjangoValidationError as error:
            if error.code != "invalid_choice":
                raise
            refused = (error.params or {}).get("value", value)
            valid = [str(choice) for choice, _label in self.choices if choice != ""]
            # As a parameter, not in the message: whoever renders it applies `message % params`
            # (django-filter does so even without params), and the refused value may hold "%".
            raise DjangoValidationError(
                self.invalid_choice_prefix + "%(refusal)s",
                code="invalid_choice",
                params={"refusal": choice_error(refused, valid)},
            ) from None


class FormChoiceField(ListsValidChoices, forms.ChoiceField):
    """The page forms' choice field, with the API's error after the usual form wording."""

    invalid_choice_prefix = "Select a valid choice: "


def fetchable_url(value: str) -> None:
    """Validator: `value` could be fetched as far as its syntax and length go (the rules live in
    sources.fetching.urls, which the services apply too)."""
    try:
        validate_fetchable_url(value)
    except InvalidURLError as error:
        raise DjangoValidationError(str(error), code="invalid_url") from None


@extend_schema_field({"type": "string", "format": "uri", "maxLength": MAX_URL_LENGTH})
class URLField(StrictCharField):
    """An http(s) URL that could be fetched; at most MAX_URL_LENGTH characters once
    percent-encoded, as it is stored."""

    def __init__(self, **kwargs):
        kwargs.setdefault("validators", []).append(fetchable_url)
        super().__init__(**kwargs)


class FormURLField(forms.CharField):
    """The page forms' URL field, checked by the same rule as the API's."""

    default_validators = [fetchable_url]
    widget = forms.URLInput


class InputSerializer(serializers.Serializer):
    """Base of every request body the API reads. A key it does not take, unknown or
    read-only, is refused by name: `{"state": "published"}` sent to an edit would otherwise
    be dropped silently and answered as if the change had been made."""

    default_error_messages = {
        "unexpected_field": "This field cannot be set here. {accepted}",
    }

    def to_internal_value(self, data):
        unexpected = {}
        if isinstance(data, Mapping):
            accepted = [name for name, field in self.fields.items() if not field.read_only]
            takes = (
                f"This request takes {', '.join(accepted)}."
                if accepted
                else "This request takes no fields."
            )
            message = self.error_messages["unexpected_field"].format(accepted=takes)
            unexpected = {_quoted(str(key)): [message] for key in data if str(key) not in accepted}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            if unexpected and isinstance(error.detail, Mapping):
                raise serializers.ValidationError({**error.detail, **unexpected}) from None
            raise
        if unexpected:
            raise serializers.ValidationError(unexpected)
        return value


class NoInputSerializer(InputSerializer):
    """For moves that take no fields: an empty body, or none."""
