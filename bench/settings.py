"""Settings for the benchmark: production settings over plain HTTP on loopback, plus two
reference endpoints (a trivial Django view and a plain Wagtail page) to compare against."""

import os

os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "k" * 50)
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("WAGTAILADMIN_BASE_URL", "https://bench.invalid")  # no email leaves the bench

from lms_site.settings.production import *  # noqa: E402, F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench.plain"]  # noqa: F405
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None
# No email leaves the bench, unless BENCH_SMTP=1 keeps production's queued SMTP delivery to
# EMAIL_HOST:EMAIL_PORT, a sink on loopback (bench/faults.py).
if os.environ.get("BENCH_SMTP") != "1":
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# A key prefix of its own on a shared cache (bench/two_nodes.py deletes its keys afterwards).
if os.environ.get("BENCH_CACHE_KEY_PREFIX"):
    CACHES["default"]["KEY_PREFIX"] = os.environ["BENCH_CACHE_KEY_PREFIX"]  # noqa: F405
