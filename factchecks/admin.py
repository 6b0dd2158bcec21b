"""The admin's window onto fact-checks by others: the collection (read-only: it changes by
importing), publishers, subscriptions (configured here) and imports, with a page to import
from a URL or a file through the same service as the API and the command."""

import json

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from factcheck.admin import ReadOnlyModelAdmin
from factcheck.errors import DomainError

from . import services
from .errors import NothingImported
from .forms import FeedSubscriptionForm, ImportForm
from .models import FactCheck, FeedSubscription, ImportRun, Publisher
from .permissions import may_import


def _pretty_json(value) -> str:
    return format_html("<pre>{}</pre>", json.dumps(value, indent=2, ensure_ascii=False))


@admin.register(FactCheck)
class FactCheckAdmin(ReadOnlyModelAdmin):
    list_display = [
        "__str__",
        "publisher",
        "canonical_rating",
        "rating_text",
        "rating_conflict",
        "language",
        "review_date",
        "source",
    ]
    list_filter = ["canonical_rating", "rating_conflict", "language", "source", "publisher"]
    search_fields = ["claim_text", "headline", "claimant", "review_url", "external_id"]
    list_select_related = ["publisher"]
    fields = [
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
        "rating_text",
        "rating_value",
        "best_rating",
        "worst_rating",
        "canonical_rating",
        "rating_conflict",
        "rating_note",
        "source",
        "subscription",
        "last_import",
        "imported_at",
        "updated_at",
        "raw_json",
    ]
    readonly_fields = fields

    @admin.display(description="Raw (as published)")
    def raw_json(self, factcheck: FactCheck) -> str:
        return _pretty_json(factcheck.raw)


@admin.register(Publisher)
class PublisherAdmin(ReadOnlyModelAdmin):
    list_display = ["name", "site", "key", "created_at"]
    search_fields = ["name", "site"]


@admin.register(FeedSubscription)
class FeedSubscriptionAdmin(admin.ModelAdmin):
    """Feeds read again on a schedule. Refreshing one now goes through the same service as
    the scheduled refresh."""

    form = FeedSubscriptionForm
    list_display = [
        "name",
        "url",
        "is_active",
        "refresh_every_minutes",
        "last_refreshed_at",
        "last_outcome",
        "next_refresh_at",
    ]
    list_filter = ["is_active", "last_outcome"]
    search_fields = ["name", "url"]
    readonly_fields = [
        "last_refreshed_at",
        "last_outcome",
        "last_error",
        "consecutive_failures",
        "next_refresh_at",
        "created_at",
        "updated_at",
    ]
    actions = ["refresh_now"]

    def save_model(self, request, obj, form, change):
        # Through the services the API uses, which the form's validation has asked first.
        # Who may is the admin's own permissions' call here, as for the other models.
        fields = {name: form.cleaned_data[name] for name in FeedSubscriptionForm.Meta.fields}
        if change:
            saved = services.subscription_update(subscription=obj, **fields)
        else:
            saved = services.subscription_create(**fields)
        obj.pk = saved.pk
        obj.refresh_from_db()

    @admin.action(description="Refresh the selected feeds now")
    def refresh_now(self, request, queryset):
        for subscription in queryset:
            run = services.subscription_refresh(subscription_id=subscription.pk)
            if run is None:
                self.message_user(request, f"{subscription}: inactive, not refreshed.")
                continue
            level = messages.SUCCESS if run.state == ImportRun.State.SUCCEEDED else messages.ERROR
            self.message_user(request, f"{subscription}: {_summary(run)}", level=level)


def _summary(run: ImportRun) -> str:
    if run.state == ImportRun.State.FAILED and not (run.imported or run.updated):
        return f"import #{run.pk} failed: {run.error}"
    return (
        f"import #{run.pk}: {run.imported} imported, {run.updated} updated, "
        f"{run.unchanged} unchanged, {run.skipped} skipped."
    )


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyModelAdmin):
    """Every import and its report. "Add" is the import page: editors import a URL or a
    file there."""

    list_display = [
        "id",
        "source",
        "location",
        "format",
        "state",
        "imported",
        "updated",
        "unchanged",
        "skipped",
        "requested_by",
        "started_at",
    ]
    list_filter = ["state", "source", "format"]
    search_fields = ["location", "error"]
    list_select_related = ["requested_by", "subscription"]
    fields = [
        "source",
        "location",
        "format",
        "subscription",
        "requested_by",
        "state",
        "error",
        "items",
        "imported",
        "updated",
        "unchanged",
        "skipped",
        "skipped_report",
        "started_at",
        "finished_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return may_import(request.user)

    @admin.display(description="Skipped items")
    def skipped_report(self, run: ImportRun) -> str:
        return _pretty_json(run.skipped_items)

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="factchecks_importrun_import",
            ),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:factchecks_importrun_import"))

    def import_view(self, request):
        if not may_import(request.user):
            messages.error(request, "Only editors may import fact-checks.")
            return HttpResponseRedirect(reverse("admin:factchecks_importrun_changelist"))
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            run = self._import(request, form.cleaned_data)
            if run is not None:
                level = (
                    messages.SUCCESS if run.state == ImportRun.State.SUCCEEDED else messages.ERROR
                )
                messages.add_message(request, level, _summary(run))
                return HttpResponseRedirect(
                    reverse("admin:factchecks_importrun_change", args=[run.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": "Import fact-checks",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/factchecks/importrun/import_form.html", context)

    def _import(self, request, data) -> ImportRun | None:
        options = {
            "format": data["format"],
            "publisher": data["publisher"],
            "language": data["language"].strip().lower(),
            "by": request.user,
        }
        try:
            if data["url"]:
                return services.factchecks_import_url(url=data["url"], **options)
            upload = data["file"]
            return services.factchecks_import_file(
                data=upload.read(), filename=upload.name, **options
            )
        except NothingImported as refusal:
            return ImportRun.objects.get(pk=refusal.details["import"]["id"])
        except DomainError as refusal:
            messages.error(request, f"Nothing was imported: {refusal.message}")
            return None
