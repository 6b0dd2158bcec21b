"""Fact-checks as the API shows them, and the import request and its report."""

from rest_framework import serializers

from factcheck.fields import ChoiceField, InputSerializer, StrictCharField, URLField

from ..documents import FORMATS
from ..models import CanonicalRating, FactCheck, ImportFormat, ImportRun, ImportSource, Publisher

# The request body cap (DATA_UPLOAD_MAX_MEMORY_SIZE) stops larger files before this.
MAX_CONTENT_CHARS = 10_000_000


class PublisherSerializer(serializers.ModelSerializer):
    class Meta:
        model = Publisher
        fields = ["id", "name", "site"]


class FactCheckRatingSerializer(serializers.Serializer):
    canonical = serializers.ChoiceField(
        source="canonical_rating",
        choices=[*CanonicalRating.choices, ("", "Not rated")],
        help_text="On our scale; empty when the publisher gave no rating.",
    )
    text = serializers.CharField(
        source="rating_text", help_text="The textual rating as published (alternateName)."
    )
    value = serializers.CharField(source="rating_value", help_text="ratingValue as published.")
    best = serializers.CharField(source="best_rating", help_text="bestRating as published.")
    worst = serializers.CharField(source="worst_rating", help_text="worstRating as published.")
    conflict = serializers.BooleanField(
        source="rating_conflict", help_text="The text and the number disagree; the text is kept."
    )
    note = serializers.CharField(source="rating_note", help_text="How the rating was read.")


class FactCheckSerializer(serializers.ModelSerializer):
    publisher = PublisherSerializer()
    rating = FactCheckRatingSerializer(source="*")
    source = serializers.ChoiceField(choices=ImportSource.choices)

    class Meta:
        model = FactCheck
        fields = [
            "id",
            "publisher",
            "external_id",
            "review_url",
            "claim_text",
            "claimant",
            "claim_date",
            "review_date",
            "headline",
            "language",
            "language_detected",
            "rating",
            "source",
            "imported_at",
            "updated_at",
        ]
        read_only_fields = fields


class FactCheckDetailSerializer(FactCheckSerializer):
    raw = serializers.JSONField(help_text="The item as published (ClaimReview, or CLEF row).")

    class Meta(FactCheckSerializer.Meta):
        fields = [*FactCheckSerializer.Meta.fields, "raw", "last_import"]
        read_only_fields = fields


class ImportRequestSerializer(InputSerializer):
    """What to import: a URL to fetch (a fact-check page or a feed), a JSON-LD document, or
    a file's content (ClaimReview JSON or JSON-LD, a saved page, or a CLEF collection)."""

    url = URLField(required=False, help_text="A fact-check page or a feed to fetch.")
    document = serializers.JSONField(
        required=False,
        help_text="ClaimReview JSON-LD: one, a list, an @graph or a schema.org DataFeed.",
    )
    content = StrictCharField(
        required=False,
        max_length=MAX_CONTENT_CHARS,
        trim_whitespace=False,
        help_text="A file's content as text: JSON, JSON-LD, a page, or a CLEF collection.",
    )
    filename = StrictCharField(
        required=False, max_length=255, allow_blank=True, help_text="The file's name."
    )
    format = ChoiceField(choices=FORMATS, required=False, default="auto")
    publisher = StrictCharField(
        required=False,
        max_length=300,
        allow_blank=True,
        help_text="The publisher of items that name none (CLEF collections name none).",
    )
    language = StrictCharField(
        required=False,
        max_length=16,
        allow_blank=True,
        help_text="The language of items that declare none, instead of detecting it.",
    )

    def validate(self, data):
        given = [name for name in ("url", "document", "content") if name in data]
        if len(given) != 1:
            got = f"; got {', '.join(given)}" if given else ""
            raise serializers.ValidationError(
                "Send one of url (a page or a feed to fetch), document (ClaimReview JSON-LD) "
                f"or content (a file's text){got}."
            )
        if data.get("format") == ImportFormat.CLEF_TSV and "document" in data:
            raise serializers.ValidationError(
                "A CLEF collection is tab-separated text: send it as content, not document."
            )
        return data


class SkippedItemSerializer(serializers.Serializer):
    position = serializers.IntegerField(
        help_text="The item's number in the input (its line, in a CLEF collection); 0 for "
        "what is not an item (a malformed JSON-LD block)."
    )
    item = serializers.CharField(help_text="Its review URL or id, where it had one.")
    reason = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=ImportRun.State.choices)
    source = serializers.ChoiceField(choices=ImportSource.choices)
    location = serializers.CharField(help_text="The URL read, or the file's name.")
    format = serializers.ChoiceField(choices=[*ImportFormat.choices, ("", "Not read")])
    items = serializers.IntegerField(help_text="Items found in the input.")
    imported = serializers.IntegerField(help_text="Fact-checks added.")
    updated = serializers.IntegerField(help_text="Fact-checks already stored, now changed.")
    unchanged = serializers.IntegerField(help_text="Fact-checks already stored as they are.")
    skipped = serializers.IntegerField(help_text="Items not imported (reasons below).")
    skipped_items = SkippedItemSerializer(many=True, help_text="The first 500 skipped items.")
    error = serializers.CharField()
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
