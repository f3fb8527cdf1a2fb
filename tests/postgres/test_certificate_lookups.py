"""The certificate look-up limit holds when 20 look-ups from one address arrive at once, counted in
the shared Redis cache every web node uses (as the enrollment-code limit, test_code_attempts.py)."""

import os

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from course.models import Certificate, Enrollment
from tests.factories import enroll_as, make_catalogue, make_course, make_user
from tests.postgres.threads import run_at_once

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
SHARED_CACHE = {"default": {"BACKEND": "course.resilient_cache.ResilientRedisCache", "LOCATION": REDIS_URL}}
REQUESTS = 20
LIMIT = 7


@pytest.fixture
def shared_cache():
    with override_settings(CACHES=SHARED_CACHE, PINEWOOD_CERTIFICATE_LOOKUPS=LIMIT):
        cache.clear()
        yield
        cache.clear()


def test_twenty_lookups_at_once_from_one_address_answer_exactly_the_limit(shared_cache):
    course, _ = make_course(make_catalogue(), "Verified", slug="verified", modules=1, lessons=1)
    enrollment = enroll_as(make_user("holder"), course, status=Enrollment.Status.COMPLETED)
    certificate = Certificate.objects.create(enrollment=enrollment, recipient_name="Holder Person")
    url = certificate.get_absolute_url()
    clients = [Client(REMOTE_ADDR="192.0.2.44") for _ in range(REQUESTS)]
    responses = run_at_once([lambda client=client: client.get(url) for client in clients])
    assert sorted(response.status_code for response in responses) == [200] * LIMIT + [429] * (
        REQUESTS - LIMIT
    )
    # Another address is counted on its own.
    assert Client(REMOTE_ADDR="192.0.2.45").get(url).status_code == 200
