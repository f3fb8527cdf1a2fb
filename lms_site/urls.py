from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap

from course.robots import robots_txt
from course.sitemaps import TranslatedSitemap

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    # Every language's pages, each with its translations as alternates (course/sitemaps.py).
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": TranslatedSitemap}}, name="sitemap"),
    path(
        "robots.txt", robots_txt, {"disallow": ["/admin/", "/accounts/", "/fr/accounts/"]}, name="robots_txt"
    ),
    # Browsers and crawlers ask for /favicon.ico whatever the page links; the file is a static file
    # (hashed in production, so the redirect is temporary).
    path("favicon.ico", RedirectView.as_view(url=lazy(static_url, str)("icons/favicon.ico")), name="favicon"),
]

# Pages, the plugin's student pages and accounts in each language: English unprefixed, French
# under /fr/ (course.middleware.PathLanguageMiddleware reads the language from the path).
urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("", include("course.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

# After the plugin's URLs, which answer gated renditions and media files themselves.
if settings.DEBUG:
    from django.conf.urls.static import static  # noqa: PLC0415 - development only
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns  # noqa: PLC0415 - development only

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# A database that cannot be reached answers 503 with Retry-After, not 500 (course/errors.py).
handler500 = "course.errors.server_error"
