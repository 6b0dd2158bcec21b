from django.urls import path

from .views import ClaimNotesView, VerdictChangesView

urlpatterns = [
    path("claims/<int:claim_id>/notes/", ClaimNotesView.as_view(), name="claim-notes"),
    path(
        "claims/<int:claim_id>/verdict/changes/",
        VerdictChangesView.as_view(),
        name="claim-verdict-changes",
    ),
]
