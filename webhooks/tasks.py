"""Celery entry points for webhooks. Thin: they take primary keys and call services."""

from celery import shared_task

from . import services
from .payloads import delivery_request
from .transport import post_json


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def deliver_webhook(delivery_id: int) -> str:
    """Make one attempt at a delivery if it is due. Safe to run twice: a delivered (or failed,
    or not yet due) delivery is left alone. Returns the delivery's state afterwards."""
    delivery = services.delivery_claim(delivery_id=delivery_id)
    if delivery is None:
        return "nothing to do"
    body, headers = delivery_request(delivery=delivery)
    outcome = post_json(
        delivery.subscriber.url,
        body=body,
        headers=headers,
        policy=services.delivery_policy(),
    )
    recorded = services.delivery_record_attempt(delivery=delivery, outcome=outcome)
    if recorded is None:
        return "superseded"
    return recorded.state


@shared_task(ignore_result=True)
def sweep_webhooks() -> int:
    return services.deliveries_sweep()
