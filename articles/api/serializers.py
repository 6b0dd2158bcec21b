from rest_framework import serializers

from articles.models import Article, ArticleLink
from factcheck.fields import InputSerializer, StrictCharField, URLField
from reviews.presenters import ClaimSerializer

CONTENT_FIELDS = ("text", "html", "markdown")
# The request body cap (DATA_UPLOAD_MAX_MEMORY_SIZE) stops larger payloads before this.
MAX_CONTENT_CHARS = 2_000_000


class ArticleSubmitSerializer(InputSerializer):
    """Either a URL to fetch, or pasted content in exactly one of text, html, markdown."""

    url = URLField(required=False, allow_blank=True)
    title = StrictCharField(max_length=2000, required=False, allow_blank=True)
    text = StrictCharField(max_length=MAX_CONTENT_CHARS, required=False, trim_whitespace=False)
    html = StrictCharField(max_length=MAX_CONTENT_CHARS, required=False, trim_whitespace=False)
    markdown = StrictCharField(max_length=MAX_CONTENT_CHARS, required=False, trim_whitespace=False)
    published_at = serializers.DateTimeField(required=False, allow_null=True)
    publisher = StrictCharField(max_length=300, required=False, allow_blank=True)
    author = StrictCharField(max_length=500, required=False, allow_blank=True)

    def validate(self, data):
        given = [name for name in CONTENT_FIELDS if name in data]
        if len(given) > 1:
            raise serializers.ValidationError(
                f"Send the article in one format only; got {', '.join(given)}."
            )
        if not given and not data.get("url"):
            raise serializers.ValidationError(
                "Send a url to fetch, or the article as text, html or markdown."
            )
        data["input_format"] = given[0] if given else "url"
        return data


class ArticleLinkSerializer(serializers.ModelSerializer):
    fetch_state = serializers.CharField(source="source.state", read_only=True)

    class Meta:
        model = ArticleLink
        fields = ["url", "anchor_text", "position", "fetch_state"]


class ArticleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Article
        fields = [
            "id",
            "source_url",
            "canonical_url",
            "title",
            "byline",
            "publisher",
            "published_at",
            "language",
            "input_format",
            "ingest_state",
            "ingest_error",
            "content_hash",
            "created_at",
            "extracted_at",
            "extractor_version",
        ]


class ArticleDetailSerializer(ArticleSerializer):
    claims = ClaimSerializer(many=True, read_only=True)
    links = ArticleLinkSerializer(many=True, read_only=True)

    class Meta(ArticleSerializer.Meta):
        fields = [*ArticleSerializer.Meta.fields, "body", "links", "claims"]
