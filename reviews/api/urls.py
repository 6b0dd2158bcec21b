from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import ClaimViewSet, QueueNextView

router = SimpleRouter()
router.register("claims", ClaimViewSet, basename="claim")

urlpatterns = [
    path("queue/next/", QueueNextView.as_view(), name="queue-next"),
    *router.urls,
]
