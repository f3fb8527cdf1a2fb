"""A Redis cache that turns a Redis outage into cache misses instead of server errors.

Everything the plugin keeps in the cache (the site and outline caches, the course branding,
image renditions) can be rebuilt from the database, so while Redis is down pages keep serving,
only slower. Use it in place of Django's backend:

    CACHES = {"default": {"BACKEND": "course.resilient_cache.ResilientRedisCache", "LOCATION": ...}}

Reads answer the default, writes are dropped, `add` answers True and `incr` raises ValueError
(as for a missing key). After a failure Redis is left alone for a few seconds, so requests do not
each wait on a dead connection; failures are logged at most once a minute per process, under
`course.cache`. Limits that must fail *closed* while the cache is unreachable (log-in and
enrollment-code guessing) use `course.cache_limits.strict_cache()`, which raises
`CacheUnavailable` instead; other
limits (certificate look-ups, allauth's sign-up limits) fail open, since their counts are lost.
Sessions belong in the database (`cached_db`), which Django reads when the cache fails.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from django.utils.functional import cached_property
from redis.exceptions import RedisError

from course.cache_limits import CacheUnavailable, FailSoftCache

logger = logging.getLogger("course.cache")

# After a failure, Redis is left alone for this many seconds (per process): requests meanwhile
# answer from the database at once instead of each waiting on a connection that will fail.
PAUSE_AFTER_FAILURE = 5
LOG_EVERY = 60  # seconds between two warnings about the same outage, per process
FAILURES = (RedisError, OSError)


class ResilientRedisCache(FailSoftCache, RedisCache):
    _paused_until = 0.0
    _last_warning = 0.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._server, self._params = server, params

    @cached_property
    def strict(self):
        """The same Redis with Django's own behaviour, where errors raise."""
        return RedisCache(self._server, self._params)

    @classmethod
    def paused(cls):
        return time.monotonic() < cls._paused_until

    @classmethod
    def failed(cls, error):
        now = time.monotonic()
        cls._paused_until = now + PAUSE_AFTER_FAILURE
        if now - cls._last_warning >= LOG_EVERY:
            cls._last_warning = now
            logger.warning("Cache unreachable, serving without it: %s", type(error).__name__)

    @classmethod
    def recovered(cls):
        cls._paused_until = 0.0

    def strict_call(self, name, *args, **kwargs):
        # Always asked, even while pages leave Redis alone: a limit must not refuse for seconds
        # after Redis is back, and its answer ends the pause for everything else.
        try:
            result = getattr(self.strict, name)(*args, **kwargs)
        except FAILURES as error:
            self.failed(error)
            raise CacheUnavailable(type(error).__name__) from error
        self.recovered()
        return result

    def _soft(self, operation, fallback, *args):
        if self.paused():
            return _fallback(fallback)
        try:
            return operation(*args)
        except FAILURES as error:
            self.failed(error)
            return _fallback(fallback, error)

    def get(self, key, default=None, version=None):
        return self._soft(super().get, default, key, default, version)

    def get_many(self, keys, version=None):
        return self._soft(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._soft(super().has_key, False, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # True, as for a key that was not there: a lock taken with `add` (allauth's rate limits)
        # is then granted rather than waited for until it times out.
        return self._soft(super().add, True, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft(super().set, None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft(super().set_many, list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._soft(super().delete, False, key, version)

    def delete_many(self, keys, version=None):
        return self._soft(super().delete_many, None, keys, version)

    def incr(self, key, delta=1, version=None):
        return self._soft(super().incr, ValueError(f"Key '{key}' not found"), key, delta, version)

    def clear(self):
        return self._soft(super().clear, False)


def _fallback(fallback, error=None):
    if isinstance(fallback, Exception):
        raise fallback from error
    return fallback
