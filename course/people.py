"""How the plugin names a person: on certificates, in emails and in the admin's lists.

A person's name is Django's `first_name` and `last_name` (the host's sign-up form asks for
them; students edit them on their account page, `course.views.account`). Without a name the
email address stands in; the username never does, as a host may generate it.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext


def display_name(user):
    """The user's full name, else their email address, else a neutral word (fails closed on
    revealing an internal identifier)."""
    if user is None:
        return ""
    full_name = user.get_full_name().strip() if hasattr(user, "get_full_name") else ""
    if full_name:
        return full_name
    email_field = get_user_model().get_email_field_name()
    return getattr(user, email_field, "") or gettext("Student")
