from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from factcheck.fields import ChoiceField
from notifications.models import Notification
from notifications.selectors import notification_url


class NotificationSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(
        source="actor.username", read_only=True, default=None, allow_null=True
    )
    unread = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="The page it leads to (a path).")

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "message",
            "detail",
            "actor",
            "claim",
            "verdict",
            "url",
            "unread",
            "read_at",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_unread(self, notification: Notification) -> bool:
        return notification.read_at is None

    @extend_schema_field(serializers.CharField())
    def get_url(self, notification: Notification) -> str:
        return notification_url(notification)


class NotificationListParams(serializers.Serializer):
    unread = ChoiceField(
        choices=["true", "false"],
        required=False,
        help_text="true: only unread notifications; false: only those read.",
    )


class MarkedReadSerializer(serializers.Serializer):
    marked_read = serializers.IntegerField(help_text="How many were unread.")
