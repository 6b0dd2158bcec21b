from django.contrib import admin

from .models import Source, SourceSnapshot


class ReadOnlyAdmin(admin.ModelAdmin):
    """Sources move through the fetch queue (sources.services and the workers), and a
    snapshot is what a fetch found: evidence behind published verdicts. The admin shows them
    and never adds, changes or deletes them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SnapshotInline(admin.TabularInline):
    model = SourceSnapshot
    extra = 0
    can_delete = False
    fields = [
        "fetched_at",
        "status_code",
        "final_url",
        "content_type",
        "title",
        "size",
        "error_kind",
    ]
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Source)
class SourceAdmin(ReadOnlyAdmin):
    list_display = [
        "url",
        "state",
        "attempts",
        "last_error_kind",
        "last_fetched_at",
        "next_attempt_at",
    ]
    list_filter = ["state", "last_error_kind"]
    search_fields = ["url", "host"]
    date_hierarchy = "created_at"
    inlines = [SnapshotInline]


@admin.register(SourceSnapshot)
class SourceSnapshotAdmin(ReadOnlyAdmin):
    list_display = [
        "requested_url",
        "status_code",
        "content_type",
        "title",
        "size",
        "error_kind",
        "fetched_at",
    ]
    list_filter = ["error_kind", "content_type"]
    search_fields = ["requested_url", "final_url", "title", "sha256"]
    list_select_related = ["source"]
    date_hierarchy = "fetched_at"
