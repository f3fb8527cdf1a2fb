"""The cache as limits see it: an answer, or `CacheUnavailable` when the cache cannot be reached.

Limits that must fail *closed* while the cache is down (log-in, enrollment-code guessing) count
through `strict_cache()`. A cache that hides its outages from everything else
(`course.resilient_cache.ResilientRedisCache`) implements `FailSoftCache.strict_call`, so the
limit still learns the truth; any other backend's errors are raised as `CacheUnavailable`. This
module needs no Redis client: a host without Redis imports it too.
"""

from django.core.cache import DEFAULT_CACHE_ALIAS, caches


class CacheUnavailable(Exception):
    """The cache could not be reached, for a caller that must not guess."""


class FailSoftCache:
    """A cache backend that answers misses instead of raising when its server is down, and
    offers limits the truth through `strict_call`."""

    def strict_call(self, name, *args, **kwargs):
        """Run cache operation `name`; raise CacheUnavailable if the server cannot be reached."""
        raise NotImplementedError


class StrictCache:
    """A limit's view of the cache: any failure to reach it raises CacheUnavailable."""

    def __init__(self, cache):
        self.cache = cache

    def _call(self, name, *args, **kwargs):
        if isinstance(self.cache, FailSoftCache):
            return self.cache.strict_call(name, *args, **kwargs)
        try:
            return getattr(self.cache, name)(*args, **kwargs)
        except ValueError:
            raise  # incr of a missing key: the caller's business
        except Exception as error:
            raise CacheUnavailable(type(error).__name__) from error

    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)


def strict_cache(alias=DEFAULT_CACHE_ALIAS):
    """The cache `alias`, raising CacheUnavailable when it cannot be reached."""
    return StrictCache(caches[alias])
