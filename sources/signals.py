"""Sent after commit when a fetch of a source has succeeded.

Other apps subscribe to act on newly available content (an article submitted by URL is
extracted once its page has been fetched); the rule for what to do lives in their services.
"""

from django.dispatch import Signal

# Sent with source_id and snapshot_id.
source_fetched = Signal()

# Sent with source_id and reason when a fetch failed for good (not retried any more).
source_fetch_failed = Signal()
