"""Retry timing shared by every worker that calls out to other servers."""

import random


def retry_delay(
    *, attempts: int, base: float, cap: float, retry_after: float | None = None
) -> float:
    """Seconds to wait before attempt `attempts + 1`: exponential backoff, spread between half
    and all of it so that clients coming back after an outage do not all retry at once, and
    never sooner than the server's Retry-After (itself capped)."""
    backoff = min(cap, base * (2 ** max(attempts - 1, 0)))
    delay = random.uniform(backoff / 2, backoff)
    if retry_after is not None:
        delay = max(delay, min(retry_after, cap))
    return delay
