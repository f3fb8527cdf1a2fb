"""The site's URLs plus the trivial view that marks what the machine can serve at best."""

from django.http import HttpResponse
from django.urls import path

from lms_site.urls import handler500  # noqa: F401 - the site's 503 for an unreachable database
from lms_site.urls import urlpatterns as site_urlpatterns


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial), *site_urlpatterns]
