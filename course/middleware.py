"""Request checks that apply to every URL before any view runs, and the request's language."""

import re

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.http import HttpResponseBadRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

# C0 control characters other than tab, LF and CR, and DEL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class RejectControlCharactersMiddleware:
    """Answer 400 when the path, query string, a cookie or a POSTed form field holds a control character.

    PostgreSQL refuses NUL in text, so a NUL reaching any query (a certificate code, a search
    term, an API filter, a session key) would be a 500; no legitimate input needs these
    characters, so they are refused here once and no view has to think about it. Form fields are
    the ones Django parses anyway (urlencoded and multipart non-file fields); uploaded files are
    not inspected.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any(CONTROL_CHARACTERS.search(text) for text in submitted_text(request)):
            return HttpResponseBadRequest(
                "The request contains control characters.", content_type="text/plain"
            )
        return self.get_response(request)


def submitted_text(request):
    """The decoded path, cookies, then query string and form field names and values."""
    yield request.path
    for name, value in request.COOKIES.items():
        yield name
        yield value
    data = [request.GET]
    if request.method == "POST" and request.content_type in FORM_CONTENT_TYPES:
        data.append(request.POST)
    for query_dict in data:
        for key, values in query_dict.lists():
            yield key
            yield from values


class PathLanguageMiddleware(LocaleMiddleware):
    """Django's `LocaleMiddleware` for a site whose URLs carry the language: `/fr/…` is French and
    an unprefixed URL the default language (`i18n_patterns(..., prefix_default_language=False)`).

    There the language never depends on the browser, so responses must not say `Vary:
    Accept-Language`, which Django's middleware adds to every unprefixed page: shared caches would
    keep one copy per browser language of each English page. Use it in `LocaleMiddleware`'s place
    (after `SessionMiddleware`, before `CommonMiddleware`); on a site without language prefixes it
    behaves as `LocaleMiddleware` does.
    """

    def process_response(self, request, response):
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        prefixes_used, default_prefixed = is_language_prefix_patterns_used(urlconf)
        if not prefixes_used or default_prefixed:
            return super().process_response(request, response)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
