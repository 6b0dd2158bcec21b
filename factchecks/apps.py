from django.apps import AppConfig


class FactchecksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "factchecks"
    verbose_name = "Fact-checks by others"

    def ready(self) -> None:
        # Matching embeds what each import wrote (and registers its tasks).
        from .matching import receivers  # noqa: F401
