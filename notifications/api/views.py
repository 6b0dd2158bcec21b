"""The caller's own notifications: list them, mark one or all read."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.permissions import IsChecker
from factcheck.fields import NoInputSerializer
from factcheck.filtering import validated_query
from notifications import selectors, services

from .serializers import MarkedReadSerializer, NotificationListParams, NotificationSerializer

UNREAD = OpenApiParameter(
    "unread",
    OpenApiTypes.STR,
    enum=["true", "false"],
    description="true: only unread notifications; false: only those read.",
)


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Fact-checkers and editors are told here about their work: a verdict returned, approved
    or corrected, a claim assigned, a mention in a note, a lease about to run out."""

    permission_classes = [IsChecker]
    serializer_class = NotificationSerializer
    lookup_value_regex = r"\d+"
    # Filtered by `unread` in list(), checked by its own parameters.
    filter_backends: list = []

    def get_queryset(self):
        return selectors.notifications_for(self.request.user)

    @extend_schema(parameters=[UNREAD])
    def list(self, request, *args, **kwargs):
        """Your notifications, newest first, paged."""
        params = validated_query(NotificationListParams, request)
        unread = {"true": True, "false": False}.get(params.get("unread"))
        notifications = selectors.notifications_for(request.user, unread=unread)
        page = self.paginate_queryset(notifications)
        return self.get_paginated_response(NotificationSerializer(page, many=True).data)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Mark one of your notifications read (one read already stays as it was)."""
        NoInputSerializer(data=request.data).is_valid(raise_exception=True)
        notification = services.notification_mark_read(notification=self.get_object())
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses=MarkedReadSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        """Mark all your notifications read."""
        NoInputSerializer(data=request.data).is_valid(raise_exception=True)
        count = services.notifications_mark_all_read(recipient=request.user)
        return Response({"marked_read": count})
