from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from reviews.api.published import GoogleClaimSearchView

from .api_errors import api_not_found, google_api_not_served
from .health import healthz

api_v1 = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI, a third-party page, starts itself with inline script and style: this page
    # alone may run inline code.
    path(
        "docs/",
        csp_update({"script-src": UNSAFE_INLINE, "style-src": UNSAFE_INLINE})(
            SpectacularSwaggerView.as_view(url_name="schema")
        ),
        name="api-docs",
    ),
    path("", include("accounts.api.urls")),
    path("", include("articles.api.urls")),
    path("", include("reviews.api.urls")),
    path("", include("factchecks.api.urls")),
    path("", include("discussion.api.urls")),
    path("", include("notifications.api.urls")),
    # Anything else under the API answers in the API's error shape, not an HTML page.
    # [\s\S], not ".": a path may hold an encoded line break.
    re_path(r"^[\s\S]*$", api_not_found),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    # Google Fact Check Tools clients, given this service's root URL, call this path.
    path("v1alpha1/claims:search", GoogleClaimSearchView.as_view(), name="claims-search-google"),
    # The rest of Google's API (claims:imageSearch, pages) answers in the API's error shape.
    re_path(r"^v1alpha1(?:/[\s\S]*)?$", google_api_not_served),
    path("accounts/", include("accounts.urls")),
    path("", include("articles.urls")),
    path("", include("reviews.urls")),
    path("", include("factchecks.urls")),
    path("", include("discussion.urls")),
    path("", include("notifications.urls")),
    path("", include("dashboard.urls")),
]
