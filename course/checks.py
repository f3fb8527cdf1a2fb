"""System checks (`manage.py check`): a host's settings must not open a gated channel.

Each check is an error, so a host that forgets a step is told at start-up rather than
finding out from a leak: documents served around the access hook, apps the plugin's
pages and URLs need, the plugin's middleware and its place in `MIDDLEWARE`, and the
host template plugin pages extend. The README (its section on adding the plugin to a Wagtail site)
lists the settings these checks expect. One warning (`pinewood.W001`): a site served over https
whose Wagtail Site records still name a development address, which the sitemap, feeds,
canonical URLs and emails would then print.
"""

from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Warning, register
from django.db import DatabaseError
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.module_loading import import_string
from wagtail.documents import get_document_model
from wagtail.models import Site

from course import conf

TAG = "pinewood"

# Apps the plugin needs beyond the ones every Wagtail site has, and why.
REQUIRED_APPS = {
    "wagtail.contrib.routable_page": "course and lesson actions are routes of their pages",
    "wagtail.contrib.settings": "the course branding is a Wagtail site setting",
    "wagtail.api.v2": "course.urls mounts the gated pages API at api/v2/",
    "rest_framework": "the pages API renders through Django REST framework",
    "django_tasks": "enrollment and completion emails are django-tasks tasks",
    "wagtailmedia": "lessons play audio and video from wagtailmedia, served through the access policy",
}

CONTROL_CHARACTERS = "course.middleware.RejectControlCharactersMiddleware"
PRIVATE_FOR_AUTHENTICATED = "course.cache_headers.PrivateForAuthenticatedMiddleware"
# The control-character check must run before anything that may look up the session or user.
BEFORE_CONTROL_CHARACTERS = (
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
)
# A middleware that stores responses in a cache must see `Cache-Control: private` already set.
STORING_CACHES = (
    "django.middleware.cache.UpdateCacheMiddleware",
    "django.middleware.cache.CacheMiddleware",
)
BYPASSING_SERVE_METHODS = ("direct", "redirect")
DEVELOPMENT_HOSTNAMES = ("localhost", "127.0.0.1", "::1")


def register_checks():
    """Called from `CourseConfig.ready`."""
    for check in (
        check_document_serving,
        check_required_apps,
        check_middleware,
        check_base_template,
        check_media_serving,
        check_site_addresses,
    ):
        register(check, TAG)


def check_document_serving(app_configs=None, **kwargs):
    """Documents must be served by Wagtail's serve view, where the access hook runs."""
    method = getattr(settings, "WAGTAILDOCS_SERVE_METHOD", None)
    hint = (
        'Set WAGTAILDOCS_SERVE_METHOD = "serve_view": every download then goes through Wagtail\'s '
        "serve view, where the course plugin checks access to documents used in gated lessons."
    )
    if method in BYPASSING_SERVE_METHODS:
        return [
            Error(
                f'WAGTAILDOCS_SERVE_METHOD = "{method}" lets document files bypass the access check: '
                "the file is fetched from the storage's own URL, which anyone who has it can open.",
                hint=hint,
                id="pinewood.E001",
            )
        ]
    if method is None and not _documents_have_local_path():
        return [
            Error(
                "WAGTAILDOCS_SERVE_METHOD is not set and documents are kept in a storage without local "
                'files, so Wagtail redirects downloads to the storage\'s URL ("redirect"), around the '
                "access check.",
                hint=hint,
                id="pinewood.E002",
            )
        ]
    return []


def _documents_have_local_path():
    """Whether the document storage has local paths (Wagtail then defaults to "serve_view")."""
    storage = get_document_model()._meta.get_field("file").storage
    try:
        storage.path("documents/pinewood-check")
    except NotImplementedError:
        return False
    return True


def check_required_apps(app_configs=None, **kwargs):
    return [
        Error(
            f'"{name}" is not in INSTALLED_APPS; the course plugin (pinewood-lms) needs it: {reason}.',
            hint=f'Add "{name}" to INSTALLED_APPS (see the README: adding the plugin to a Wagtail site).',
            id="pinewood.E003",
        )
        for name, reason in REQUIRED_APPS.items()
        if not apps.is_installed(name)
    ]


def _positions(middleware, wanted):
    """Indexes in `middleware` of entries that are (subclasses of) any class path in `wanted`."""
    targets = []
    for path in wanted:
        try:
            targets.append(import_string(path))
        except ImportError:
            continue
    found = []
    for index, path in enumerate(middleware):
        try:
            cls = import_string(path)
        except ImportError:
            continue  # Django reports middleware it cannot import on its own
        if isinstance(cls, type) and any(issubclass(cls, target) for target in targets):
            found.append((index, path))
    return found


def check_middleware(app_configs=None, **kwargs):
    middleware = list(getattr(settings, "MIDDLEWARE", None) or [])
    errors = []

    control = _positions(middleware, [CONTROL_CHARACTERS])
    if not control:
        errors.append(
            Error(
                f'"{CONTROL_CHARACTERS}" is not in MIDDLEWARE: a NUL or other control character in a '
                "path, query, cookie or form field would reach views, session and database look-ups.",
                hint=f'Add "{CONTROL_CHARACTERS}" to MIDDLEWARE just before SessionMiddleware.',
                id="pinewood.E004",
            )
        )
    else:
        first = control[0][0]
        for index, path in _positions(middleware, BEFORE_CONTROL_CHARACTERS):
            if index < first:
                errors.append(
                    Error(
                        f'"{CONTROL_CHARACTERS}" comes after "{path}" in MIDDLEWARE: control characters '
                        "would reach session and user look-ups before they are refused.",
                        hint=f'Move "{CONTROL_CHARACTERS}" before "{path}".',
                        id="pinewood.E005",
                    )
                )

    private = _positions(middleware, [PRIVATE_FOR_AUTHENTICATED])
    if not private:
        errors.append(
            Error(
                f'"{PRIVATE_FOR_AUTHENTICATED}" is not in MIDDLEWARE: pages a logged-in student sees '
                "(names, enrollments, gated content) could be kept by shared caches.",
                hint=f'Add "{PRIVATE_FOR_AUTHENTICATED}" as the last entry of MIDDLEWARE.',
                id="pinewood.E006",
            )
        )
    else:
        last = private[-1][0]
        for index, path in _positions(middleware, STORING_CACHES):
            if index > last:
                errors.append(
                    Error(
                        f'"{PRIVATE_FOR_AUTHENTICATED}" comes before "{path}" in MIDDLEWARE: the cache '
                        "would store responses to logged-in users before they are marked private.",
                        hint=f'Move "{PRIVATE_FOR_AUTHENTICATED}" to the end of MIDDLEWARE.',
                        id="pinewood.E007",
                    )
                )
    return errors


def check_base_template(app_configs=None, **kwargs):
    name = conf.base_template()
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return [
            Error(
                f'The host template "{name}" (PINEWOOD_BASE_TEMPLATE) cannot be found: every course '
                "page extends it.",
                hint="Provide a template with {% block content %}, or set PINEWOOD_BASE_TEMPLATE to yours "
                '(default "base.html").',
                id="pinewood.E008",
            )
        ]
    return []


def check_media_serving(app_configs=None, **kwargs):
    """An unknown `PINEWOOD_MEDIA_SERVE_METHOD` would leave every video unplayable."""
    method = conf.media_serve_method()
    if method in conf.MEDIA_SERVE_METHODS:
        return []
    return [
        Error(
            f"PINEWOOD_MEDIA_SERVE_METHOD is {method!r}: no audio or video file could be sent.",
            hint="Use one of " + ", ".join(f'"{name}"' for name in conf.MEDIA_SERVE_METHODS) + ".",
            id="pinewood.E009",
        )
    ]


def check_site_addresses(app_configs=None, **kwargs):
    """With an https `WAGTAILADMIN_BASE_URL` (production), every Wagtail Site must be its public
    https address (hostname, port 443): page URLs in the sitemap, feeds, canonical links, JSON-LD,
    robots.txt and emails are built from the Site record, not from the request."""
    if urlsplit(getattr(settings, "WAGTAILADMIN_BASE_URL", None) or "").scheme != "https":
        return []  # development, tests: local addresses are expected
    try:
        sites = list(Site.objects.order_by("pk").only("hostname", "port"))
    except DatabaseError:
        return []  # not migrated yet (`manage.py check` before `migrate`): no Site to check
    return [
        Warning(
            f"The Wagtail Site {site.root_url} is not a public https address, but WAGTAILADMIN_BASE_URL "
            "is https: the sitemap, feeds, canonical links and emails would point there.",
            hint="In Settings → Sites, set the site's public hostname (courses.example.com) and port 443.",
            id="pinewood.W001",
        )
        for site in sites
        if site.hostname in DEVELOPMENT_HOSTNAMES or site.port != 443
    ]
