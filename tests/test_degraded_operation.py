"""What the site does while a service it uses is down: Redis, the database, file storage.

Redis is made unreachable by pointing the cache at a closed loopback port (the real backend and
the real redis client fail to connect); the database by making its connection refuse to open a
cursor; storage by making the storage backend raise as an unreachable S3 or NFS mount would.
"""

import logging
from unittest import mock

import pytest
from django.core.cache.backends.redis import RedisCache
from django.core.files.storage import FileSystemStorage
from django.db import OperationalError, connection
from django.test import Client, override_settings

from course.cache_limits import CacheUnavailable, strict_cache
from course.models import Enrollment
from course.resilient_cache import ResilientRedisCache
from tests.factories import client_for, enroll_as, make_user

# Nothing listens on port 1 of the loopback: connections are refused at once.
UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "course.resilient_cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2},
    },
    "renditions": {
        "BACKEND": "course.resilient_cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "KEY_PREFIX": "renditions",
        "OPTIONS": {"socket_connect_timeout": 0.2},
    },
}


@pytest.fixture(autouse=True)
def redis_fresh():
    """Every test starts with Redis not paused and no warning given yet."""
    ResilientRedisCache._paused_until = ResilientRedisCache._last_warning = 0.0
    yield
    ResilientRedisCache._paused_until = ResilientRedisCache._last_warning = 0.0


@pytest.fixture
def redis_down():
    with override_settings(CACHES=UNREACHABLE_REDIS):
        yield


def unreachable_cache():
    return ResilientRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2}})


# Redis down


def test_cache_operations_become_misses_and_one_warning(caplog):
    cache = unreachable_cache()
    with caplog.at_level(logging.WARNING, logger="course.cache"):
        assert cache.get("k", "fallback") == "fallback"
        assert cache.set("k", 1) is None
        assert cache.add("k", 1) is True
        assert cache.get_many(["a", "b"]) == {}
        assert cache.delete("k") is False
        with pytest.raises(ValueError):
            cache.incr("k")
    warnings = [record for record in caplog.records if record.name == "course.cache"]
    assert len(warnings) == 1 and "unreachable" in warnings[0].getMessage()


def test_strict_view_raises_for_limits_that_fail_closed(redis_down):
    with pytest.raises(CacheUnavailable):
        strict_cache().add("k", 1)
    with pytest.raises(CacheUnavailable):
        strict_cache().incr("k")


def test_a_limit_asks_redis_even_during_the_pause_and_its_answer_ends_it(redis_down, monkeypatch):
    """Log-in and codes work again as soon as Redis is back, not seconds later."""
    with pytest.raises(CacheUnavailable):
        strict_cache().get("k")
    assert ResilientRedisCache.paused()
    monkeypatch.setattr(RedisCache, "get", lambda *args, **kwargs: "back")  # Redis answers again
    assert strict_cache().get("k") == "back"
    assert not ResilientRedisCache.paused()


def test_failures_pause_redis_then_try_again(monkeypatch):
    cache = unreachable_cache()
    cache.get("k")
    assert ResilientRedisCache.paused()
    attempts = []
    monkeypatch.setattr(RedisCache, "get", lambda *args: attempts.append(args))
    cache.get("k")
    assert attempts == []  # paused: not even tried
    ResilientRedisCache._paused_until = 0.0
    cache.get("k")
    assert len(attempts) == 1


def test_pages_keep_serving_without_redis(redis_down, gated_course):
    student = make_user("reader")
    enroll_as(student, gated_course)
    preview, members, _ = gated_course.lessons
    assert Client().get(gated_course.url).status_code == 200
    assert Client().get(preview.url).status_code == 200
    reader = client_for(student)
    assert reader.get(members.url).status_code == 200
    assert reader.get("/learn/").status_code == 200


def test_enrollment_codes_fail_closed_without_redis(redis_down, gated_course):
    gated_course.enrollment_mode = "code"
    gated_course.enrollment_code = "PINE-2026"
    gated_course.save()
    user = make_user("guesser")
    response = client_for(user).post(f"{gated_course.url}enroll/", {"code": "PINE-2026"})
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "cannot be checked right now" in response.content.decode()
    assert not Enrollment.objects.filter(user=user).exists()


def test_log_in_fails_closed_without_redis(redis_down, db):
    make_user("someone")
    client = Client(raise_request_exception=False)
    response = client.post(
        "/accounts/login/", {"login": "someone@example.com", "password": "pw-123-long-enough"}
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "Logging in is paused" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_certificate_look_ups_fail_open_without_redis(redis_down, db):
    response = Client().get("/certificates/not-a-real-code/")
    assert response.status_code == 404


# Database down


@pytest.fixture
def database_down():
    def refuse(*args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    with mock.patch.object(connection, "cursor", side_effect=refuse):
        yield


def test_database_down_answers_a_branded_503_with_retry_after(gated_course, database_down):
    response = Client(raise_request_exception=False).get(gated_course.url)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert "We will be right back" in body and "Pinewood Academy" in body
    # Nothing of the failure reaches the visitor.
    assert "5432" not in body and "OperationalError" not in body and "Traceback" not in body


def test_database_back_serves_again(gated_course):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("down")):
        assert Client(raise_request_exception=False).get(gated_course.url).status_code == 503
    assert Client().get(gated_course.url).status_code == 200


def test_other_errors_still_get_the_500_page(gated_course):
    with mock.patch("course.views.course_context", side_effect=RuntimeError("bug")):
        response = Client(raise_request_exception=False).get(gated_course.url)
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert "Retry-After" not in response


# File storage unreachable


def storage_down(*args, **kwargs):
    raise ConnectionError("storage endpoint unreachable")


def test_document_download_with_storage_down_is_a_clear_503(gated_course, gated_document, caplog):
    student = make_user("reader")
    enroll_as(student, gated_course)
    _, members, _ = gated_course.lessons
    reader = client_for(student)
    url = gated_document.url
    assert reader.get(url).status_code == 200
    assert reader.get(members.url).status_code == 200  # its image renditions are made
    with (
        mock.patch.object(FileSystemStorage, "exists", side_effect=storage_down),
        caplog.at_level(logging.ERROR),
    ):
        response = reader.get(url)
        page = reader.get(members.url)
    assert response.status_code == 503
    assert "cannot be fetched from storage" in response.content.decode()
    assert any(record.name == "course.errors" for record in caplog.records)
    # Pages without a file download keep working.
    assert page.status_code == 200


def test_media_file_with_storage_down_is_a_clear_503(media_course):
    student = make_user("viewer")
    enroll_as(student, media_course)
    gated = media_course.media["gated"]
    viewer = client_for(student)
    url = f"/media-files/{gated.pk}/{gated.file.name.rsplit('/', 1)[-1]}"
    assert viewer.get(url).status_code == 200
    with mock.patch.object(FileSystemStorage, "open", side_effect=storage_down):
        response = viewer.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "120"
    assert "cannot be fetched from storage" in response.content.decode()


def test_refused_download_stays_refused_with_storage_down(gated_course, gated_document):
    """The access check comes first: an outsider learns nothing about the storage."""
    outsider = client_for(make_user("outsider"))
    assert outsider.get(gated_course.url).status_code == 200  # the handler and its middleware are loaded
    with mock.patch.object(FileSystemStorage, "exists", side_effect=storage_down):
        response = outsider.get(gated_document.url)
    assert response.status_code == 403
