"""`/sitemap.xml` for a site whose pages are translated: every language's pages, each with its alternates.

Wagtail's sitemap lists the pages under the site's root page, so with localisation on
(`WAGTAIL_I18N_ENABLED`) the French tree, under the root page's French translation, is missing.
`TranslatedSitemap` lists the pages under the root page and under each of its translations, and
gives each listed page whose translations are listed too their `<xhtml:link rel="alternate"
hreflang="…">` lines (Django's sitemap template writes a URL's `alternates` and declares the
`xhtml` namespace), itself included, with `x-default` for the default language's (`LANGUAGE_CODE`).

Which pages are listed stays each page's own decision (`get_sitemap_urls`: a plugin page only
while reachable, a lesson only as a free preview, course/reachability.py, lessons/models.py), and
alternates are drawn from the URLs listed on the same sitemap page, so an alternate never names a
page the sitemap leaves out. It costs no query more than Wagtail's, whatever the number of pages:
the root page's translations and their languages are Wagtail's site root paths (`SiteRootPath`),
which Wagtail keeps in Django's cache for page URLs. A sitemap page holds 50,000 URLs (Django's
limit): the translations of a page listed on another sitemap page are not named as its alternates.

The host mounts Wagtail's sitemap view with it:

    path("sitemap.xml", sitemap, {"sitemaps": {"pages": TranslatedSitemap}})

With localisation off it is Wagtail's sitemap.
"""

from django.conf import settings
from django.db.models import Q
from django.utils import translation
from wagtail.contrib.sitemaps.sitemap_generator import Sitemap
from wagtail.models import Page, Site


def localisation_on():
    return bool(getattr(settings, "WAGTAIL_I18N_ENABLED", False))


def default_language():
    try:
        return translation.get_supported_language_variant(settings.LANGUAGE_CODE)
    except LookupError:
        return settings.LANGUAGE_CODE


class TranslatedSitemap(Sitemap):
    def root_paths(self):
        """The site's root page and its translations as Wagtail's `SiteRootPath`s (URL path and
        language), longest first: kept in Django's cache, as Wagtail keeps them for page URLs."""
        site = self.get_wagtail_site()
        paths = [root for root in Site.get_site_root_paths() if root.site_id == site.pk]
        return sorted(paths, key=lambda root: len(root.root_path), reverse=True)

    def items(self):
        if not localisation_on():
            return super().items()
        trees = Q()
        for root in self.root_paths():
            trees |= Q(url_path__startswith=root.root_path)
        return Page.objects.filter(trees).live().public().order_by("path").defer_streamfields().specific()

    def _urls(self, page, protocol, domain):
        if not localisation_on():
            return super()._urls(page, protocol, domain)
        root_paths = self.root_paths()
        urls, last_mods, versions = [], set(), {}
        for item in self.paginator.page(page).object_list.iterator():
            own_url = None
            for url_info in item.get_sitemap_urls(self.request):
                urls.append(url_info)
                last_mods.add(url_info.get("lastmod"))
                if own_url is None:
                    own_url = item.get_full_url(self.request)
                if url_info.get("location") == own_url:
                    language = next(
                        (
                            root.language_code
                            for root in root_paths
                            if item.url_path.startswith(root.root_path)
                        ),
                        None,
                    )
                    versions.setdefault(item.translation_key, []).append((language, url_info))
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        add_alternates(versions.values())
        return urls


def add_alternates(versions):
    """Give each listed URL whose page is listed in other languages too their `alternates`: every
    listed version, itself included, then the default language's as `x-default`."""
    default = default_language()
    for listed in versions:
        languages = {language for language, _ in listed}
        if len(languages) < 2 or len(languages) < len(listed) or None in languages:
            continue  # one language, or two versions claiming one: nothing reliable to say
        alternates = sorted(
            ({"location": url_info["location"], "lang_code": language} for language, url_info in listed),
            key=lambda alternate: alternate["lang_code"],
        )
        fallback = next(
            (alt for alt in alternates if alt["lang_code"] in (default, settings.LANGUAGE_CODE)), None
        )
        if fallback is not None:
            alternates.append({"location": fallback["location"], "lang_code": "x-default"})
        for _, url_info in listed:
            url_info["alternates"] = alternates
