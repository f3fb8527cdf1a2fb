"""A front-end cache backend for tests: it records the URLs it is asked to purge (the `purged`
fixture in tests/conftest.py installs it)."""

from wagtail.contrib.frontend_cache.backends import BaseBackend

PURGED = []


class RecordingBackend(BaseBackend):
    """A front-end cache that records the URLs it is asked to purge."""

    def purge(self, url):
        PURGED.append(url)
