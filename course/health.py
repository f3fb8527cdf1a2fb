"""Health endpoints for load balancers and orchestrators, mounted by course/urls.py.

- `/healthz` (liveness): the process answers. It touches no database, cache or storage, so a
  database or Redis outage never makes an orchestrator restart healthy web processes.
- `/readyz` (readiness): this process can serve pages. It runs a trivial query on the default
  database, a set/get/delete round trip of a key of its own on the default cache and, with
  `PINEWOOD_READYZ_CHECK_STORAGE = True` (course/conf.py), an `exists()` on the default file
  storage. Every check runs, and each failure is logged here (logger `course.health`), with its
  exception, for the operator.

Both answer `{"status": "ok"}` (200) or `{"status": "unavailable"}` (503) and nothing else: no
exception text, host name or version reaches the client. They are never cached (`private,
no-store`, like every per-visitor response: course/cache_headers.py), set no cookie, accept
GET and HEAD only (405 otherwise) and need no CSRF token.
"""

import logging
import uuid

from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from course import conf
from course.cache_headers import private_response

logger = logging.getLogger("course.health")

OK = {"status": "ok"}
UNAVAILABLE = {"status": "unavailable"}
# A name no upload gets: the storage is only asked whether it exists.
STORAGE_PROBE_NAME = "pinewood-readyz-probe"
# The probes' paths, with the plugin's URLs at the site's root as the README asks.
PATHS = frozenset({"/healthz", "/readyz"})


def is_probe(request):
    """Whether `request` is for a probe, for a middleware that runs before URL resolution and
    must leave probes alone (no cache or database work before the view answers)."""
    return request.path_info in PATHS


def status_response(healthy):
    response = JsonResponse(OK if healthy else UNAVAILABLE, status=200 if healthy else 503)
    return private_response(response)


def check_database():
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        # "SELECT 1", with " FROM DUAL" on the databases that need a table.
        cursor.execute(f"SELECT 1{connection.features.bare_select_suffix}")
        cursor.fetchone()


def check_cache():
    cache = caches["default"]
    if isinstance(cache, DummyCache):
        return  # a cache that keeps nothing: no round trip can succeed, and none is needed
    key = f"pinewood:readyz:{uuid.uuid4().hex}"  # unique: concurrent probes never share a key
    cache.set(key, key, timeout=30)
    try:
        if cache.get(key) != key:
            raise RuntimeError("the cache did not return the value just set")
    finally:
        cache.delete(key)


def check_storage():
    default_storage.exists(STORAGE_PROBE_NAME)


def readiness_checks():
    """(name, check) pairs `/readyz` runs, in order."""
    checks = [("database", check_database), ("cache", check_cache)]
    if conf.readyz_check_storage():
        checks.append(("storage", check_storage))
    return checks


def ready():
    """Whether every readiness check passes; each failure is logged with its exception."""
    healthy = True
    for name, check in readiness_checks():
        try:
            check()
        except Exception:
            logger.exception("Readiness check failed: %s", name)
            healthy = False
    return healthy


@csrf_exempt
@require_safe
def healthz(request):
    """Liveness: the process answers (see the module docstring)."""
    return status_response(True)


@csrf_exempt
@require_safe
def readyz(request):
    """Readiness: the database, the cache and, if configured, the storage answer."""
    return status_response(ready())
