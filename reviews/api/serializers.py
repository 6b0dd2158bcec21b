from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.selectors import person_by_username
from articles.selectors import article_exists
from factcheck.fields import (
    ChoiceField,
    InputSerializer,
    StrictCharField,
    StrictIntegerField,
    URLField,
)
from factcheck.representation import ReusedFieldsMixin
from reviews.models import ClaimKind, DismissReason, EvidenceLink, ReviewEvent, Stance, Verdict
from reviews.presenters import ClaimSerializer
from reviews.ratings import RATING_SCALE, Rating
from reviews.selectors import LANGUAGE_TAG, QueueFilters
from reviews.services import BULK_TRIAGE_LIMIT, BULK_TRIAGE_MOVES


class EvidenceLinkSerializer(serializers.ModelSerializer):
    added_by = serializers.CharField(source="added_by.username", read_only=True)
    fetch_state = serializers.CharField(source="source.state", read_only=True)
    source_url = serializers.CharField(source="source.url", read_only=True)
    fetch_error = serializers.CharField(
        source="source.last_error_kind",
        read_only=True,
        help_text="What kind of problem the last fetch attempt met (timeout, http_error, "
        "blocked...); empty when it met none.",
    )
    fetch_error_message = serializers.CharField(
        source="source.last_error",
        read_only=True,
        help_text="The last attempt's problem, in words a person can act on; empty when none.",
    )
    fetch_attempts = serializers.IntegerField(
        source="source.attempts",
        read_only=True,
        help_text="Fetch attempts started since the page was asked for (or retried by hand).",
    )
    fetch_max_attempts = serializers.SerializerMethodField(
        help_text="How many attempts are made before the fetch is given up (FETCH_MAX_ATTEMPTS)."
    )
    fetch_next_attempt_at = serializers.DateTimeField(
        source="source.next_attempt_at",
        read_only=True,
        allow_null=True,
        help_text="When the next attempt is due, while the page waits for one; null once it "
        "was fetched or given up.",
    )

    class Meta:
        model = EvidenceLink
        fields = [
            "id",
            "url",
            "stance",
            "note",
            "added_by",
            "created_at",
            "source_url",
            "fetch_state",
            "fetch_error",
            "fetch_error_message",
            "fetch_attempts",
            "fetch_max_attempts",
            "fetch_next_attempt_at",
        ]

    def get_fetch_max_attempts(self, link) -> int:
        return settings.FETCH_MAX_ATTEMPTS


class EvidenceInputSerializer(InputSerializer):
    """A link to a source, how it bears on the claim, and an optional note."""

    url = URLField()
    stance = ChoiceField(choices=Stance.choices)
    note = StrictCharField(max_length=5000, required=False, allow_blank=True, default="")


class EvidenceUpdateInputSerializer(InputSerializer):
    """How the link bears on the claim, and the note; a field left out stays as it is."""

    stance = ChoiceField(choices=Stance.choices, required=False)
    note = StrictCharField(max_length=5000, required=False, allow_blank=True)


class ClaimDetailSerializer(ReusedFieldsMixin, ClaimSerializer):
    evidence = EvidenceLinkSerializer(many=True, read_only=True)

    class Meta(ClaimSerializer.Meta):
        fields = [*ClaimSerializer.Meta.fields, "evidence"]


class VerdictSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True)
    signed_off_by = serializers.CharField(
        source="signed_off_by.username", read_only=True, default=None, allow_null=True
    )
    rating_value = serializers.SerializerMethodField()
    rating_label = serializers.SerializerMethodField()

    class Meta:
        model = Verdict
        fields = [
            "id",
            "claim",
            "state",
            "rating",
            "rating_value",
            "rating_label",
            "headline",
            "rationale",
            "author",
            "version",
            "submitted_at",
            "signed_off_by",
            "signed_off_at",
            "signoff_comment",
            "published_at",
            "corrects",
            "correction_note",
            "updated_at",
        ]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_rating_value(self, verdict) -> int | None:
        return RATING_SCALE[verdict.rating].value if verdict.rating else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_rating_label(self, verdict) -> str | None:
        return RATING_SCALE[verdict.rating].label if verdict.rating else None


class VerdictInputSerializer(InputSerializer):
    """The verdict's text; a draft may leave any of it empty until it is submitted."""

    rating = ChoiceField(choices=Rating.choices, required=False, allow_blank=True)
    headline = StrictCharField(max_length=300, required=False, allow_blank=True)
    rationale = StrictCharField(max_length=50_000, required=False, allow_blank=True)


class SignOffInputSerializer(InputSerializer):
    """An optional comment kept with the sign-off."""

    comment = StrictCharField(max_length=5000, required=False, allow_blank=True, default="")


class ReturnInputSerializer(InputSerializer):
    """What the author must fix."""

    comment = StrictCharField(max_length=5000)


class CorrectionInputSerializer(InputSerializer):
    """Why the published verdict needs correcting: published with the correction."""

    comment = StrictCharField(
        max_length=5000,
        error_messages={
            "required": "Say why the verdict needs correcting: a comment is required.",
            "blank": "Say why the verdict needs correcting: a comment is required.",
        },
    )


class DismissInputSerializer(InputSerializer):
    """Why the claim is not checked."""

    reason = ChoiceField(choices=DismissReason.choices)
    comment = StrictCharField(max_length=5000, required=False, allow_blank=True, default="")


class QueueNextInputSerializer(InputSerializer):
    """Optional filters, as on the queue's page: the top claim that passes them is taken."""

    kind = ChoiceField(choices=ClaimKind.choices, required=False)
    article = StrictIntegerField(min_value=1, required=False, help_text="An article's id.")
    claimant = StrictCharField(
        max_length=300, required=False, help_text="Any part of the claimant's name, any case."
    )
    language = StrictCharField(
        max_length=16,
        required=False,
        help_text="The article's language, as a tag: `en` also matches `en-GB`.",
    )

    def validate_article(self, article_id: int) -> int:
        if not article_exists(article_id=article_id):
            raise serializers.ValidationError(f"No article has the id {article_id}.")
        return article_id

    def validate_language(self, language: str) -> str:
        if not LANGUAGE_TAG.fullmatch(language):
            raise serializers.ValidationError(
                f'"{language}" is not a language tag: send one such as en, fr or en-GB.'
            )
        return language

    def queue_filters(self) -> QueueFilters:
        data = self.validated_data
        return QueueFilters(
            kind=data.get("kind", ""),
            article_id=data.get("article"),
            claimant=data.get("claimant", ""),
            language=data.get("language", ""),
        )


class AssignInputSerializer(InputSerializer):
    """Whom the claim is given to: a fact-checker's (or an editor's) username."""

    user = StrictCharField(max_length=150)

    def validate_user(self, username: str):
        person = person_by_username(username)
        if person is None:
            raise serializers.ValidationError(f'Nobody active is called "{username[:80]}".')
        return person


class BoostInputSerializer(InputSerializer):
    """Added to the claim's priority in the queue."""

    boost = serializers.IntegerField(min_value=-100, max_value=100)


class ReviewEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(
        source="actor.username", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = ReviewEvent
        fields = [
            "id",
            "action",
            "actor",
            "from_state",
            "to_state",
            "comment",
            "verdict",
            "created_at",
        ]


class TriageInputSerializer(InputSerializer):
    """Claims to queue or dismiss, with one reason for every dismissal."""

    claims = serializers.ListField(
        child=StrictIntegerField(min_value=1),
        allow_empty=False,
        max_length=BULK_TRIAGE_LIMIT,
        help_text=f"The claims' ids, at most {BULK_TRIAGE_LIMIT}; each is triaged once.",
        error_messages={
            "empty": "Send at least one claim id.",
            "max_length": f"Send at most {BULK_TRIAGE_LIMIT} claim ids at a time.",
        },
    )
    move = ChoiceField(choices=[(move.value, move.value) for move in BULK_TRIAGE_MOVES])
    reason = ChoiceField(
        choices=DismissReason.choices,
        required=False,
        help_text="Why the claims are dismissed: required to dismiss, refused to queue.",
    )
    comment = StrictCharField(max_length=5000, required=False, allow_blank=True, default="")

    def validate(self, data: dict) -> dict:
        if data["move"] == "dismiss" and not data.get("reason"):
            raise serializers.ValidationError({"reason": "Give a reason to dismiss the claims."})
        if data["move"] == "queue" and "reason" in data:
            raise serializers.ValidationError(
                {"reason": "A reason is given to dismiss claims, not to queue them."}
            )
        return data


class TriageOutcomeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="claim_id", help_text="The claim's id.")
    outcome = serializers.SerializerMethodField()
    state = serializers.CharField(
        allow_null=True, help_text="The claim's state afterwards; null when there is no such claim."
    )
    message = serializers.CharField(help_text="What was done, or why not.")
    code = serializers.CharField(
        allow_null=True,
        help_text="Why not, as the error code a move on this claim alone would answer "
        "(invalid_transition, invalid_input, not_found); null when done.",
    )

    @extend_schema_field(serializers.ChoiceField(choices=["done", "refused"]))
    def get_outcome(self, outcome) -> str:
        return "done" if outcome.done else "refused"

    def to_representation(self, outcome):
        data = super().to_representation(outcome)
        data["state"] = data["state"] or None
        data["code"] = data["code"] or None
        return data


class TriageSerializer(serializers.Serializer):
    move = serializers.CharField()
    done = serializers.SerializerMethodField(help_text="How many claims were moved.")
    refused = serializers.SerializerMethodField(help_text="How many were not, each saying why.")
    claims = TriageOutcomeSerializer(
        source="outcomes", many=True, help_text="One per claim sent, in the order sent."
    )

    def get_done(self, triage) -> int:
        return len(triage.done)

    def get_refused(self, triage) -> int:
        return len(triage.refused)
