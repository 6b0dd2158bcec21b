"""Reactions to other apps' events; each hands over to a service at once."""

from django.dispatch import receiver

from reviews.signals import verdict_corrected, verdict_published

from . import services


@receiver([verdict_published, verdict_corrected], dispatch_uid="webhooks.announce_publication")
def announce_publication(sender, verdict_id: int, **kwargs) -> None:
    """Subscribers hear of a publication (or correction) once it is committed."""
    services.on_verdict_published(verdict_id)
