from django.urls import path
from rest_framework.routers import SimpleRouter

from .claim_matches import (
    ClaimMatchConfirmView,
    ClaimMatchDismissView,
    ClaimMatchListView,
    ClaimMatchRejectView,
)
from .matches import MatchView
from .subscriptions import FeedSubscriptionViewSet
from .views import FactCheckImportView, FactCheckViewSet

router = SimpleRouter()
router.register("factchecks", FactCheckViewSet, basename="factcheck")
router.register(
    "factchecks/subscriptions", FeedSubscriptionViewSet, basename="factcheck-subscription"
)

urlpatterns = [
    path("factchecks/imports/", FactCheckImportView.as_view(), name="factcheck-imports"),
    path("matches/", MatchView.as_view(), name="factcheck-matches"),
    path("claims/<int:claim_id>/matches/", ClaimMatchListView.as_view(), name="claim-matches"),
    path(
        "claims/<int:claim_id>/matches/<int:match_id>/confirm/",
        ClaimMatchConfirmView.as_view(),
        name="claim-match-confirm",
    ),
    path(
        "claims/<int:claim_id>/matches/<int:match_id>/reject/",
        ClaimMatchRejectView.as_view(),
        name="claim-match-reject",
    ),
    path(
        "claims/<int:claim_id>/matches/<int:match_id>/dismiss/",
        ClaimMatchDismissView.as_view(),
        name="claim-match-dismiss",
    ),
    *router.urls,
]
