"""What every server-rendered page shares: who may open it, the navigation for the viewer's
roles, and the way back after a form."""

from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlsplit

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.roles import CHECKERS, EDITORS, Role, roles_in_words, user_has_any_role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: tuple[Role, ...]


NAVIGATION = (
    NavItem("Queue", "queue", CHECKERS),
    NavItem("Triage", "triage", EDITORS),
    NavItem("Sign-off", "signoff-inbox", EDITORS),
    NavItem("Dashboard", "dashboard", EDITORS),
    NavItem("Articles", "article-list", CHECKERS),
    NavItem("Add article", "article-new", CHECKERS),
)


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def navigation_for(user) -> list[dict]:
    items = [
        {"label": item.label, "url": resolve_url(item.url_name), "url_name": item.url_name}
        for item in NAVIGATION
        if user_has_any_role(user, item.roles)
    ]
    if getattr(user, "is_superuser", False):
        items.append({"label": "Admin", "url": resolve_url("admin:index"), "url_name": "admin"})
    return items


def render_page(
    request: HttpRequest, template: str, context: dict | None = None, *, status: int = 200
) -> HttpResponse:
    """Render a full page with the navigation the viewer's roles open."""
    context = dict(context or {})
    context["navigation"] = navigation_for(request.user)
    match = getattr(request, "resolver_match", None)
    context.setdefault("current_url_name", match.url_name if match else "")
    return render(request, template, context, status=status)


def role_required(*roles: Role):
    """Only people holding one of `roles` (superusers hold all) may open the page.

    Anonymous visitors are sent to sign in; a signed-in person without the role gets 403.
    """
    allowed = roles_in_words(roles)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                if is_htmx(request):
                    # A fragment request whose session ended: send the whole page to sign in.
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = _login_url_back_to(request)
                    return response
                return redirect_to_login(request.get_full_path())
            if not user_has_any_role(request.user, roles):
                raise PermissionDenied(f"This page is for {allowed} only.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _login_url_back_to(request: HttpRequest) -> str:
    current = request.headers.get("HX-Current-URL", "")
    path = urlsplit(current).path if current else "/"
    return redirect_to_login(path or "/")["Location"]


def redirect_back(request: HttpRequest, fallback: str, *args, anchor: str = "") -> HttpResponse:
    """Back to the page the form was posted from (this site only), else to `fallback`."""
    target = request.POST.get("next", "")
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = resolve_url(fallback, *args)
    return HttpResponseRedirect(target + (f"#{anchor}" if anchor else ""))
