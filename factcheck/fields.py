"""Serializer fields that refuse the wrong JSON type instead of converting it."""

from rest_framework import serializers


class StrictCharField(serializers.CharField):
    """A string field that refuses numbers, booleans, lists and objects: `{"text": 5}` is a
    mistake in the client, not the text "5"."""

    default_error_messages = {"not_a_string": "Must be a string, not {type}."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_a_string", type=type(data).__name__)
        return super().to_internal_value(data)
