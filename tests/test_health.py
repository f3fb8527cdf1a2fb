"""The health endpoints (course/health.py) and the gunicorn configuration (gunicorn.conf.py).

`/healthz` answers while the process runs, whatever the database, cache or storage do;
`/readyz` answers 503 with the same generic body whichever of them fails, and logs the cause.
The database is made to fail by making its connection refuse to open a cursor, the cache by
pointing Django's Redis backend at a closed loopback port (the real redis client fails to
connect) or by making the memory cache raise, the storage by making it raise as an unreachable
mount would.
"""

import contextlib
import json
import logging
import runpy
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django.core.files.storage import FileSystemStorage
from django.db import OperationalError, connection
from django.test import Client, override_settings
from django.urls import reverse
from gunicorn.app.base import Application
from redis.exceptions import ConnectionError as RedisConnectionError

from course import health

GUNICORN_CONF = Path(__file__).resolve().parents[1] / "gunicorn.conf.py"
PROBES = ["/healthz", "/readyz"]
OK_BODY = b'{"status": "ok"}'
UNAVAILABLE_BODY = b'{"status": "unavailable"}'
# What a real failure says; none of it may reach the client.
SECRET_DETAIL = 'connection to server at "db.internal.example" (10.0.0.7), port 5432 failed'
# Django's own Redis backend, where nothing listens: every operation raises redis' ConnectionError.
REDIS_DOWN = {
    "BACKEND": "django.core.cache.backends.redis.RedisCache",
    "LOCATION": "redis://127.0.0.1:1/0",
    "OPTIONS": {"socket_connect_timeout": 0.2},
}
WITHOUT_SITE_CACHE = [
    name for name in settings.MIDDLEWARE if name != "course.site_cache.CachedSiteMiddleware"
]


def refuse(*args, **kwargs):
    raise OperationalError(SECRET_DETAIL)


def storage_down(*args, **kwargs):
    raise OSError(107, "Transport endpoint is not connected")


def warm(client):
    """One request first, as on a running server: the site middleware (course/site_cache.py) has
    the request's site in the cache from then on."""
    client.get("/healthz")
    return client


def assert_status(response, code, body):
    assert response.status_code == code
    assert response.content == body
    assert response["Content-Type"] == "application/json"
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives  # no browser keeps it, no shared cache either
    assert "Expires" not in response
    assert not response.cookies


# Both healthy


@pytest.mark.parametrize("url", PROBES)
def test_answers_ok_uncached_and_without_cookies(db, url):
    response = Client().get(url)
    assert_status(response, 200, OK_BODY)
    assert json.loads(response.content) == {"status": "ok"}


@pytest.mark.parametrize("url", PROBES)
def test_head_answers_ok_without_a_body(db, url):
    response = Client().head(url)
    assert response.status_code == 200
    assert response.content == b""


@pytest.mark.parametrize("url", PROBES)
@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_other_methods_are_not_allowed_even_without_a_csrf_token(db, url, method):
    response = getattr(Client(enforce_csrf_checks=True), method)(url)
    assert response.status_code == 405  # not 403: no CSRF token is asked for
    assert response["Allow"] == "GET, HEAD"
    assert not response.cookies


@pytest.mark.parametrize("url", PROBES)
def test_the_exact_paths_are_not_redirected(db, url):
    assert settings.APPEND_SLASH
    response = Client().get(url)
    assert response.status_code == 200 and "Location" not in response


def test_urls_are_named_and_match_the_probe_paths():
    assert {reverse("course:healthz"), reverse("course:readyz")} == health.PATHS == set(PROBES)


def test_healthz_reads_no_database(db, django_assert_num_queries):
    client = warm(Client())
    with django_assert_num_queries(0):
        assert_status(client.get("/healthz"), 200, OK_BODY)


def test_readyz_runs_one_query_and_leaves_no_key_in_the_cache(db, django_assert_num_queries):
    client = warm(Client())
    with (
        django_assert_num_queries(1),
        mock.patch.object(LocMemCache, "delete", autospec=True, side_effect=LocMemCache.delete) as delete,
        mock.patch.object(LocMemCache, "set", autospec=True, side_effect=LocMemCache.set) as cache_set,
    ):
        assert_status(client.get("/readyz"), 200, OK_BODY)
    (_, key, value), _ = cache_set.call_args
    assert key.startswith("pinewood:readyz:") and value == key
    assert delete.call_args.args[1] == key


def test_each_readiness_probe_uses_its_own_cache_key(db):
    client = warm(Client())
    with mock.patch.object(LocMemCache, "set", autospec=True, side_effect=LocMemCache.set) as cache_set:
        client.get("/readyz")
        client.get("/readyz")
    keys = [call.args[1] for call in cache_set.call_args_list]
    assert len(keys) == 2 and keys[0] != keys[1]


# Database down


def test_readyz_is_unavailable_while_the_database_fails_and_logs_why(db, caplog):
    client = warm(Client())
    with (
        mock.patch.object(connection, "cursor", side_effect=refuse),
        caplog.at_level(logging.ERROR, logger="course.health"),
    ):
        response = client.get("/readyz")
    assert_status(response, 503, UNAVAILABLE_BODY)
    assert b"5432" not in response.content and b"db.internal" not in response.content
    [record] = [r for r in caplog.records if r.name == "course.health"]
    assert "database" in record.getMessage()
    assert record.exc_info[0] is OperationalError


def test_healthz_stays_ok_while_the_database_fails(db):
    client = warm(Client())
    with mock.patch.object(connection, "cursor", side_effect=refuse):
        assert_status(client.get("/healthz"), 200, OK_BODY)


def test_readyz_is_ok_again_once_the_database_is_back(db):
    client = warm(Client())
    with mock.patch.object(connection, "cursor", side_effect=refuse):
        assert client.get("/readyz").status_code == 503
    assert_status(client.get("/readyz"), 200, OK_BODY)


# Cache down


def test_readyz_is_unavailable_when_cache_writes_fail(db, caplog):
    client = warm(Client())
    with (
        mock.patch.object(
            LocMemCache, "set", side_effect=RedisConnectionError("Error 111 connecting to redis:6379")
        ),
        caplog.at_level(logging.ERROR, logger="course.health"),
    ):
        response = client.get("/readyz")
        healthz = client.get("/healthz")
    assert_status(response, 503, UNAVAILABLE_BODY)
    assert b"redis" not in response.content
    [record] = [r for r in caplog.records if r.name == "course.health"]
    assert "cache" in record.getMessage() and record.exc_info[0] is RedisConnectionError
    assert_status(healthz, 200, OK_BODY)


def test_readyz_is_unavailable_when_the_cache_keeps_nothing(db):
    """A cache that drops writes without an error (a full or failing cache that only logs) fails
    the round trip."""
    client = warm(Client())
    with mock.patch.object(LocMemCache, "set", return_value=None):
        assert_status(client.get("/readyz"), 503, UNAVAILABLE_BODY)


@override_settings(MIDDLEWARE=WITHOUT_SITE_CACHE)  # as in a host without the site cache
def test_readyz_is_unavailable_while_redis_is_unreachable(db, caplog):
    with (
        override_settings(CACHES={**settings.CACHES, "default": REDIS_DOWN}),
        caplog.at_level(logging.ERROR, logger="course.health"),
    ):
        response = Client().get("/readyz")
        healthz = Client().get("/healthz")
    assert_status(response, 503, UNAVAILABLE_BODY)
    [record] = [r for r in caplog.records if r.name == "course.health"]
    assert issubclass(record.exc_info[0], RedisConnectionError)
    assert_status(healthz, 200, OK_BODY)


@override_settings(
    CACHES={**settings.CACHES, "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
)
def test_a_cache_that_keeps_nothing_by_design_is_not_checked(db):
    assert_status(Client().get("/readyz"), 200, OK_BODY)


# Storage down


def test_storage_is_not_checked_unless_asked(db):
    client = warm(Client())
    with mock.patch.object(FileSystemStorage, "exists", side_effect=storage_down) as exists:
        assert_status(client.get("/readyz"), 200, OK_BODY)
    exists.assert_not_called()


@override_settings(PINEWOOD_READYZ_CHECK_STORAGE=True)
def test_storage_is_checked_when_asked(db):
    client = warm(Client())
    with mock.patch.object(FileSystemStorage, "exists", autospec=True, return_value=False) as exists:
        assert_status(client.get("/readyz"), 200, OK_BODY)
    exists.assert_called_once()


@override_settings(PINEWOOD_READYZ_CHECK_STORAGE=True)
def test_readyz_is_unavailable_while_the_storage_fails(db, caplog):
    client = warm(Client())
    with (
        mock.patch.object(FileSystemStorage, "exists", side_effect=storage_down),
        caplog.at_level(logging.ERROR, logger="course.health"),
    ):
        response = client.get("/readyz")
    assert_status(response, 503, UNAVAILABLE_BODY)
    assert b"Transport" not in response.content
    [record] = [r for r in caplog.records if r.name == "course.health"]
    assert "storage" in record.getMessage() and record.exc_info[0] is OSError


@override_settings(PINEWOOD_READYZ_CHECK_STORAGE=True)
def test_every_failing_check_is_logged(db, caplog):
    client = warm(Client())
    with (
        mock.patch.object(connection, "cursor", side_effect=refuse),
        mock.patch.object(LocMemCache, "set", side_effect=RedisConnectionError("down")),
        mock.patch.object(FileSystemStorage, "exists", side_effect=storage_down),
        caplog.at_level(logging.ERROR, logger="course.health"),
    ):
        assert_status(client.get("/readyz"), 503, UNAVAILABLE_BODY)
    logged = [r.getMessage() for r in caplog.records if r.name == "course.health"]
    assert [m.rsplit(" ", 1)[-1] for m in logged] == ["database", "cache", "storage"]


# Before the site cache holds the request's site: course.site_cache.CachedSiteMiddleware would look
# the site up (the cache, then the database on a miss) before any view runs; it leaves probes alone.


@pytest.mark.parametrize("outage", ["none", "database", "redis"])
def test_healthz_does_no_site_lookup_before_the_site_is_cached(db, outage, django_assert_num_queries):
    client = Client(raise_request_exception=False)
    with contextlib.ExitStack() as stack:
        if outage == "database":
            stack.enter_context(mock.patch.object(connection, "cursor", side_effect=refuse))
        if outage == "redis":
            stack.enter_context(override_settings(CACHES={**settings.CACHES, "default": REDIS_DOWN}))
        stack.enter_context(django_assert_num_queries(0))
        assert_status(client.get("/healthz"), 200, OK_BODY)


# gunicorn.conf.py


def load_gunicorn_config():
    """gunicorn's own configuration after reading gunicorn.conf.py, as `gunicorn -c` does."""

    class ConfigFileOnly(Application):
        def init(self, parser, opts, args):
            return None

        def load(self):
            raise AssertionError("the application is not loaded here")

        def load_config(self):
            self.load_config_from_file(str(GUNICORN_CONF))

    try:
        return ConfigFileOnly().cfg
    finally:
        sys.modules.pop("__config__", None)  # where gunicorn executes the file


GUNICORN_ENV = [
    "GUNICORN_BIND",
    "PORT",
    "WEB_CONCURRENCY",
    "GUNICORN_THREADS",
    "GUNICORN_KEEPALIVE",
    "GUNICORN_TIMEOUT",
    "GUNICORN_GRACEFUL_TIMEOUT",
    "GUNICORN_MAX_REQUESTS",
    "GUNICORN_MAX_REQUESTS_JITTER",
    "GUNICORN_ACCESS_LOG",
    "GUNICORN_CONTROL_SOCKET",
]


@pytest.fixture
def gunicorn_env(monkeypatch):
    pytest.importorskip("gunicorn")
    for name in GUNICORN_ENV:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_gunicorn_config_keeps_connections_alive_longer_than_the_proxy(gunicorn_env):
    from gunicorn.workers.gthread import ThreadWorker  # noqa: PLC0415 - only these tests need gunicorn

    cfg = load_gunicorn_config()
    # The sync worker closes every connection whatever `keepalive` says.
    assert cfg.worker_class_str == "gthread" and cfg.worker_class is ThreadWorker
    assert cfg.threads >= 2
    assert cfg.keepalive > 60  # AWS ALB's and nginx's upstream idle timeouts
    assert cfg.workers >= 2
    assert cfg.bind == ["127.0.0.1:8000"]


def test_gunicorn_config_timeouts_recycling_and_logs(gunicorn_env):
    cfg = load_gunicorn_config()
    assert cfg.timeout > 0
    assert 0 < cfg.graceful_timeout < 30  # before the platform's SIGKILL
    assert cfg.max_requests > 0 and 0 < cfg.max_requests_jitter < cfg.max_requests
    assert cfg.accesslog == "-"
    fmt = cfg.access_log_format
    assert "%(s)s" in fmt and "%(M)s" in fmt and "%(U)s" in fmt
    assert "%(r)s" not in fmt and "%(q)s" not in fmt  # no query strings in the log
    assert cfg.control_socket_disable


def test_gunicorn_config_reads_the_deployers_settings(gunicorn_env):
    for name, value in {
        "PORT": "9000",
        "WEB_CONCURRENCY": "3",
        "GUNICORN_THREADS": "8",
        "GUNICORN_KEEPALIVE": "620",
        "GUNICORN_MAX_REQUESTS": "0",
    }.items():
        gunicorn_env.setenv(name, value)
    cfg = load_gunicorn_config()
    assert cfg.bind == ["0.0.0.0:9000"]
    assert (cfg.workers, cfg.threads, cfg.keepalive, cfg.max_requests) == (3, 8, 620, 0)

    gunicorn_env.setenv("GUNICORN_BIND", "127.0.0.1:9001, [::1]:9001")
    assert load_gunicorn_config().bind == ["127.0.0.1:9001", "[::1]:9001"]


def test_every_name_in_gunicorn_config_is_a_gunicorn_setting(gunicorn_env):
    """gunicorn ignores names it does not know: a misspelt setting would be lost silently."""
    cfg = load_gunicorn_config()
    names = {name for name in runpy.run_path(str(GUNICORN_CONF)) if not name.startswith("_")}
    assert names - {"os"} <= set(cfg.settings)
