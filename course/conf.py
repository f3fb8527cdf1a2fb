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


def image_url_max_age():
    """Seconds a signed URL of a gated image stays valid."""
    return getattr(settings, "PINEWOOD_IMAGE_URL_MAX_AGE", 60 * 60)
