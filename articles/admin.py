from django.contrib import admin

from .models import Article, ArticleLink


class ArticleLinkInline(admin.TabularInline):
    model = ArticleLink
    extra = 0
    fields = ["url", "anchor_text", "position", "source"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "publisher",
        "published_at",
        "ingest_state",
        "input_format",
        "created_at",
    ]
    list_filter = ["ingest_state", "input_format", "language", "publisher"]
    search_fields = ["title", "source_url", "canonical_url", "byline", "publisher", "content_hash"]
    date_hierarchy = "created_at"
    # Claims point into the body by offset, so the body and its hash are never edited here.
    readonly_fields = [
        "body",
        "content_hash",
        "raw_content",
        "input_format",
        "ingest_state",
        "ingest_error",
        "source",
        "submitted_by",
        "extracted_at",
        "extractor_version",
        "created_at",
        "updated_at",
    ]
    inlines = [ArticleLinkInline]


@admin.register(ArticleLink)
class ArticleLinkAdmin(admin.ModelAdmin):
    list_display = ["url", "anchor_text", "article"]
    search_fields = ["url", "anchor_text", "article__title"]
    list_select_related = ["article"]
    raw_id_fields = ["article", "source"]
