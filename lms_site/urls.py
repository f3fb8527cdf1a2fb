from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("accounts/", include("allauth.urls")),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("", include("course.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static  # noqa: PLC0415 - development only
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns  # noqa: PLC0415 - development only

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
