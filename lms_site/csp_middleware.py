"""django-csp's middleware, with a separate policy for the Wagtail admin.

Every response gets `settings.CONTENT_SECURITY_POLICY` (scripts only from the site itself or
carrying the request's nonce, no inline styles), except under the Wagtail admin's URL prefix,
which gets `settings.CONTENT_SECURITY_POLICY_ADMIN`: Wagtail 8 still renders inline <script>
elements, <style> elements and style attributes that cannot carry a nonce. django-csp's view
decorators still apply (`@csp` replaces the policy; `@csp_update` / `@csp_replace` change the
admin policy under the admin), and a header the view set itself is kept.
"""

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.urls import NoReverseMatch, reverse


def admin_prefix():
    """The Wagtail admin's URL prefix ("/admin/"), wherever the host mounted it."""
    try:
        return reverse("wagtailadmin_home")
    except NoReverseMatch:
        return None


def is_admin_request(request):
    prefix = admin_prefix()
    return prefix is not None and request.path.startswith(prefix)


class SiteCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        admin_policy = getattr(settings, "CONTENT_SECURITY_POLICY_ADMIN", None)
        if not report_only and parts.config is None and admin_policy and is_admin_request(request):
            parts.config = admin_policy["DIRECTIVES"]
        return parts
