from django.contrib import admin

from factcheck.admin import ReadOnlyModelAdmin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyModelAdmin):
    """A window onto what people were told: notifications are made by the services that
    hear of the work, and read by their recipients."""

    list_display = ["__str__", "recipient", "kind", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["recipient__username", "message"]
    list_select_related = ["recipient"]
    raw_id_fields = ["claim", "verdict"]
