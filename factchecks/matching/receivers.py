"""Matching listens to imports: what an import added or changed is embedded by a worker."""

from django.dispatch import receiver

from ..signals import factchecks_imported
from .tasks import embed_imported_factchecks


@receiver(factchecks_imported, dispatch_uid="matching-embed-imported")
def embed_after_import(sender, import_run_id: int, **kwargs) -> None:
    embed_imported_factchecks.delay_on_commit(import_run_id)
