"""Pagination that refuses a page size it cannot honour, rather than quietly using another,
and a cursor it did not issue, rather than failing on it."""

from datetime import datetime

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination

from .errors import InvalidInput
from .filtering import utc_datetime


def _strict_page_size(paginator, request) -> int:
    values = request.query_params.getlist(paginator.page_size_query_param)
    if not values:
        return paginator.page_size
    if len(values) > 1:
        raise ValidationError({paginator.page_size_query_param: "Give it once."})
    try:
        size = int(values[0])
    except ValueError:
        size = 0
    if not 1 <= size <= paginator.max_page_size:
        raise ValidationError(
            {
                paginator.page_size_query_param: (
                    f"Must be a whole number from 1 to {paginator.max_page_size}."
                )
            }
        )
    return size


class PagePagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        return _strict_page_size(self, request)


class StrictCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    invalid_cursor_message = (
        "Invalid cursor: follow the next or previous link of a page as it was given, "
        "or start again without a cursor."
    )

    def get_page_size(self, request):
        return _strict_page_size(self, request)

    def paginate_queryset(self, queryset, request, view=None):
        self._model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        """A cursor is base64 text anyone can forge: its position is compared with the first
        ordering field, so it must be a value of that field, or the database fails on it.
        REST framework answers a malformed cursor with 404; it is bad input, so 400."""
        try:
            cursor = super().decode_cursor(request)
        except NotFound as exc:
            raise InvalidInput(self.invalid_cursor_message) from exc
        if cursor is None or cursor.position is None:
            return cursor
        try:
            return cursor._replace(position=self._position_value(cursor.position))
        except (DjangoValidationError, ValueError, OverflowError) as exc:
            raise InvalidInput(self.invalid_cursor_message) from exc

    def _position_value(self, position: str):
        if "\x00" in position:
            raise ValueError("PostgreSQL text cannot hold NUL")
        try:
            field = self._model._meta.get_field(self.ordering[0].lstrip("-"))
        except FieldDoesNotExist:
            return position
        value = field.to_python(position)
        return utc_datetime(value) if isinstance(value, datetime) else value
