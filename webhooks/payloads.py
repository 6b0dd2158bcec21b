"""The signed request of each attempt at a delivery. What a delivery says (the verdict as
published, frozen when the event happens) is built by `reviews.presenters.webhook_payload`."""

import time
from datetime import UTC, datetime

from reviews.presenters import iso_8601

from .models import Delivery
from .signing import encode_body, signed_headers


def delivery_request(
    *, delivery: Delivery, timestamp: int | None = None
) -> tuple[bytes, dict[str, str]]:
    """The body and signed headers of one attempt. Caller selects subscriber."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    body = encode_body(
        {
            "event": delivery.event,
            "delivered_at": iso_8601(datetime.fromtimestamp(timestamp, UTC), utc="+00:00"),
            **delivery.payload,
        }
    )
    headers = signed_headers(
        secret=delivery.subscriber.secret,
        body=body,
        event=delivery.event,
        delivery_id=delivery.pk,
        timestamp=timestamp,
    )
    return body, headers
