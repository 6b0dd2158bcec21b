from django.urls import path
from rest_framework.routers import SimpleRouter

from .published import ClaimReviewFeedView, ClaimSearchView, PublishedVerdictViewSet
from .views import ClaimViewSet, QueueNextView

router = SimpleRouter()
router.register("claims", ClaimViewSet, basename="claim")
router.register("verdicts", PublishedVerdictViewSet, basename="published-verdict")

urlpatterns = [
    path("queue/next/", QueueNextView.as_view(), name="queue-next"),
    path("claims:search", ClaimSearchView.as_view(), name="claims-search"),
    path("claimreview/", ClaimReviewFeedView.as_view(), name="claimreview-feed"),
    *router.urls,
]
