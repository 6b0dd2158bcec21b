from django.urls import path

from . import views

urlpatterns = [
    path(
        "claims/<int:claim_id>/matches/<int:match_id>/confirm/",
        views.claim_match_confirm,
        name="claim-match-confirm-page",
    ),
    path(
        "claims/<int:claim_id>/matches/<int:match_id>/reject/",
        views.claim_match_reject,
        name="claim-match-reject-page",
    ),
    path(
        "claims/<int:claim_id>/matches/<int:match_id>/dismiss/",
        views.claim_match_dismiss,
        name="claim-match-dismiss-page",
    ),
]
