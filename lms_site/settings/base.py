"""Settings shared by every environment; values that differ per machine come from the environment."""

import os
from pathlib import Path

import dj_database_url
import django
from csp import constants as csp

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# The backend's keyword arguments and the settings Django 5.2 and 6.0 read them from.
LEGACY_EMAIL_SETTINGS = {
    "host": "EMAIL_HOST",
    "port": "EMAIL_PORT",
    "username": "EMAIL_HOST_USER",
    "password": "EMAIL_HOST_PASSWORD",
    "use_tls": "EMAIL_USE_TLS",
    "timeout": "EMAIL_TIMEOUT",
}


def mail_settings(backend, queued=False, **options):
    """Email settings for `backend` in the form this Django reads: MAILERS from Django 6.1, which
    deprecates EMAIL_BACKEND and EMAIL_HOST & co., those settings before it. Use with
    `globals().update(...)` in a settings module.

    With `queued`, every email is queued as a django-tasks task (course/mail.py) and `backend`
    only delivers it, from the task: the default backend is `course.mail.QueuedEmailBackend` and
    `backend` (with `options`) is the "delivery" mailer, or PINEWOOD_EMAIL_DELIVERY_BACKEND."""
    queue = "course.mail.QueuedEmailBackend"
    if django.VERSION >= (6, 1):
        if queued:
            return {
                "MAILERS": {
                    "default": {"BACKEND": queue},
                    "delivery": {"BACKEND": backend, "OPTIONS": options},
                }
            }
        return {"MAILERS": {"default": {"BACKEND": backend, "OPTIONS": options}}}
    legacy = {LEGACY_EMAIL_SETTINGS[name]: value for name, value in options.items()}
    if queued:
        return {"EMAIL_BACKEND": queue, "PINEWOOD_EMAIL_DELIVERY_BACKEND": backend, **legacy}
    return {"EMAIL_BACKEND": backend, **legacy}


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")

INSTALLED_APPS = [
    "lms_site",  # the demo host: its static files (site.css) and the `load_demo` command
    "course",
    "lessons",
    "wagtail.api.v2",
    "rest_framework",
    "allauth",
    "allauth.account",
    "wagtail.contrib.forms",
    "wagtail.contrib.frontend_cache",  # purges a CDN on publish; inactive until WAGTAILFRONTENDCACHE is set
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    # Translated content: Wagtail's locales, and wagtail-localize's translation workflow in the
    # admin ("Translate this page", sync with the source page); wagtail_localize.locales replaces
    # wagtail.locales (the Locales screen, with per-locale sync of the page tree).
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtailmedia",  # audio and video in lessons (course/media_files.py serves them)
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
    "django.contrib.sitemaps",
    "django_tasks",
    "django_tasks_db",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "course.middleware.RejectControlCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language is the URL's (/fr/… French, unprefixed English), never the browser's: see
    # course/middleware.py, and i18n_patterns in lms_site/urls.py.
    "course.middleware.PathLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "course.site_cache.CachedSiteMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lms_site.csp_middleware.SiteCSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "course.cache_headers.PrivateForAuthenticatedMiddleware",
]

ROOT_URLCONF = "lms_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]

WSGI_APPLICATION = "lms_site.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
        # A kept connection is checked before each request reuses it, so after a database restart
        # the site reconnects by itself instead of failing on the dead connection.
        conn_health_checks=True,
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
# The demo's languages: interface (LANGUAGES) and content (Wagtail locales) are the same pair.
# English pages are served unprefixed, French ones under /fr/ (lms_site/urls.py).
LANGUAGES = [("en-gb", "English"), ("fr", "Français")]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# The host's own templates (templates/) and messages, translated in lms_site/locale/; listed here so
# that makemessages run from the project root writes them there (README, "Languages"). First in
# the search order, as a host's wording should be.
LOCALE_PATHS = [PROJECT_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
# lms_site/static/ (the demo host's site.css) is found as an app's static folder, like the plugin's
# course/static/; listing it in STATICFILES_DIRS as well would offer every file twice.
STATICFILES_DIRS = []
STATIC_ROOT = BASE_DIR / "static_collected"
STATIC_URL = "/static/"

MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Wagtail
WAGTAIL_SITE_NAME = "Pinewood Academy"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# Admin avatars are Wagtail's own uploads or its default picture, never Gravatar: the admin's
# Content-Security-Policy allows images from this site only, and an email hash sent to a
# third party on every admin page is not something a school should have to explain.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Documents go through Wagtail's serve view so a per-document access hook can run.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]

# Content-Security-Policy (django-csp 4). The public site runs no inline script: a <script>
# element needs the request's nonce (`nonce="{{ CSP_NONCE }}"`) and styles come only from the
# site's stylesheets (no style="" attributes). Wagtail's admin still renders some inline
# <script> elements and style attributes, so URLs under the admin get their own, looser
# policy (lms_site/csp_middleware.py). Production adds the S3 media origin to img-src.
CSP_EMBED_ORIGINS = [  # lessons' VideoBlock: YouTube and Vimeo oEmbed iframes
    "https://www.youtube.com",
    "https://www.youtube-nocookie.com",
    "https://player.vimeo.com",
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF, csp.NONCE],
        "style-src": [csp.SELF],
        "img-src": [csp.SELF, "data:"],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "media-src": [csp.SELF],
        "frame-src": CSP_EMBED_ORIGINS,
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.SELF],  # Wagtail's preview frames the site's own pages
    },
}
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        # Wagtail 8 renders inline <script> elements (date pickers, inline panels, filters),
        # its JavaScript adds <style> elements and the pages carry style attributes, none with
        # a nonce; and a nonce in script-src would switch 'unsafe-inline' off.
        "script-src": [csp.SELF, csp.UNSAFE_INLINE],
        "style-src": [csp.SELF, csp.UNSAFE_INLINE],
        "img-src": [csp.SELF, "data:", "blob:", "www.gravatar.com"],  # upload previews, avatars
        "connect-src": [csp.SELF, "https://releases.wagtail.org"],  # the dashboard's upgrade notice
        "frame-src": [csp.SELF, *CSP_EMBED_ORIGINS],  # page preview, embed previews
    },
}


def csp_with_sources(policy, directive, sources):
    """A copy of a django-csp policy with `sources` added to one directive."""
    directives = dict(policy["DIRECTIVES"])
    directives[directive] = [*(directives.get(directive) or []), *sources]
    return {**policy, "DIRECTIVES": directives}


# Accounts (django-allauth): email + password; new accounts verify their email before logging in.
AUTHENTICATION_BACKENDS = [
    "lms_site.auth.OneQueryPermissionsBackend",  # Django's ModelBackend, permissions in one query
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
PINEWOOD_SIGNUP_URL = "account_signup"  # the plugin's "Sign up to enroll" links (allauth's sign-up page)
LOGIN_REDIRECT_URL = "/learn/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Sign-up also asks for the student's name, which certificates and emails print.
ACCOUNT_SIGNUP_FORM_CLASS = "lms_site.forms.SignupForm"
# Account emails carry the course brand and the Site's address, and name users as certificates do.
ACCOUNT_ADAPTER = "lms_site.accounts.AccountAdapter"
ACCOUNT_USER_DISPLAY = "lms_site.accounts.user_display"
# Sign-up must not reveal which emails have accounts. allauth hides it (same "verify your email"
# page; the holder gets an "account already exists" email) only when verification is mandatory:
# with "optional" a new account is logged in at once, so a taken email would show, and allauth
# says "A user is already registered with this email address" instead. "optional" (env) trades
# that privacy for instant log-in. Confirming the link in the same browser logs the student in.
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
# allauth's built-in rate limits (login failures, sign-ups, password resets) stay on.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Pinewood Academy <no-reply@localhost>")

# Background tasks (django-tasks). "immediate" runs tasks in-process (development, tests);
# "database" queues them in the database for `manage.py db_worker` (production).
TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS = {"default": {"BACKEND": TASK_BACKENDS[os.environ.get("TASKS_BACKEND", "immediate")]}}

# REST framework (Wagtail API v2): read-only, anonymous-safe.
REST_FRAMEWORK = {"DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"]}

# Cache: Django's Redis backend when REDIS_URL is set (shared by every worker, which
# allauth's rate limits need); otherwise a per-process memory cache. Access decisions
# are never cached (see course/access.py).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # The plugin's Redis backend turns a Redis outage into cache misses (course/resilient_cache.py):
    # pages keep serving from the database; log-in and enrollment codes refuse with a 503.
    # A Redis that hangs rather than refuses is given up after a second, not the kernel's minutes.
    REDIS_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
    CACHES = {
        "default": {
            "BACKEND": "course.resilient_cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": REDIS_OPTIONS,
        }
    }
    # Sessions are read from Redis (one query less on every logged-in request) and written through
    # to the database, which stays their home: a Redis outage or restart loses none, and Django
    # reads the database when the cache fails. Never with the per-process memory cache below: a
    # log-out would reach only the process that handled it.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Wagtail keeps image renditions in a cache of their own when there is one: pages offer each
# image at several widths and formats, which would otherwise push the site's entries out of a
# memory cache. They change only with the image, so they are kept for a day.
CACHES["renditions"] = {
    **CACHES["default"],
    "KEY_PREFIX": "renditions",
    "LOCATION": REDIS_URL or "renditions",
    "TIMEOUT": 24 * 3600,
    "OPTIONS": REDIS_OPTIONS if REDIS_URL else {"MAX_ENTRIES": 5000},
}

# Front-end cache: pages that are the same for every anonymous visitor carry `Cache-Control:
# public` (course/cache_headers.py). To let a CDN or Varnish keep them and have publishing
# purge them, set WAGTAILFRONTENDCACHE (README, "Caching"); unset, nothing is purged.
