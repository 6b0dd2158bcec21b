"""/api/v1/factchecks/subscriptions/: feeds of ClaimReviews read again on a schedule, for
editors. Thin: input serializers check the shape, the services check the rules and write."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from factcheck.api_schema import ERROR_RESPONSES, ErrorSerializer
from factcheck.fields import (
    InputSerializer,
    NoInputSerializer,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    URLField,
)

from .. import selectors, services
from ..models import FeedSubscription, RefreshOutcome
from ..permissions import MayManageSubscriptions

INTERVAL_HELP = (
    f"How often the feed is read again, in minutes: {services.REFRESH_EVERY_MIN_MINUTES} to "
    f"{services.REFRESH_EVERY_MAX_MINUTES:,} (30 days)."
)
CONFLICT_RESPONSE = OpenApiResponse(
    ErrorSerializer,
    "already_subscribed: another subscription reads that URL (`details.subscription` is its id).",
)


class FeedSubscriptionSerializer(serializers.ModelSerializer):
    last_outcome = serializers.ChoiceField(
        choices=RefreshOutcome.choices, help_text="How the last refresh ended; empty before one."
    )

    class Meta:
        model = FeedSubscription
        fields = [
            "id",
            "name",
            "url",
            "publisher_name",
            "is_active",
            "refresh_every_minutes",
            "next_refresh_at",
            "last_refreshed_at",
            "last_outcome",
            "last_error",
            "consecutive_failures",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "next_refresh_at": {
                "help_text": "When the sweep reads it next; null: at the next sweep."
            },
            "last_error": {"help_text": "Why the last refresh failed; empty when it succeeded."},
            "consecutive_failures": {
                "help_text": "Failed refreshes in a row; each doubles the wait, up to a day."
            },
        }


class SubscriptionCreateSerializer(InputSerializer):
    name = StrictCharField(max_length=200, help_text="What the feed is, for people.")
    url = URLField(
        help_text="The feed: ClaimReview JSON-LD (a DataFeed, a list, an @graph) or a page."
    )
    publisher_name = StrictCharField(
        max_length=300,
        required=False,
        allow_blank=True,
        default="",
        help_text="The publisher of items that name none.",
    )
    refresh_every_minutes = StrictIntegerField(
        required=False,
        default=services.DEFAULT_REFRESH_EVERY_MINUTES,
        min_value=services.REFRESH_EVERY_MIN_MINUTES,
        max_value=services.REFRESH_EVERY_MAX_MINUTES,
        help_text=f"{INTERVAL_HELP} Default {services.DEFAULT_REFRESH_EVERY_MINUTES}.",
    )
    is_active = StrictBooleanField(
        required=False, default=True, help_text="false: kept, but not read until set true."
    )


class SubscriptionUpdateSerializer(InputSerializer):
    """The fields to change; those left out keep their value."""

    name = StrictCharField(max_length=200, required=False)
    url = URLField(required=False, help_text="A new URL is read at the next sweep.")
    publisher_name = StrictCharField(max_length=300, required=False, allow_blank=True)
    refresh_every_minutes = StrictIntegerField(
        required=False,
        min_value=services.REFRESH_EVERY_MIN_MINUTES,
        max_value=services.REFRESH_EVERY_MAX_MINUTES,
        help_text=f"{INTERVAL_HELP} Counted from the last refresh.",
    )
    is_active = StrictBooleanField(required=False)


class FeedSubscriptionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Feeds of ClaimReviews that beat's sweep reads again every `refresh_every_minutes`,
    adding and updating fact-checks, never duplicating them. Editors only."""

    permission_classes = [MayManageSubscriptions]
    serializer_class = FeedSubscriptionSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.feed_subscriptions()

    def _answer(self, subscription: FeedSubscription, code: int = status.HTTP_200_OK):
        return Response(FeedSubscriptionSerializer(subscription).data, status=code)

    @extend_schema(
        request=SubscriptionCreateSerializer,
        responses={
            201: OpenApiResponse(FeedSubscriptionSerializer, "Subscribed: read at the next sweep."),
            409: CONFLICT_RESPONSE,
            **ERROR_RESPONSES,
        },
    )
    def create(self, request, *args, **kwargs):
        """Subscribe to a feed. The URL must be one the fetcher may read (http or https, an
        allowed port, a public address); a URL subscribed already answers 409."""
        data = SubscriptionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subscription = services.subscription_create(**data.validated_data, by=request.user)
        response = self._answer(subscription, status.HTTP_201_CREATED)
        response["Location"] = f"/api/v1/factchecks/subscriptions/{subscription.pk}/"
        return response

    @extend_schema(
        request=SubscriptionUpdateSerializer,
        responses={
            200: OpenApiResponse(FeedSubscriptionSerializer, "As stored now."),
            409: CONFLICT_RESPONSE,
            **ERROR_RESPONSES,
        },
    )
    def partial_update(self, request, *args, **kwargs):
        """Rename, move, pause or resume a subscription, or change how often it is read."""
        subscription = self.get_object()
        data = SubscriptionUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subscription = services.subscription_update(
            subscription=subscription, **data.validated_data, by=request.user
        )
        return self._answer(subscription)

    @extend_schema(responses={204: OpenApiResponse(description="Deleted."), **ERROR_RESPONSES})
    def destroy(self, request, *args, **kwargs):
        """Stop reading a feed. The fact-checks it brought in stay in the collection."""
        services.subscription_delete(subscription=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=None,
        responses={
            202: OpenApiResponse(
                FeedSubscriptionSerializer,
                "Queued: a worker reads the feed now; `last_refreshed_at` and `last_outcome` "
                "say how it went.",
            ),
            409: OpenApiResponse(
                ErrorSerializer,
                "subscription_paused: a paused feed is not read; resume it first.",
            ),
            **ERROR_RESPONSES,
        },
    )
    @action(detail=True, methods=["post"])
    def refresh(self, request, pk=None):
        """Read the feed now rather than at its next scheduled time."""
        subscription = self.get_object()
        NoInputSerializer(data=request.data).is_valid(raise_exception=True)
        subscription = services.subscription_refresh_request(
            subscription=subscription, by=request.user
        )
        return self._answer(subscription, status.HTTP_202_ACCEPTED)
