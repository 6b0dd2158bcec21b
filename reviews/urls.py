from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("queue/", views.queue, name="queue"),
    path("queue/next/", views.queue_take_next, name="queue-take-next"),
    path("claims/<int:pk>/", views.claim_workspace, name="claim-workspace"),
    path("claims/<int:pk>/evidence/", views.claim_evidence, name="claim-evidence"),
    path("claims/<int:pk>/evidence/add/", views.evidence_add, name="claim-evidence-add"),
    path(
        "claims/<int:pk>/evidence/<int:evidence_id>/edit/",
        views.evidence_edit,
        name="claim-evidence-edit",
    ),
    path(
        "claims/<int:pk>/evidence/<int:evidence_id>/remove/",
        views.evidence_remove,
        name="claim-evidence-remove",
    ),
    path(
        "claims/<int:pk>/evidence/<int:evidence_id>/retry/",
        views.evidence_retry,
        name="claim-evidence-retry",
    ),
    path("claims/<int:pk>/verdict/", views.verdict_save, name="claim-verdict-save"),
    path(
        "claims/<int:pk>/verdict/autosave/", views.verdict_autosave, name="claim-verdict-autosave"
    ),
    path("claims/<int:pk>/verdict/correct/", views.verdict_correct, name="claim-verdict-correct"),
    path("claims/<int:pk>/take/", views.claim_take, name="claim-take"),
    path("claims/<int:pk>/assign/", views.claim_assign, name="claim-assign"),
    path("claims/<int:pk>/release/", views.claim_release, name="claim-release"),
    path("claims/<int:pk>/renew/", views.claim_renew, name="claim-renew"),
    path("claims/<int:pk>/queue/", views.claim_queue, name="claim-queue"),
    path("claims/<int:pk>/dismiss/", views.claim_dismiss, name="claim-dismiss"),
    path("claims/<int:pk>/boost/", views.claim_boost, name="claim-boost"),
    path("triage/", views.triage, name="triage"),
    path("triage/bulk/", views.claims_triage_bulk, name="claims-triage-bulk"),
    path("preview/markdown/", views.markdown_preview, name="markdown-preview"),
    path("signoff/", views.signoff_inbox, name="signoff-inbox"),
    path("signoff/<int:pk>/", views.signoff_review, name="signoff-review"),
    path("signoff/<int:pk>/approve/", views.signoff_approve, name="signoff-approve"),
    path("signoff/<int:pk>/return/", views.signoff_return, name="signoff-return"),
    # Public: no sign-in.
    path("verdicts/<int:pk>/", views.verdict_public, name="verdict-public"),
    path(
        "verdicts/<int:pk>/evidence/<int:evidence_id>/snapshot/",
        views.evidence_snapshot_public,
        name="evidence-snapshot-public",
    ),
    path("articles/<int:pk>/summary/", views.article_public, name="article-public"),
]
