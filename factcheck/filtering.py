"""Query-parameter filtering that refuses what it cannot honour instead of ignoring it."""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

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
        if filterset_class is None or not set(request.query_params) & set(
            filterset_class.base_filters
        ):
            # Nothing to filter on: building the filter form would only cost time.
            return queryset
        return super().filter_queryset(request, queryset, view)


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
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
