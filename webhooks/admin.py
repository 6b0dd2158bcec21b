import json

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html

from factcheck.admin import ReadOnlyModelAdmin
from factcheck.errors import InvalidInput

from . import services
from .models import Delivery, DeliveryAttempt, Event, Subscriber

RECENT_DELIVERIES = 20


class SubscriberForm(forms.ModelForm):
    url = forms.URLField(
        max_length=2048,
        assume_scheme="https",
        label="URL",
        help_text=Subscriber._meta.get_field("url").help_text,
    )
    event_types = forms.MultipleChoiceField(
        choices=Event.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="The events sent to this subscriber.",
    )

    class Meta:
        model = Subscriber
        fields = ["name", "url", "secret", "is_active", "event_types"]
        widgets = {"secret": forms.TextInput(attrs={"size": 60, "autocomplete": "off"})}

    def clean_url(self) -> str:
        try:
            return services.subscriber_url_check(url=self.cleaned_data["url"])
        except InvalidInput as exc:
            raise forms.ValidationError(exc.message) from exc


class RecentDeliveriesFormSet(BaseInlineFormSet):
    def get_queryset(self):
        return super().get_queryset()[:RECENT_DELIVERIES]


class RecentDeliveriesInline(admin.TabularInline):
    model = Delivery
    formset = RecentDeliveriesFormSet
    verbose_name_plural = f"Recent deliveries (latest {RECENT_DELIVERIES})"
    extra = 0
    can_delete = False
    fields = [
        "created_at",
        "event",
        "verdict",
        "state",
        "attempts",
        "last_status_code",
        "last_error",
        "next_attempt_at",
        "delivered_at",
    ]
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("verdict").order_by("-created_at", "-id")
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    """Receivers of signed webhooks. The secret is shown so it can be handed to the receiver."""

    form = SubscriberForm
    list_display = ["name", "url", "is_active", "events", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "url"]
    readonly_fields = ["created_at", "updated_at"]
    fields = ["name", "url", "secret", "is_active", "event_types", "created_at", "updated_at"]
    inlines = [RecentDeliveriesInline]

    @admin.display(description="Events")
    def events(self, subscriber: Subscriber) -> str:
        return ", ".join(subscriber.event_types or [])


class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = [
        "number",
        "started_at",
        "duration_ms",
        "status_code",
        "error_kind",
        "error",
        "response_excerpt",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyModelAdmin):
    """What was sent to whom and how each attempt went: a log, never edited by hand."""

    list_display = [
        "id",
        "subscriber",
        "event",
        "verdict",
        "state",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "delivered_at",
        "created_at",
    ]
    list_filter = ["state", "event", "subscriber"]
    search_fields = ["subscriber__name", "subscriber__url", "verdict__headline"]
    list_select_related = ["subscriber", "verdict"]
    date_hierarchy = "created_at"
    fields = [
        "subscriber",
        "verdict",
        "event",
        "state",
        "attempts",
        "next_attempt_at",
        "lease_expires_at",
        "last_status_code",
        "last_error",
        "delivered_at",
        "created_at",
        "updated_at",
        "payload_json",
    ]
    readonly_fields = fields
    inlines = [AttemptInline]

    @admin.display(description="Payload")
    def payload_json(self, delivery: Delivery) -> str:
        return format_html(
            "<pre>{}</pre>", json.dumps(delivery.payload, indent=2, ensure_ascii=False)
        )
