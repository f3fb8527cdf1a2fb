"""Cache headers for responses whose content depends on who is asking."""

import functools

from django.utils.cache import patch_cache_control


def private_response(response):
    """Forbid shared and browser caches from keeping a per-user response."""
    patch_cache_control(response, private=True, no_store=True)
    response.headers.pop("Expires", None)
    return response


class PrivateForAuthenticatedMiddleware:
    """Any response to a logged-in user may show their name, enrollments or gated content."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            private_response(response)
        return response


def private(view):
    """Decorate a view whose responses may differ per user (`private_response` on each)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        return private_response(view(request, *args, **kwargs))

    return wrapped
