"""Accounts as the demo host's allauth leaves them.

Kept apart from `tests/factories.py` because the minimal host (tests/plugin) has no allauth,
and its pytest session imports the shared conftest and factories."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

# A password that passes the demo's validators, for accounts a browser journey logs in with.
STUDENT_PASSWORD = "a-long-Student-passphrase-42"


def confirm_address(user):
    """Mark the user's address as confirmed, as following allauth's e-mail link does."""
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def make_student(email, first_name, last_name, password=STUDENT_PASSWORD):
    """A student account with a confirmed address and a name, as sign-up leaves it."""
    user = get_user_model().objects.create_user(
        username=email.split("@")[0],
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
    )
    return confirm_address(user)
