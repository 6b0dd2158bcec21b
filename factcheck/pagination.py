"""Pagination that refuses a page size it cannot honour, rather than quietly using another."""

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination


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

    def get_page_size(self, request):
        return _strict_page_size(self, request)
