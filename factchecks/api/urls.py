from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import FactCheckImportView, FactCheckViewSet

router = SimpleRouter()
router.register("factchecks", FactCheckViewSet, basename="factcheck")

urlpatterns = [
    path("factchecks/imports/", FactCheckImportView.as_view(), name="factcheck-imports"),
    *router.urls,
]
