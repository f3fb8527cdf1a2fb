"""Test settings: fast hashing, in-memory email, media in a temporary folder."""

import tempfile

from .base import *  # noqa: F403
from .base import mail_settings

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105 - tests only
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
globals().update(mail_settings("django.core.mail.backends.locmem.EmailBackend"))
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="pinewood-test-media-"))  # noqa: F405
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WAGTAILADMIN_BASE_URL = "http://testserver"
STATIC_ROOT = None  # static files come from the finders; nothing is collected in tests
WHITENOISE_USE_FINDERS = True
