from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from reviews.api.published import GoogleClaimSearchView

from .health import healthz

api_v1 = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("", include("accounts.api.urls")),
    path("", include("articles.api.urls")),
    path("", include("reviews.api.urls")),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    # Google Fact Check Tools clients, given this service's root URL, call this path.
    path("v1alpha1/claims:search", GoogleClaimSearchView.as_view(), name="claims-search-google"),
    path("", include("reviews.urls")),
]
