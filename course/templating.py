"""How the plugin's pages sit inside the host's layout.

Every plugin template extends `course/base.html`, which extends the host template
named by `PINEWOOD_BASE_TEMPLATE` (course/conf.py). `{% extends %}` can only read
that name from the context, so every plugin response gets `layout_context()`:
pages through `HostLayoutMixin`, plain views by adding it to their context. It also
carries what plugin templates link to or print whatever the host: the log-in and
sign-up URLs (plain Django auth: `LOGIN_URL`, `PINEWOOD_SIGNUP_URL`) and the brand.
"""

from django.conf import settings
from django.shortcuts import resolve_url
from django.utils.functional import SimpleLazyObject

from course import conf
from course.models.branding import brand_for


def layout_context(request=None):
    """Context every plugin template needs, whoever renders it.

    - `pinewood_base_template`: the host template `course/base.html` extends;
    - `pinewood_brand`: the site's `course.models.branding.Brand` (read only if a template uses it);
    - `login_url`: Django's `LOGIN_URL`, resolved; `signup_url`: `PINEWOOD_SIGNUP_URL`,
      resolved, or None, and then templates offer no sign-up link.
    """
    signup = conf.signup_url()
    return {
        "pinewood_base_template": conf.base_template(),
        "pinewood_brand": SimpleLazyObject(lambda: brand_for(request)),
        "login_url": resolve_url(settings.LOGIN_URL),
        "signup_url": resolve_url(signup) if signup else None,
    }


class HostLayoutMixin:
    """For plugin page models: adds `layout_context()` to the page's template context."""

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(layout_context(request))
        return context
