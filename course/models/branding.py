"""Brand and wording of a site's courses, edited in the Wagtail admin (Settings → Course branding).

Everything that names the organisation (page titles, emails, certificates, feeds, structured
data) reads it through `brand_for(site_or_request)`, never a string in code. An
unset field falls back, so nothing breaks on a site nobody has branded yet: the
organisation name to the site's name, then `settings.WAGTAIL_SITE_NAME`, then "".
"""

from dataclasses import dataclass
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Site

from course import conf

# Every page shows the brand, and it changes only when someone saves it: between requests it is
# read from Django's cache (one query less on every page), dropped when the setting or its logo
# is saved or deleted (course/brand_freshness.py).
BRAND_CACHE_TIMEOUT = 60 * 60


@register_setting(icon="site")
class BrandSettings(BaseSiteSetting):
    organisation_name = models.CharField(
        max_length=120,
        blank=True,
        help_text=_("Shown in page titles, emails, certificates and feeds. Empty: the site's name."),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Printed on certificates; the site's own templates may show it too."),
    )
    certificate_signatory_name = models.CharField(
        max_length=120, blank=True, help_text=_("Who signs certificates, e.g. the course director.")
    )
    certificate_signatory_title = models.CharField(
        max_length=120, blank=True, help_text=_("The signatory's title, printed under the name.")
    )
    certificate_signature = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("An image of the signatory's signature, printed above the name."),
    )
    email_sender_name = models.CharField(
        max_length=120,
        blank=True,
        help_text=_("The name emails to students come from, and sign with. Empty: the organisation name."),
    )
    footer_disclaimer = models.TextField(
        blank=True, help_text=_("Optional small print for the site's footer.")
    )

    select_related = ["logo", "certificate_signature"]

    panels = [
        FieldPanel("organisation_name"),
        FieldPanel("logo"),
        MultiFieldPanel(
            [
                FieldPanel("certificate_signatory_name"),
                FieldPanel("certificate_signatory_title"),
                FieldPanel("certificate_signature"),
            ],
            heading=_("Certificates"),
        ),
        FieldPanel("email_sender_name"),
        FieldPanel("footer_disclaimer"),
    ]

    class Meta:
        verbose_name = _("Course branding")
        verbose_name_plural = _("Course branding")

    @classmethod
    def for_site(cls, site):
        """The site's setting, from Django's cache when it is there (see `BRAND_CACHE_TIMEOUT`)."""
        if site is None:
            return super().for_site(site)
        key = brand_cache_key(site.pk)
        instance = cache.get(key)
        if instance is None:
            instance = super().for_site(site)
            cache.set(key, instance, conf.shared_cache_timeout(BRAND_CACHE_TIMEOUT))
        return instance


def brand_cache_key(site_pk):
    return f"pinewood:brand:{site_pk}"


def forget_brands(site_pks):
    """Drop the cached brand of these sites, now and once the change commits (a request that read
    the old row meanwhile may have cached it again)."""
    keys = [brand_cache_key(pk) for pk in site_pks]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


@dataclass(frozen=True)
class Brand:
    settings: object  # BrandSettings, or None when there is no site
    name: str  # the organisation name, never None

    @property
    def logo(self):
        return getattr(self.settings, "logo", None)

    @property
    def signatory_name(self):
        return getattr(self.settings, "certificate_signatory_name", "")

    @property
    def signatory_title(self):
        return getattr(self.settings, "certificate_signatory_title", "")

    @property
    def email_sender_name(self):
        """Who emails come from and are signed by: the sender name, else the organisation."""
        return getattr(self.settings, "email_sender_name", "") or self.name

    @property
    def footer_disclaimer(self):
        return getattr(self.settings, "footer_disclaimer", "")

    def from_email(self):
        """`DEFAULT_FROM_EMAIL`'s address, under the brand's sender name when there is one."""
        default = settings.DEFAULT_FROM_EMAIL
        display_name, address = parseaddr(default)
        if not address:
            return default
        return formataddr((self.email_sender_name or display_name, address))

    def __str__(self):
        return self.name


def _is_request(value):
    return isinstance(value, HttpRequest) or hasattr(value, "META")


def _site_of(site_or_request):
    if isinstance(site_or_request, Site):
        return site_or_request
    if site_or_request is not None and _is_request(site_or_request):
        return Site.find_for_request(site_or_request)
    return Site.objects.filter(is_default_site=True).first()


def brand_for(site_or_request=None):
    """The `Brand` of a site, of the site a request is for, or (None) of the default site.

    With a request, the setting is read once per request (Wagtail's own cache, which
    `{% get_settings %}` in a host template shares).
    """
    site = _site_of(site_or_request)
    brand_settings = None
    if site is not None:
        if _is_request(site_or_request):
            brand_settings = BrandSettings.for_request(site_or_request)
        else:
            brand_settings = BrandSettings.for_site(site)
    name = (
        getattr(brand_settings, "organisation_name", "")
        or getattr(site, "site_name", "")
        or getattr(settings, "WAGTAIL_SITE_NAME", "")
        or ""
    )
    return Brand(settings=brand_settings, name=name)
