from django.contrib import admin

from factcheck.admin import ReadOnlyModelAdmin, ReadOnlyTabularInline

from .models import Source, SourceSnapshot


class ReadOnlyAdmin(ReadOnlyModelAdmin):
    """Sources move through the fetch queue (sources.services and the workers), and a
    snapshot is what a fetch found: evidence behind published verdicts. The admin shows them
    and never adds, changes or deletes them."""


class SnapshotInline(ReadOnlyTabularInline):
    model = SourceSnapshot
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
