"""The notifications page, and marking what was read. Marked with htmx, a notification answers
itself again, read, with the header's counter; marked without, it goes back to the page."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import CHECKERS
from factcheck.pages import is_htmx, redirect_back, render_page, role_required

from . import selectors, services

PAGE_SIZE = 50


def _with_urls(notifications):
    for notification in notifications:
        notification.url = selectors.notification_url(notification)
    return notifications


@role_required(*CHECKERS)
@require_GET
def notification_list(request):
    unread_only = request.GET.get("unread") == "true"
    notifications = selectors.notifications_for(request.user, unread=True if unread_only else None)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    _with_urls(page.object_list)
    return render_page(
        request,
        "notifications/notification_list.html",
        {"page": page, "unread_only": unread_only},
    )


@role_required(*CHECKERS)
@require_POST
def notification_read(request, pk: int):
    notification = get_object_or_404(selectors.notifications_for(request.user), pk=pk)
    notification = services.notification_mark_read(notification=notification)
    if is_htmx(request):
        _with_urls([notification])
        return render(
            request,
            "notifications/_notification_read.html",
            {"notification": notification, "unread": selectors.unread_count(request.user)},
        )
    return redirect_back(request, "notifications")


@role_required(*CHECKERS)
@require_POST
def notification_read_all(request):
    services.notifications_mark_all_read(recipient=request.user)
    return redirect_back(request, "notifications")
