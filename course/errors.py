"""Error answers that must work while the database or the cache is down.

`server_error` is a `handler500` for the host's URLconf: a database that cannot be reached
(connection refused, restarting, gone away) gets a 503 with `Retry-After` instead of a 500, so
browsers, crawlers and monitors know to come back; anything else gets the host's `500.html`.
Both pages are rendered without the request's context processors, which may read the database.
The host brands them with its own `503.html` and `500.html`; the plugin's
`course/unavailable.html` stands in for a missing `503.html`. Downloads whose file storage
fails get the same page (`storage_unavailable`), so pages without files keep working.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.template.exceptions import TemplateDoesNotExist
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import requires_csrf_token

from course.cache_headers import private_response

logger = logging.getLogger("course.errors")

RETRY_AFTER = 30  # seconds: long enough for a database restart or fail-over
DATABASE_DOWN = _(
    "The site is briefly unavailable while its database restarts. Please try again in a minute."
)


def unavailable_response(message, retry_after=RETRY_AFTER):
    """A 503 page saying `message`, never stored by a cache."""
    template = loader.select_template(["503.html", "course/unavailable.html"])
    response = HttpResponse(template.render({"message": message}), status=503)
    response["Retry-After"] = str(retry_after)
    return private_response(response)


FILE_UNAVAILABLE = _("This file cannot be fetched from storage right now. Please try again in a few minutes.")


def storage_unavailable(error):
    """The answer to a download whose file storage failed: 503, and the cause in the log."""
    logger.error("File storage unavailable: %s", type(error).__name__, exc_info=error)
    return unavailable_response(FILE_UNAVAILABLE, retry_after=120)


def database_unreachable(error):
    return isinstance(error, (OperationalError, InterfaceError))


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """handler500: 503 for a database that cannot be reached, the host's 500 page otherwise."""
    if database_unreachable(sys.exc_info()[1]):
        return unavailable_response(DATABASE_DOWN)
    try:
        template = loader.get_template(template_name)
    except TemplateDoesNotExist:
        return HttpResponseServerError(b"<h1>Server Error (500)</h1>", content_type="text/html")
    return HttpResponseServerError(template.render())
