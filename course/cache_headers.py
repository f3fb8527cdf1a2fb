"""Cache headers: who may keep a response, decided in one place.

Two outcomes, and nothing in between for the plugin's pages:

- `Cache-Control: private, no-store` for anything that may differ per visitor: every
  response to a logged-in user, gated or locked lessons, the course and lesson routes
  (enroll, withdraw, certificate, complete, quiz), student views, file downloads.
- `Cache-Control: public, max-age=<PINEWOOD_PUBLIC_MAX_AGE>, s-maxage=<PINEWOOD_PUBLIC_S_MAXAGE>`
  (and `Vary: Cookie`) for a page that is the same for every anonymous visitor: the catalogue, course,
  module, article index and article pages, the article feeds and free-preview lessons.
  Such a page opts in (`public_when_anonymous`, `public_when_preview`); the middleware
  makes it public only when, once rendered, it is a `200` to a `GET`/`HEAD` from an
  anonymous visitor without a session or a pending message, and it rendered no CSRF
  token, sets no cookie, does not vary on Cookie itself and no one made it private
  (private always wins). An opted-in page that fails any of these is made private.

Responses that did not opt in keep whatever their view gave them (images, documents,
the API); `PrivateForAuthenticatedMiddleware` makes every response to a logged-in user
private. A change to a page purges the shared copies that show it (course/frontend_cache.py).
"""

import functools

from django.conf import settings
from django.utils.cache import has_vary_header, patch_cache_control, patch_vary_headers

from course import conf

# Set on a response by a page that is the same for every anonymous visitor.
PUBLIC_WHEN_ANONYMOUS = "pinewood_public_when_anonymous"
# RoutablePageMixin's name for the route of the page itself (its own URL).
PAGE_ITSELF = "index_route"
# Directives a response already carries that keep it out of shared caches.
NOT_SHARED = frozenset(["private", "no-store", "no-cache"])
SHAREABLE_METHODS = ("GET", "HEAD")


def private_response(response):
    """Forbid shared and browser caches from keeping a per-user response."""
    patch_cache_control(response, private=True, no_store=True)
    response.headers.pop("Expires", None)
    return response


def private(view):
    """Decorate a view whose responses may differ per user (`private_response` on each)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        return private_response(view(request, *args, **kwargs))

    return wrapped


def routed_to(request):
    """The name of the page route a request was routed to (RoutablePageMixin), or None."""
    match = getattr(request, "routable_resolver_match", None)
    return match.url_name if match is not None else None


def public_when_anonymous(response, request, *, routes=(PAGE_ITSELF,)):
    """Opt a page's response in to shared caching for anonymous visitors; see the module docstring.

    Only the page itself (or the routes named in `routes`) opts in: any other route of a
    routable page (enroll, withdraw, certificate, complete, quiz) is made private.
    """
    route = routed_to(request)
    if route is not None and route not in routes:
        return private_response(response)
    setattr(response, PUBLIC_WHEN_ANONYMOUS, True)
    return response


def public_when_preview(response, request, lesson):
    """A lesson opts in only while the request's access decision is a free preview.

    The decision is the one already made for this request (`access_for_request` keeps it),
    so the lesson's body shown is the free preview's, never the enrolled student's.
    """
    from course.access import PREVIEW, access_for_request  # noqa: PLC0415 - the policy imports the page models, which import this module

    if access_for_request(request, lesson).reason == PREVIEW:
        return public_when_anonymous(response, request)
    return private_response(response)


def cache_control_directives(response):
    return {
        directive.split("=", 1)[0].strip().lower()
        for directive in response.get("Cache-Control", "").split(",")
        if directive.strip()
    }


def has_pending_messages(request):
    """Messages waiting for this visitor: showing or storing them touches a cookie or the session."""
    storage = getattr(request, "_messages", None)
    return storage is not None and (getattr(storage, "added_new", False) or len(storage) > 0)


def shareable(request, response):
    """Whether an opted-in response may be kept by shared caches (the rules in the module docstring).

    Checked before the middleware listed above this one see the response: the cookies they
    would still set are predicted from the request (CSRF token used, session started or
    sent, messages waiting).
    """
    user = getattr(request, "user", None)
    return (
        user is not None
        and not user.is_authenticated
        and request.method in SHAREABLE_METHODS
        and response.status_code == 200
        and not cache_control_directives(response) & NOT_SHARED
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # a CSRF token was rendered
        and not response.cookies
        and not has_vary_header(response, "Cookie")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not getattr(getattr(request, "session", None), "modified", False)
        and not has_pending_messages(request)
    )


def public_response(response):
    patch_cache_control(response, public=True, max_age=conf.public_max_age(), s_maxage=conf.public_s_maxage())
    # Caches that honour Vary keep this copy away from visitors who have a session cookie.
    patch_vary_headers(response, ("Cookie",))
    return response


def finalise(request, response):
    """The one decision on a response's cache headers (the module docstring)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return private_response(response)
    if not getattr(response, PUBLIC_WHEN_ANONYMOUS, False):
        return response
    return public_response(response) if shareable(request, response) else private_response(response)


class PrivateForAuthenticatedMiddleware:
    """Finalise cache headers: private for logged-in users, public for opted-in anonymous pages.

    Last in `MIDDLEWARE`, so it sees the response before any cache middleware stores it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return finalise(request, self.get_response(request))
