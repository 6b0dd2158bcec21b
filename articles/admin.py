from django.contrib import admin

from factcheck.admin import ReadOnlyModelAdmin, ReadOnlyTabularInline

from .models import Article, ArticleLink


class ReadOnlyAdmin(ReadOnlyModelAdmin):
    """Articles change only through articles.services: claims point into the body by offset,
    and the title and publisher are part of published fact checks, which subscribers hear of
    only through the workflow. The admin shows them and never adds, changes or deletes them."""


class ArticleLinkInline(ReadOnlyTabularInline):
    model = ArticleLink
    fields = ["url", "anchor_text", "position", "source"]


@admin.register(Article)
class ArticleAdmin(ReadOnlyAdmin):
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
    inlines = [ArticleLinkInline]


@admin.register(ArticleLink)
class ArticleLinkAdmin(ReadOnlyAdmin):
    list_display = ["url", "anchor_text", "article"]
    search_fields = ["url", "anchor_text", "article__title"]
    list_select_related = ["article"]
