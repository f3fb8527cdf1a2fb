"""Production: everything secret or host-specific comes from the environment.

`python manage.py check --deploy` reports no warnings with these settings, given
SECRET_KEY and ALLOWED_HOSTS. Behind a TLS-terminating proxy, set
SECURE_PROXY_SSL_HEADER=1 so Django trusts its X-Forwarded-Proto header.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import csp_with_sources, env_bool, mail_settings

DEBUG = False
if not SECRET_KEY:  # noqa: F405
    raise ImproperlyConfigured("SECRET_KEY must be set in production.")

# The site's public address, for links Wagtail and Pinewood send by email when no request is
# at hand (Pinewood builds course links from the course's Wagtail Site; this is the fallback).
# A development default here would send students to 127.0.0.1, so it must be set, with https.
_base_url = urlsplit(os.environ.get("WAGTAILADMIN_BASE_URL", ""))  # noqa: F405
if (
    _base_url.scheme != "https"
    or not _base_url.hostname
    or _base_url.hostname in ("localhost", "127.0.0.1", "::1")
):
    raise ImproperlyConfigured(
        "WAGTAILADMIN_BASE_URL must be the site's public https address, e.g. https://courses.example.com "
        "(emails link to it)."
    )
WAGTAILADMIN_BASE_URL = f"https://{_base_url.netloc}"

# HTTPS only. SECURE_SSL_REDIRECT=0 is for a proxy that already redirects (or a local benchmark).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Health probes (course/health.py) come over plain HTTP from inside the network; a redirect would
# read as healthy to Kubernetes, whatever the site's state.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))  # noqa: F405
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")  # noqa: F405
SECURE_REFERRER_POLICY = "same-origin"

# Static files: hashed and compressed, served by whitenoise.
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}

# Media: the local file system (MEDIA_ROOT) unless an S3-compatible bucket is configured.
# Keep the bucket private: lesson images and documents may be gated, so files are served
# through short-lived signed URLs (AWS_QUERYSTRING_AUTH stays on).
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")  # noqa: F405
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {  # noqa: F405
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,  # noqa: F405
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,  # noqa: F405
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 600,
            "file_overwrite": False,
        },
    }
    # Pages (and the admin's image choosers) load renditions by signed URLs from the bucket, so
    # its origin joins img-src: the endpoint for path-style URLs, else the bucket's AWS hosts.
    _endpoint = urlsplit(os.environ.get("AWS_S3_ENDPOINT_URL", ""))  # noqa: F405
    _region = os.environ.get("AWS_S3_REGION_NAME")  # noqa: F405
    if _endpoint.netloc:
        CSP_MEDIA_ORIGINS = [f"{_endpoint.scheme}://{_endpoint.netloc}"]
    else:
        CSP_MEDIA_ORIGINS = [f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com"]
        if _region:
            CSP_MEDIA_ORIGINS.append(f"https://{AWS_STORAGE_BUCKET_NAME}.s3.{_region}.amazonaws.com")
    CONTENT_SECURITY_POLICY = csp_with_sources(CONTENT_SECURITY_POLICY, "img-src", CSP_MEDIA_ORIGINS)  # noqa: F405
    CONTENT_SECURITY_POLICY_ADMIN = csp_with_sources(  # noqa: F405
        CONTENT_SECURITY_POLICY_ADMIN, "img-src", CSP_MEDIA_ORIGINS
    )

# Email: queued as background tasks (course/mail.py) and delivered by SMTP from the environment,
# so an unreachable mail server fails no request; failed deliveries are retried with backoff
# when tasks run in a worker (TASKS_BACKEND=database).
globals().update(
    mail_settings(
        "django.core.mail.backends.smtp.EmailBackend",
        queued=True,
        host=os.environ.get("EMAIL_HOST", "localhost"),  # noqa: F405
        port=int(os.environ.get("EMAIL_PORT", "25")),  # noqa: F405
        username=os.environ.get("EMAIL_HOST_USER", ""),  # noqa: F405
        password=os.environ.get("EMAIL_HOST_PASSWORD", ""),  # noqa: F405
        use_tls=env_bool("EMAIL_USE_TLS", False),
        # A mail server that accepts the connection and never answers must not hold a worker.
        timeout=int(os.environ.get("EMAIL_TIMEOUT", "10")),  # noqa: F405
    )
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},  # noqa: F405
}

# Error reporting (optional): Sentry's SDK when SENTRY_DSN is set and sentry-sdk is installed; no
# personal data (user names, emails, cookies) is sent. Off when SENTRY_DSN is unset.
if os.environ.get("SENTRY_DSN"):  # noqa: F405
    import sentry_sdk  # noqa: E402 - only when configured; not a requirement

    sentry_sdk.init(dsn=os.environ["SENTRY_DSN"], send_default_pii=False)  # noqa: F405
