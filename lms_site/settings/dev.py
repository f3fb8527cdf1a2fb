"""Local development: DEBUG on, a fixed throw-away key, console email."""

from .base import *  # noqa: F403
from .base import env_bool, mail_settings

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me")  # noqa: F405
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")  # noqa: F405
globals().update(mail_settings("django.core.mail.backends.console.EmailBackend"))
STATIC_ROOT = None  # runserver serves static files from the finders
WHITENOISE_USE_FINDERS = True
