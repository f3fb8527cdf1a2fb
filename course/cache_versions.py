"""Version counters for cached entries (the course outlines, the sites).

A cached entry is stored under a key naming a version; a change moves the version on, so an
entry written by a request that read the database before the change lands under a key nobody
reads again. The version moves again once the change commits, for requests that read the
database between the change and its commit.
"""

from django.core.cache import cache
from django.db import transaction


def _move_on(key):
    if not cache.add(key, 1, timeout=None):
        try:
            cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.set(key, 1, timeout=None)


def move_on(keys):
    """Move the version counters `keys` on, now and once the current transaction commits."""
    keys = list(keys)

    def move_all():
        for key in keys:
            _move_on(key)

    move_all()
    transaction.on_commit(move_all)
