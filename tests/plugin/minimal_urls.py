"""URLs of the minimal host (tests/plugin/minimal_settings.py): Django's own login, Wagtail's
sitemap, the plugin's one include, then Wagtail's pages."""

from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("accounts/", include("django.contrib.auth.urls")),
    path("sitemap.xml", sitemap),
    path("", include("course.urls")),
    path("", include(wagtail_urls)),
]
