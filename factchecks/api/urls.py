from django.urls import path
from rest_framework.routers import SimpleRouter

from .matches import MatchView
from .views import FactCheckImportView, FactCheckViewSet

router = SimpleRouter()
router.register("factchecks", FactCheckViewSet, basename="factcheck")

urlpatterns = [
    path("factchecks/imports/", FactCheckImportView.as_view(), name="factcheck-imports"),
    path("matches/", MatchView.as_view(), name="factcheck-matches"),
    *router.urls,
]
