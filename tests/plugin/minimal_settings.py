"""The smallest Wagtail host of the plugin: what the README asks of a host, and nothing of the demo.

No django-allauth, django-csp, whitenoise, django-tasks-db or `lms_site`; no project-wide
templates/ folder (only tests/plugin/templates/base.html, a bare `{% block content %}`);
Django's own login (`django.contrib.auth.urls`); SQLite; django-tasks' default backend.
`make test` runs tests/plugin with these settings (`--ds=tests.plugin.minimal_settings`).
"""

import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

SECRET_KEY = "minimal-host-test-only-key"  # noqa: S105 - tests only
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

INSTALLED_APPS = [
    # The host's Wagtail (what `wagtail start` installs, less its own apps, forms and redirects).
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Pinewood (README, "Add Pinewood to your Wagtail site").
    "course",
    "lessons",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.api.v2",
    "rest_framework",
    "django_tasks",
    "wagtailmedia",
    # The host's sitemap.
    "wagtail.contrib.sitemaps",
    "django.contrib.sitemaps",
    # Optional, as in the README: purges a front-end cache (none configured here, so a no-op).
    "wagtail.contrib.frontend_cache",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "course.middleware.RejectControlCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "course.cache_headers.PrivateForAuthenticatedMiddleware",
]

ROOT_URLCONF = "tests.plugin.minimal_urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": Path(tempfile.gettempdir()) / "pinewood-minimal-host.sqlite3",
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="pinewood-minimal-media-"))
MEDIA_URL = "/media/"

WAGTAIL_SITE_NAME = "Minimal host"
WAGTAILADMIN_BASE_URL = "http://testserver"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# What the plugin asks of a host.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
LOGIN_URL = "/accounts/login/"
