from django.apps import AppConfig


class FactchecksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "factchecks"
    verbose_name = "Fact-checks by others"

    def ready(self) -> None:
        # Matching embeds what each import wrote (and registers its tasks); our published
        # verdicts join the collection.
        from . import receivers  # noqa: F401
        from .matching import receivers as matching_receivers  # noqa: F401
