"""Every setting of the plugin, with its default, read in one place.

A host sets `PINEWOOD_<NAME>` in its Django settings to change one; the README lists
them all (its section on adding the plugin to a Wagtail site). Each value is read when it is used,
so `override_settings` and per-environment settings modules just work. Brand and
wording are not settings: they are a Wagtail site setting (`course.models.BrandSettings`).
"""

from django.conf import settings


def base_template():
    """The host template every plugin page extends; it must offer `{% block content %}`."""
    return getattr(settings, "PINEWOOD_BASE_TEMPLATE", "base.html")


def signup_url():
    """Where visitors without an account sign up (URL name or path); None hides sign-up links.

    Log-in links use Django's own `settings.LOGIN_URL`.
    """
    return getattr(settings, "PINEWOOD_SIGNUP_URL", None)


def enrollment_code_window():
    """Seconds over which wrong enrollment-code guesses are counted."""
    return getattr(settings, "PINEWOOD_ENROLLMENT_CODE_WINDOW", 15 * 60)


def enrollment_code_limits():
    """Wrong guesses allowed per window: per user and course, per user, per client address."""
    return {
        "code-course": getattr(settings, "PINEWOOD_ENROLLMENT_CODE_ATTEMPTS", 5),
        "code-user": getattr(settings, "PINEWOOD_ENROLLMENT_CODE_USER_ATTEMPTS", 10),
        "code-ip": getattr(settings, "PINEWOOD_ENROLLMENT_CODE_IP_ATTEMPTS", 30),
    }


def certificate_lookup_limits():
    """(lookups, seconds): certificate codes one client address may look up per window."""
    return (
        getattr(settings, "PINEWOOD_CERTIFICATE_LOOKUPS", 30),
        getattr(settings, "PINEWOOD_CERTIFICATE_LOOKUP_WINDOW", 10 * 60),
    )


def image_url_max_age():
    """Seconds a signed URL of a gated image stays valid."""
    return getattr(settings, "PINEWOOD_IMAGE_URL_MAX_AGE", 60 * 60)


# Caches each process keeps for itself: other processes would not see an invalidation.
PROCESS_LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}
LOCAL_CACHE_MAX_TIMEOUT = 10


def shared_cache_timeout(timeout):
    """`timeout`, but at most `LOCAL_CACHE_MAX_TIMEOUT` seconds while the default cache is one
    each process keeps for itself: an invalidation reaches only the process that made it."""
    if settings.CACHES.get("default", {}).get("BACKEND") in PROCESS_LOCAL_CACHES:
        return min(timeout, LOCAL_CACHE_MAX_TIMEOUT)
    return timeout


def outline_cache_timeout():
    """Seconds a course's cached structure (course/outline.py) may live; changes drop it sooner.

    With a cache that is not shared between processes (Django's local-memory cache, the
    default), a change is seen at once only by the process that made it, so the plugin then
    keeps entries for at most `LOCAL_CACHE_MAX_TIMEOUT` seconds: use a shared cache (Redis)
    with several processes.
    """
    return getattr(settings, "PINEWOOD_OUTLINE_CACHE_TIMEOUT", 24 * 60 * 60)


def public_max_age():
    """Seconds a browser may keep a page that is the same for every anonymous visitor."""
    return getattr(settings, "PINEWOOD_PUBLIC_MAX_AGE", 60)


def public_s_maxage():
    """Seconds a shared cache (CDN, Varnish) may keep such a page; a change purges it sooner."""
    return getattr(settings, "PINEWOOD_PUBLIC_S_MAXAGE", 10 * 60)


MEDIA_SERVE_METHODS = ("django", "x-accel-redirect", "x-sendfile", "redirect")


def media_serve_method():
    """How an allowed audio or video file is sent (course/media_files.py), after the access check.

    "django" streams it from the storage (ranges included); "x-accel-redirect" (nginx) and
    "x-sendfile" (Apache mod_xsendfile, lighttpd) hand a local file to the web server, which then
    handles ranges itself; "redirect" sends the visitor to the storage's URL for the file, which
    must be short-lived and signed (django-storages' S3 storage with `querystring_auth`).
    """
    return getattr(settings, "PINEWOOD_MEDIA_SERVE_METHOD", "django")


def media_accel_prefix():
    """The nginx `internal` location that maps to `MEDIA_ROOT`, for "x-accel-redirect"."""
    return getattr(settings, "PINEWOOD_MEDIA_ACCEL_PREFIX", "/protected-media/")


def access_ending_days():
    """Days before an enrollment's `expires_at` that the "your access ends soon" reminder goes."""
    return getattr(settings, "PINEWOOD_ACCESS_ENDING_DAYS", 7)


def certificate_expiring_days():
    """Days before a certificate's `expires_at` that the "your certificate expires soon" reminder goes."""
    return getattr(settings, "PINEWOOD_CERTIFICATE_EXPIRING_DAYS", 30)


def invitation_days():
    """Days an emailed course invitation stays valid (course/invitations.py); a resend restarts them."""
    return getattr(settings, "PINEWOOD_INVITATION_DAYS", 14)


def invitation_resend_interval():
    """Seconds before the same invitation may be emailed again (resend, re-add, re-import)."""
    return getattr(settings, "PINEWOOD_INVITATION_RESEND_INTERVAL", 10 * 60)


def email_delivery_backend():
    """The email backend that really sends (dotted path), used by `course.mail.deliver_email` when
    the default backend is `course.mail.QueuedEmailBackend`.

    From Django 6.1, with `MAILERS` configured, a `"delivery"` mailer takes its place (and its
    OPTIONS: host, port…); this path then only names the backend of a missing `"delivery"` entry.
    """
    return getattr(settings, "PINEWOOD_EMAIL_DELIVERY_BACKEND", "django.core.mail.backends.smtp.EmailBackend")


def email_max_attempts():
    """Times a queued email is tried before it is given up (logged as an error)."""
    return getattr(settings, "PINEWOOD_EMAIL_MAX_ATTEMPTS", 5)


def email_retry_delay():
    """Seconds before the second try of a queued email that failed; each further wait doubles.

    Retries need a task backend that can defer (django-tasks-db's); the immediate backend tries once.
    """
    return getattr(settings, "PINEWOOD_EMAIL_RETRY_DELAY", 60)


def readyz_check_storage():
    """Whether `/readyz` (course/health.py) also asks the default file storage whether a file exists.

    Off by default: the database and the cache are checked on every probe, but with a remote
    storage (S3) each check is a request to the bucket, billed and slower; turn it on where
    the storage is a mount that can go missing.
    """
    return getattr(settings, "PINEWOOD_READYZ_CHECK_STORAGE", False)
