"""Django's Redis cache, keeping one Redis client per connection pool, and going on without
Redis while it cannot be reached.

Django's backend makes a new `redis.Redis` for every operation, and making one fills its
table of reply handlers anew: about 0.2 ms, more than the round trip it wraps (measured on
the throttle's two operations per API request). A client is safe to share between
threads, so one per pool is kept instead.

Nothing the service answers needs the cache: it holds rate-limit counters, worker heartbeats
and copies. So an operation that cannot reach Redis (refused, or no answer within the
settings' short socket timeouts) logs a warning and acts as a miss (reads) or does nothing
(writes), and for the next few seconds the process does not ask that Redis again, so that
requests do not each wait out a timeout. `incr`, `decr` and `clear` still raise: their
callers must know. /healthz asks Redis directly and reports it down.
"""

import logging
import time
from collections.abc import Callable
from functools import partial
from typing import TypeVar

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Errors that mean Redis could not be used: refused, reset, timed out, loading, read-only...
UNAVAILABLE = (RedisError, OSError)
# After a failure, how long this process goes on without that Redis before trying it again.
RETRY_AFTER_SECONDS = 5.0

# Per Redis location, shared by the threads of the process: until when it is left alone.
_unavailable_until: dict[str, float] = {}


class _ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, servers, **options):
        super().__init__(servers, **options)
        self._clients = {}
        self._location = ",".join(servers)

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client

    def unless_unavailable(self, operation: Callable[[], T], *, fallback: T) -> T:
        """`operation()`, or `fallback` when Redis cannot be reached (now or a moment ago)."""
        if time.monotonic() < _unavailable_until.get(self._location, 0.0):
            return fallback
        try:
            return operation()
        except UNAVAILABLE as exc:
            _unavailable_until[self._location] = time.monotonic() + RETRY_AFTER_SECONDS
            logger.warning(
                "Cache at %s unavailable (%s: %s). Going on without it for %.0f s: API rate "
                "limits are not enforced and nothing is cached meanwhile.",
                self._location,
                type(exc).__name__,
                exc,
                RETRY_AFTER_SECONDS,
            )
            return fallback

    def get(self, key, default):
        return self.unless_unavailable(partial(super().get, key, default), fallback=default)

    def get_many(self, keys):
        return self.unless_unavailable(partial(super().get_many, keys), fallback={})

    def has_key(self, key):
        return self.unless_unavailable(partial(super().has_key, key), fallback=False)

    def add(self, key, value, timeout):
        return self.unless_unavailable(partial(super().add, key, value, timeout), fallback=False)

    def set(self, key, value, timeout):
        return self.unless_unavailable(partial(super().set, key, value, timeout), fallback=None)

    def set_many(self, data, timeout):
        return self.unless_unavailable(partial(super().set_many, data, timeout), fallback=None)

    def touch(self, key, timeout):
        return self.unless_unavailable(partial(super().touch, key, timeout), fallback=False)

    def delete(self, key):
        return self.unless_unavailable(partial(super().delete, key), fallback=False)

    def delete_many(self, keys):
        return self.unless_unavailable(partial(super().delete_many, keys), fallback=None)


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusedClientRedisCacheClient

    def redis_client(self):
        """The Redis client behind this cache, for work the cache API cannot express in one
        round trip (the throttle's atomic check-and-spend)."""
        return self._cache.get_client(write=True)

    def unless_unavailable(self, operation: Callable[[], T], *, fallback: T) -> T:
        """For work done on `redis_client()`: `operation()`, or `fallback` (with a warning
        logged) when Redis cannot be reached, as for the cache's own operations."""
        return self._cache.unless_unavailable(operation, fallback=fallback)
