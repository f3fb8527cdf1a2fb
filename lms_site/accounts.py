"""The demo host's django-allauth adapter: account emails speak for the site's brand.

Without `django.contrib.sites`, allauth names the site after the request's host
("[127.0.0.1:8000] Please Confirm…") and greets users by username. Here the subject
prefix, greeting and sender come from the course brand of the Wagtail Site serving
the request, and the address in the text is that Site's own (as in the plugin's emails).
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from course.cache_limits import CacheUnavailable, strict_cache
from course.errors import unavailable_response
from course.models.branding import brand_for
from course.people import display_name

LOGIN_PAUSED = _(
    "Logging in is paused for a moment while we reconnect a service. Please try again in a minute."
)


@dataclass(frozen=True)
class BrandedSite:
    """What allauth's email templates read from `current_site`: `name` and `domain`."""

    name: str
    domain: str


def branded_site(request):
    site = Site.find_for_request(request) if request is not None else None
    root_url = site.root_url if site is not None else settings.WAGTAILADMIN_BASE_URL
    return BrandedSite(name=brand_for(request or site).name, domain=urlsplit(root_url).netloc)


class AccountAdapter(DefaultAccountAdapter):
    def format_email_subject(self, subject):
        return f"[{brand_for(self.request).name}] {subject}"

    def get_from_email(self):
        return brand_for(self.request).from_email()

    def pre_authenticate(self, request, **credentials):
        """Failed log-ins are limited in the cache; without it a password could be guessed without
        limit, so log-in fails closed (503) until the cache is back."""
        try:
            strict_cache().get("pinewood:cache-probe")
        except CacheUnavailable as error:
            raise ImmediateHttpResponse(unavailable_response(LOGIN_PAUSED, retry_after=60)) from error
        super().pre_authenticate(request, **credentials)

    def send_mail(self, template_prefix, email, context):
        context = {"current_site": branded_site(self.request), **context}
        super().send_mail(template_prefix, email, context)


def user_display(user):
    """How allauth names a user on pages and in emails: full name, else email (never the username)."""
    return display_name(user)
