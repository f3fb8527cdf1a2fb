"""Enrollment-code limits hold when 20 guesses arrive at once, on the shared Redis cache.

The limiter counts in the cache every web node shares (Redis in production), so
these tests use a real Redis database rather than the per-process memory cache.
"""

import os

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from course.models import Enrollment
from tests.factories import make_catalogue, make_course, make_user
from tests.postgres.threads import run_at_once

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
SHARED_CACHE = {"default": {"BACKEND": "course.resilient_cache.ResilientRedisCache", "LOCATION": REDIS_URL}}
CODE = "PINE-7Q4K-2026"
REQUESTS = 20


@pytest.fixture
def shared_cache():
    with override_settings(CACHES=SHARED_CACHE):
        cache.clear()
        yield
        cache.clear()


def coded_course():
    fields = {"enrollment_mode": "code", "enrollment_code": CODE}
    course, _ = make_course(make_catalogue(), "Coded", slug="coded", modules=1, lessons=1, **fields)
    return course


def logged_in(user, ip):
    client = Client(REMOTE_ADDR=ip)
    client.force_login(user)
    return client


def statuses(responses):
    return sorted(response.status_code for response in responses)


def test_twenty_wrong_codes_at_once_from_one_student_check_exactly_five(shared_cache):
    course = coded_course()
    student = make_user("guesser")
    clients = [logged_in(student, "192.0.2.10") for _ in range(REQUESTS)]
    responses = run_at_once(
        [
            lambda client=client, n=n: client.post(course.url + "enroll/", {"code": f"WRONG-{n:04d}"})
            for n, client in enumerate(clients)
        ]
    )
    assert statuses(responses) == [400] * 5 + [429] * 15
    assert not Enrollment.objects.filter(user=student).exists()


@override_settings(PINEWOOD_ENROLLMENT_CODE_IP_ATTEMPTS=8)
def test_twenty_students_guessing_at_once_from_one_address_check_exactly_the_ip_limit(shared_cache):
    course = coded_course()
    clients = [logged_in(make_user(f"guesser{n}"), "198.51.100.7") for n in range(REQUESTS)]
    url, data = course.url + "enroll/", {"code": "WRONG-CODE"}
    responses = run_at_once([lambda client=client: client.post(url, data) for client in clients])
    assert statuses(responses) == [400] * 8 + [429] * 12
    assert not Enrollment.objects.filter(course=course).exists()
