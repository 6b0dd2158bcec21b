from django.apps import AppConfig


class DiscussionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "discussion"
    verbose_name = "Discussion"

    def ready(self) -> None:
        # Connects the signal receivers.
        from . import receivers  # noqa: F401
