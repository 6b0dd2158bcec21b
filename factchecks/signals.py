"""Sent after commit when an import added or changed fact-checks, for whoever keeps something
built from the collection (a matching index) up to date. Factchecks does not know who listens;
a receiver that fails is logged and changes nothing of the import."""

from django.dispatch import Signal

# Sent with import_run_id; the rows it added or changed are
# selectors.factchecks_written_by(import_run_id=...).
factchecks_imported = Signal()
