from django.contrib import admin

from .models import Claim, EvidenceLink, ReviewEvent, Verdict


class ReadOnlyEventsInline(admin.TabularInline):
    model = ReviewEvent
    fk_name = "claim"
    extra = 0
    can_delete = False
    fields = ["created_at", "actor", "action", "from_state", "to_state", "comment"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EvidenceInline(admin.TabularInline):
    model = EvidenceLink
    extra = 0
    fields = ["url", "stance", "note", "added_by", "source"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "kind",
        "claimant",
        "score",
        "state",
        "priority",
        "assignee",
        "lease_expires_at",
    ]
    list_filter = ["state", "kind", "dismiss_reason"]
    search_fields = ["text", "claimant", "article__title"]
    list_select_related = ["article", "assignee"]
    raw_id_fields = ["article", "assignee"]
    # Workflow fields change only through the review services, which audit every move.
    readonly_fields = [
        "article",
        "text",
        "start",
        "end",
        "state",
        "assignee",
        "lease_expires_at",
        "dismiss_reason",
        "score",
        "reasons",
        "quantities",
        "extractor_version",
        "created_at",
        "updated_at",
    ]
    inlines = [EvidenceInline, ReadOnlyEventsInline]


@admin.register(Verdict)
class VerdictAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "claim",
        "rating",
        "state",
        "author",
        "signed_off_by",
        "version",
        "published_at",
    ]
    list_filter = ["state", "rating"]
    search_fields = ["headline", "rationale", "claim__text", "author__username"]
    list_select_related = ["claim", "author", "signed_off_by"]
    readonly_fields = [
        "claim",
        "state",
        "author",
        "version",
        "submitted_at",
        "signed_off_by",
        "signed_off_at",
        "signoff_comment",
        "published_at",
        "created_at",
        "updated_at",
    ]


@admin.register(EvidenceLink)
class EvidenceLinkAdmin(admin.ModelAdmin):
    list_display = ["url", "stance", "claim", "added_by", "created_at"]
    list_filter = ["stance"]
    search_fields = ["url", "note", "claim__text"]
    list_select_related = ["claim", "added_by"]
    raw_id_fields = ["claim", "source", "added_by"]


@admin.register(ReviewEvent)
class ReviewEventAdmin(admin.ModelAdmin):
    """The audit trail: readable, never editable."""

    list_display = ["created_at", "actor", "action", "from_state", "to_state", "claim", "article"]
    list_filter = ["action", "to_state"]
    search_fields = ["comment", "claim__text", "actor__username"]
    list_select_related = ["actor", "claim", "article"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
