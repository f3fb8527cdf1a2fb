"""Production settings pass Django's deployment checks and pick services from the environment."""

import json

import pytest

from tests.processes import run_with_production_settings


def test_check_deploy_reports_no_warnings():
    result = run_with_production_settings("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_with_production_settings("check", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    "base_url", ["", "http://courses.example.com", "https://127.0.0.1:8000", "https://localhost"]
)
def test_production_refuses_to_start_without_a_public_https_base_url(base_url):
    result = run_with_production_settings("check", WAGTAILADMIN_BASE_URL=base_url)
    assert result.returncode != 0
    assert "WAGTAILADMIN_BASE_URL must be the site's public https address" in result.stderr


SHOW = (
    "from django.conf import settings; import json; "
    "print(json.dumps({'cache': settings.CACHES['default']['BACKEND'], "
    "'media': settings.STORAGES['default']['BACKEND'], "
    "'static': settings.STORAGES['staticfiles']['BACKEND'], "
    "'sessions': settings.SESSION_ENGINE, "
    "'whitenoise': 'whitenoise.middleware.WhiteNoiseMiddleware' in settings.MIDDLEWARE}))"
)


def shown_settings(**env):
    # `shell` may print a line about auto-imports first; the JSON is the last line.
    return json.loads(
        run_with_production_settings("shell", "-c", SHOW, **env).stdout.strip().splitlines()[-1]
    )


def test_services_default_to_local_and_follow_the_environment():
    local = shown_settings()
    assert local == {
        "cache": "django.core.cache.backends.locmem.LocMemCache",
        "media": "django.core.files.storage.FileSystemStorage",
        "static": "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "sessions": "django.contrib.sessions.backends.db",
        "whitenoise": True,
    }
    configured = shown_settings(
        REDIS_URL="redis://127.0.0.1:6379/1", AWS_STORAGE_BUCKET_NAME="pinewood-media"
    )
    assert configured["cache"] == "course.resilient_cache.ResilientRedisCache"
    # Sessions read from Redis and written through to the database, which stays their home.
    assert configured["sessions"] == "django.contrib.sessions.backends.cached_db"
    assert configured["media"] == "storages.backends.s3.S3Storage"
