"""Account pages and emails (the demo host's django-allauth) speak for the site.

The brand names the emails (subject, greeting, sender), links and addresses come from
the Wagtail Site, and every page says "Log in" / "Sign up" / "Log out" as the site header does.
"""

import re

import pytest
from django.core import mail
from django.test import Client

from course.models.branding import BrandSettings
from tests.factories import client_for, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "a-Strong-passphrase-91"
ALLAUTH_WORDING = re.compile(r"Sign ?In|Sign ?Out|Sign Up|Signup|[Ss]ign in|[Ss]ign out")


@pytest.fixture
def site(catalogue):
    """The default Site at a public address, with a brand that differs from the site's name."""
    site = catalogue.get_site()
    site.hostname, site.port = "learn.example.org", 443
    site.save()
    brand = BrandSettings.for_site(site)
    brand.organisation_name = "Northwind School"
    brand.email_sender_name = "Northwind Admissions"
    brand.save()
    return site


def visible_text(html):
    """Text a reader sees: no tags, no URLs or names in attributes."""
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/accounts/login/", "Log in"),
        ("/accounts/signup/", "Sign up"),
        ("/accounts/password/reset/", "Password Reset"),
    ],
)
def test_entrance_pages_use_the_site_wording(site, path, heading):
    response = Client().get(path)
    html = response.content.decode()
    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in html or re.search(rf"<h1[^>]*>\s*{heading}\s*</h1>", html)
    assert not ALLAUTH_WORDING.search(visible_text(html)), ALLAUTH_WORDING.search(visible_text(html))
    assert "Northwind School</title>" in html


def test_log_in_and_sign_up_link_to_each_other_and_the_button_says_log_in(site):
    login = Client().get("/accounts/login/").content.decode()
    signup = Client().get("/accounts/signup/").content.decode()
    assert 'href="/accounts/signup/"' in login and re.search(r"<button[^>]*>\s*Log in\s*</button>", login)
    assert 'href="/accounts/login/"' in signup and re.search(r"<button[^>]*>\s*Sign up\s*</button>", signup)


def test_the_log_out_confirmation_says_log_out(site):
    html = client_for(make_user("leaver", first_name="Lea")).get("/accounts/logout/").content.decode()
    assert "Are you sure you want to log out?" in html
    assert not ALLAUTH_WORDING.search(visible_text(html))


def test_the_confirmation_email_carries_the_brand_and_the_sites_address(site):
    Client().post(
        "/accounts/signup/",
        {
            "email": "nina@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "first_name": "Nina",
            "last_name": "Oliveira",
        },
    )  # served as "testserver": the address in the email is still the Site's
    (message,) = mail.outbox
    assert message.subject.startswith("[Northwind School] ")
    assert message.from_email.startswith("Northwind Admissions <")
    assert "Hello from Northwind School!" in message.body
    assert "learn.example.org" in message.body
    assert "user Nina Oliveira has given" in message.body  # named as certificates name her
    assert "127.0.0.1" not in message.body
    # The confirmation link is on the host the student signed up at (one ALLOWED_HOSTS admits).
    assert "http://testserver/accounts/confirm-email/" in message.body


def test_the_password_reset_email_carries_the_brand(site):
    make_user("member", first_name="Mo", last_name="Reyes")  # member@example.com
    Client().post("/accounts/password/reset/", {"email": "member@example.com"})
    (message,) = mail.outbox
    assert message.subject.startswith("[Northwind School] ")
    assert "Hello from Northwind School!" in message.body
    assert "[testserver]" not in message.subject
