"""News articles as stored: their metadata, normalised body and the links they cite."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Article(models.Model):
    class IngestState(models.TextChoices):
        PENDING = "pending", "Pending"
        FETCHING = "fetching", "Fetching"
        EXTRACTED = "extracted", "Extracted"
        FAILED = "failed", "Failed"

    class InputFormat(models.TextChoices):
        URL = "url", "Fetched from its URL"
        TEXT = "text", "Plain text"
        HTML = "html", "HTML"
        MARKDOWN = "markdown", "Markdown"

    source_url = models.URLField(
        max_length=2048, blank=True, help_text="Where it was submitted from; empty for pasted text."
    )
    canonical_url = models.URLField(max_length=2048, blank=True)
    title = models.TextField(blank=True)
    byline = models.CharField(max_length=500, blank=True)
    publisher = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=16, blank=True, default="en")
    input_format = models.CharField(max_length=16, choices=InputFormat.choices)
    raw_content = models.TextField(blank=True, help_text="The content as submitted or fetched.")
    body = models.TextField(blank=True, help_text="Normalised text; claim spans index into it.")
    # NULL until the content is known (URL submissions), so uniqueness ignores those rows.
    content_hash = models.CharField(  # noqa: DJ001
        max_length=64, null=True, blank=True, help_text="sha256 of the normalised body."
    )
    ingest_state = models.CharField(
        max_length=16, choices=IngestState.choices, default=IngestState.PENDING
    )
    ingest_error = models.TextField(blank=True)
    source = models.ForeignKey(
        "sources.Source",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        help_text="For articles submitted by URL: the fetch that brings the content.",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submitted_articles",
    )
    extracted_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When someone removed this article, which could not be read: it is gone "
        "from every list, page and answer, and stays stored for the audit trail that "
        "names it.",
    )
    extractor_version = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # The same content is the same article, whoever submits it and however.
            models.UniqueConstraint(
                fields=["content_hash"],
                condition=Q(content_hash__isnull=False),
                name="article_content_unique",
            ),
            models.CheckConstraint(
                condition=Q(ingest_state__in=["pending", "fetching", "extracted", "failed"]),
                name="article_ingest_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(input_format__in=["url", "text", "html", "markdown"]),
                name="article_input_format_valid",
            ),
            models.CheckConstraint(
                condition=~Q(ingest_state="extracted")
                | (Q(content_hash__isnull=False) & ~Q(body="")),
                name="article_extracted_has_body",
            ),
            models.CheckConstraint(
                condition=~Q(ingest_state="failed") | ~Q(ingest_error=""),
                name="article_failed_has_error",
            ),
            models.CheckConstraint(
                condition=~Q(input_format="url") | ~Q(source_url=""),
                name="article_url_input_has_url",
            ),
        ]
        indexes = [
            models.Index(fields=["source_url"], name="article_source_url_idx"),
            models.Index(fields=["canonical_url"], name="article_canonical_url_idx"),
        ]

    def __str__(self) -> str:
        return self.title or self.source_url or f"Article {self.pk}"


class ArticleLink(models.Model):
    """A link the article cites, with its anchor text; its target is fetched like evidence."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="links")
    url = models.URLField(max_length=2048)
    anchor_text = models.TextField(blank=True)
    position = models.PositiveIntegerField(
        default=0, help_text="Offset of the anchor text in the article body."
    )
    source = models.ForeignKey(
        "sources.Source", on_delete=models.PROTECT, related_name="article_links"
    )

    class Meta:
        ordering = ["article", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "url", "position"], name="article_link_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.anchor_text or self.url} -> {self.url}"
