"""The Redis client behind the cache (django-redis's REDIS_CLIENT_CLASS, see settings), which
leaves Redis alone for a few seconds after it failed.

Nothing the service answers needs the cache: it holds rate-limit counters, worker heartbeats
and copies. django-redis keeps one client per connection pool, and with IGNORE_EXCEPTIONS an
operation that cannot reach Redis acts as a miss (reads) or does nothing (writes). What it
lacks is a pause after a failure: it asks Redis again at the very next operation, so while
Redis accepts connections and never answers, each of a request's cache operations waits out
the socket timeout. This client adds the pause, process-wide per Redis: for a few seconds its
commands fail at once, as if Redis refused them, and one warning says what the outage means.
The throttle's script (through `django_redis.get_redis_connection`) shares the pause.
/healthz asks Redis directly and reports it down.
"""

import logging
import time

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ReadOnlyError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# Errors that mean Redis could not be used: refused, reset, timed out, loading, read-only. Not
# other replies (a script not loaded yet is one: redis-py loads it and asks again).
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, ReadOnlyError, OSError)
# After a failure, how long this process goes on without that Redis before trying it again.
RETRY_AFTER_SECONDS = 5.0

# Per Redis, shared by the threads of the process: until when it is left alone.
_unavailable_until: dict[str, float] = {}


class PausingRedis(Redis):
    def execute_command(self, *args, **options):
        where = _where(self.connection_pool.connection_kwargs)
        if time.monotonic() < _unavailable_until.get(where, 0.0):
            raise RedisConnectionError(f"Redis at {where} left alone after a failure")
        try:
            return super().execute_command(*args, **options)
        except UNAVAILABLE as exc:
            _unavailable_until[where] = time.monotonic() + RETRY_AFTER_SECONDS
            logger.warning(
                "Cache at %s unavailable (%s: %s). Going on without it for %.0f s: API rate "
                "limits are not enforced and nothing is cached meanwhile.",
                where,
                type(exc).__name__,
                exc,
                RETRY_AFTER_SECONDS,
            )
            raise


def _where(kwargs: dict) -> str:
    host = kwargs.get("host") or kwargs.get("path")
    return f"{host}:{kwargs.get('port', '')}/{kwargs.get('db', 0)}"
