from rest_framework import serializers

from discussion.models import MAX_NOTE_LENGTH, Note
from factcheck.fields import InputSerializer, StrictCharField


class NoteSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True)
    mentions = serializers.SlugRelatedField(
        slug_field="username",
        many=True,
        read_only=True,
        help_text="The fact-checkers and editors the note names as @username; they were told.",
    )

    class Meta:
        model = Note
        fields = ["id", "claim", "author", "text", "mentions", "created_at"]
        read_only_fields = fields


class NoteInputSerializer(InputSerializer):
    text = StrictCharField(
        max_length=MAX_NOTE_LENGTH,
        help_text=(
            "Plain text. `@username` names a fact-checker or editor, who is told; other names "
            "stay text."
        ),
    )


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=["rating", "headline", "rationale"])
    label = serializers.CharField()
    returned = serializers.CharField(help_text="As the verdict was returned.")
    resubmitted = serializers.CharField(help_text="As the verdict is now.")
    changed = serializers.BooleanField()
    diff_html = serializers.CharField(
        help_text="The text now as escaped HTML: removed words in <del>, added ones in <ins>."
    )


class ChangesSinceReturnSerializer(serializers.Serializer):
    verdict = serializers.IntegerField(source="verdict.pk")
    version = serializers.IntegerField(source="verdict.version")
    returned_at = serializers.DateTimeField()
    returned_by = serializers.CharField(
        source="returned.returned_by.username", default=None, allow_null=True
    )
    comment = serializers.CharField(source="returned.comment", help_text="What was to be fixed.")
    changed = serializers.BooleanField()
    changes = FieldChangeSerializer(many=True, source="fields")
