"""What a role gets from an admin URL, for the per-role URL matrices: the page (200), a refusal
(403, or Wagtail's redirect to the dashboard), a redirect to the login page, "not found", or
"POST only" (405: a GET on the URL of an action that is posted)."""

from django.urls import reverse

OK, DENIED, LOGIN, MISSING, POST_ONLY = "ok", "denied", "login", "missing", "post only"


def outcome(response):
    if response.status_code == 200:
        return OK
    if response.status_code == 404:
        return MISSING
    if response.status_code == 403:
        return DENIED
    if response.status_code == 405:
        return POST_ONLY
    if response.status_code == 302:
        return LOGIN if response.url.startswith(reverse("wagtailadmin_login")) else DENIED
    return f"HTTP {response.status_code}"
