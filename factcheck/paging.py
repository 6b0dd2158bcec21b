"""The pages' lists in pages: Django's Paginator, with what a person needs around it: which
rows they see of how many ("51 to 100 of 2,340", written with an en dash), links to the other
pages that keep the list's filters, and a page number that does not exist answered with the
nearest page that does and a sentence saying so, never an error page."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict

PAGE_SIZE = 50
# Page links shown on either side of the current page; the first and the last are always shown.
NEIGHBOURS = 2


@dataclass(frozen=True)
class PageLink:
    number: int | None
    """None: a gap in the numbers (shown as …)."""
    href: str = ""
    current: bool = False


@dataclass(frozen=True)
class ListPage:
    """One page of a list, for the `_pager.html` include."""

    page: Page
    notice: str
    """Why this is not the page that was asked for; empty when it is."""
    params: QueryDict
    """The request's query, less the page number: the list's filters."""
    param: str
    anchor: str

    @property
    def object_list(self):
        return self.page.object_list

    @property
    def count(self) -> int:
        return self.page.paginator.count

    @property
    def shown(self) -> str:
        """Which rows of how many: "51\u2013100 of 2,340"; "None" for an empty list."""
        if not self.count:
            return "None"
        first, last = self.page.start_index(), self.page.end_index()
        rows = f"{first:,}" if first == last else f"{first:,}\u2013{last:,}"
        return f"{rows} of {self.count:,}"

    def href(self, number: int) -> str:
        query = self.params.copy()
        query[self.param] = str(number)
        return f"?{query.urlencode()}{f'#{self.anchor}' if self.anchor else ''}"

    @property
    def previous_href(self) -> str:
        return self.href(self.page.previous_page_number()) if self.page.has_previous() else ""

    @property
    def next_href(self) -> str:
        return self.href(self.page.next_page_number()) if self.page.has_next() else ""

    @property
    def links(self) -> list[PageLink]:
        """The first page, the last, and NEIGHBOURS either side of this one, with gaps."""
        current, last = self.page.number, self.page.paginator.num_pages
        numbers = sorted(
            {1, last}
            | set(range(max(1, current - NEIGHBOURS), min(last, current + NEIGHBOURS) + 1))
        )
        links: list[PageLink] = []
        for number in numbers:
            if links and links[-1].number is not None and number > links[-1].number + 1:
                links.append(PageLink(None))
            links.append(PageLink(number, self.href(number), number == current))
        return links


def page_of(
    request: HttpRequest,
    items: QuerySet | Sequence,
    *,
    per_page: int | None = None,
    param: str = "page",
    anchor: str = "",
) -> ListPage:
    """The page of `items` that `request` asks for (`?page=`, by default). A page number that is
    not a number, or below 1, gets the first page; one past the end, the last page: each with a
    notice saying so. Links to the other pages keep the rest of the query, and go to `anchor`
    (an element's id) when given. `per_page`: PAGE_SIZE unless given."""
    paginator = Paginator(items, per_page or PAGE_SIZE)
    asked = request.GET.get(param, "").strip()
    number, notice = 1, ""
    if asked:
        try:
            number = int(asked)
        except ValueError:
            notice = f"“{asked[:20]}” is not a page number: this is the first page."
        else:
            if number < 1:
                number, notice = 1, "Pages are numbered from 1: this is the first page."
            elif number > paginator.num_pages:
                last = paginator.num_pages
                notice = (
                    f"There is no page {asked[:20]}: this is the last page, {last:,}."
                    if paginator.count
                    else f"There is no page {asked[:20]}: the list is empty."
                )
                number = last
    params = request.GET.copy()
    params.pop(param, None)
    return ListPage(
        page=paginator.page(number), notice=notice, params=params, param=param, anchor=anchor
    )
