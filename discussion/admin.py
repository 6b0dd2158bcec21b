from django.contrib import admin

from factcheck.admin import ReadOnlyModelAdmin

from .models import Note, ReturnedVerdictText


@admin.register(Note)
class NoteAdmin(ReadOnlyModelAdmin):
    """Notes are part of the claim's record: written on its pages or through the API (which
    records them in the audit trail and tells whom they mention), never here."""

    list_display = ["__str__", "claim", "author", "created_at"]
    search_fields = ["text", "author__username"]
    list_select_related = ["claim", "author"]
    raw_id_fields = ["claim"]


@admin.register(ReturnedVerdictText)
class ReturnedVerdictTextAdmin(ReadOnlyModelAdmin):
    list_display = ["__str__", "returned_by", "rating", "headline", "returned_at"]
    list_select_related = ["returned_by"]
    raw_id_fields = ["verdict"]
