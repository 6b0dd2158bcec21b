"""Query-parameter filtering that refuses what it cannot honour instead of ignoring it."""

import re
from datetime import UTC, datetime

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django_filters import fields as filter_fields
from django_filters import filters
from django_filters.fields import IsoDateTimeField
from django_filters.filters import Filter, IsoDateTimeFilter
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter

from .fields import ListsValidChoices

PAGING_PARAMETERS = ("page", "page_size", "cursor", "ordering")


class StrictFilterBackend(DjangoFilterBackend):
    """Like DjangoFilterBackend, but an empty value for a known parameter (`?state=`) is a
    400 saying so, rather than silently meaning "no filter": a client that sent it meant
    something, and an unfiltered answer would mislead it."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        known = set(PAGING_PARAMETERS)
        if filterset_class is not None:
            known |= set(filterset_class.base_filters)
        empty = sorted(
            name
            for name in request.query_params
            if name in known and any(v == "" for v in request.query_params.getlist(name))
        )
        if empty:
            raise ValidationError(
                {name: "This parameter is empty: leave it out or give a value." for name in empty}
            )
        single = set(PAGING_PARAMETERS)
        if filterset_class is not None:
            single |= {
                name
                for name, declared in filterset_class.base_filters.items()
                if not issubclass(declared.field_class, forms.MultipleChoiceField)
            }
        _refuse_repeated(request, single)
        if filterset_class is None or not set(request.query_params) & set(
            filterset_class.base_filters
        ):
            # Nothing to filter on: building the filter form would only cost time.
            return queryset
        return super().filter_queryset(request, queryset, view)


class StrictOrderingFilter(OrderingFilter):
    """Like OrderingFilter, but `?ordering=` naming a field it cannot order by is a 400
    listing those it can, rather than an answer silently in the default order."""

    def remove_invalid_fields(self, queryset, fields, view, request):
        valid = super().remove_invalid_fields(queryset, fields, view, request)
        if len(valid) != len(fields):
            names = sorted(name for name, _label in self.get_valid_fields(queryset, view, {}))
            choices = ", ".join(f"{name}, -{name}" for name in names)
            raise ValidationError(
                {self.ordering_param: f"Order by one or more of: {choices} (comma-separated)."}
            )
        return valid


def _refuse_repeated(request, single_valued: set[str]) -> None:
    """A parameter that takes one value, given several times (`?limit=5&limit=50`), is a 400:
    which one was meant cannot be known, and answering for either would mislead."""
    repeated = sorted(
        name
        for name in request.query_params
        if name in single_valued and len(request.query_params.getlist(name)) > 1
    )
    if repeated:
        raise ValidationError({name: "Give this parameter once." for name in repeated})


def refuse_repeated_parameters(serializer_class, request) -> None:
    """400 for a parameter `serializer_class` reads one value of, given several times."""
    _refuse_repeated(
        request,
        {
            name
            for name, field in serializer_class().fields.items()
            if not isinstance(field, (serializers.ListField, serializers.MultipleChoiceField))
        },
    )


def validated_query(serializer_class, request) -> dict:
    """Validate query parameters with a serializer; an empty value for a declared parameter
    is refused like any other invalid value."""
    declared = serializer_class().fields
    empty = sorted(
        name
        for name in request.query_params
        if name in declared and any(v == "" for v in request.query_params.getlist(name))
    )
    if empty:
        raise ValidationError(
            {name: "This parameter is empty: leave it out or give a value." for name in empty}
        )
    refuse_repeated_parameters(serializer_class, request)
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- dates ----------------------------------------------------------------------------------

DATETIME_OUT_OF_RANGE = (
    "Out of range: give a date and time from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z "
    "once converted to UTC."
)
DATETIME_INVALID = "Give a date and time in ISO 8601, e.g. 2024-05-01T12:00:00Z."


def utc_datetime(value: datetime) -> datetime:
    """`value` in UTC (a naive one is read in the current time zone). PostgreSQL refuses a
    UTC offset past 15:59, which ISO 8601 allows up to 23:59, so a datetime reaches the
    database only in UTC. Raises OverflowError when UTC takes it past the calendar's ends."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value.astimezone(UTC)


class UtcDateTimeField(IsoDateTimeField):
    default_error_messages = {
        "invalid": DATETIME_INVALID,
        "out_of_range": DATETIME_OUT_OF_RANGE,
    }

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return utc_datetime(value)
        except OverflowError as exc:
            raise DjangoValidationError(
                self.error_messages["out_of_range"], code="out_of_range"
            ) from exc


class IntegerFilter(Filter):
    """A whole number (an id): `1.5` is refused, where NumberFilter would look for 1."""

    field_class = forms.IntegerField


class DateTimeFilter(IsoDateTimeFilter):
    """ISO 8601 date and time, refused with a 400 when it cannot be compared in UTC."""

    field_class = UtcDateTimeField


# --- full-text search -----------------------------------------------------------------------

# A quoted phrase (its closing quote may be missing), or a run of anything else but spaces.
_SEARCH_TOKEN = re.compile(r'"[^"]*"?|[^\s"]+')


def websearch_text(text: str) -> str:
    """User search text rewritten so that PostgreSQL's `websearch_to_tsquery` reads it as the
    user meant it and never fails on it: words, "quoted phrases", `or` between two terms,
    `-` before a term to exclude it.

    PostgreSQL stacks one NOT per `-` and fails past 32 of them in a row ("tsquery stack too
    small", from a query such as `a ------...- b`). Here each term is quoted, so nothing in it
    is read as an operator, and carries at most one `-` (a run of them negates by its parity,
    as in PostgreSQL). An empty answer means the text holds no term."""
    query = ""
    negations, wants_or = 0, False
    for token in _SEARCH_TOKEN.findall(text):
        if token.startswith('"'):
            term = token.strip('"')
        else:
            term = token.lstrip("-")
            negations += len(token) - len(term)
            if not term:
                continue  # dashes alone negate the next term, as in PostgreSQL
            if term.lower() == "or" and not negations and query:
                wants_or = True  # PostgreSQL reads `or` as OR only right after a term
                continue
        negated, negations = negations % 2 == 1, 0
        if not term.strip():
            continue
        if query:
            query += " or " if wants_or else " "
        wants_or = False
        query += f'{"-" if negated else ""}"{term}"'
    return query


class ChoiceFilter(filters.ChoiceFilter):
    """A one-value choice filter whose error lists the valid values."""

    field_class = type(
        "ChoiceField", (ListsValidChoices, filter_fields.ChoiceField), {"__module__": __name__}
    )


class MultipleChoiceFilter(filters.MultipleChoiceFilter):
    """A choice filter taking the parameter once or more, whose error lists the valid values."""

    field_class = type(
        "MultipleChoiceField",
        (ListsValidChoices, filter_fields.MultipleChoiceField),
        {"__module__": __name__},
    )
