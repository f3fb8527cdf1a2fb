"""What a role gets from an admin URL, for the per-role URL matrices: the page (200), a refusal
(403, or Wagtail's redirect to the dashboard), a redirect to the login page, or "not found"."""

from django.urls import reverse

OK, DENIED, LOGIN, MISSING = "ok", "denied", "login", "missing"


def outcome(response):
    if response.status_code == 200:
        return OK
    if response.status_code == 404:
        return MISSING
    if response.status_code == 403:
        return DENIED
    if response.status_code == 302:
        return LOGIN if response.url.startswith(reverse("wagtailadmin_login")) else DENIED
    return f"HTTP {response.status_code}"
