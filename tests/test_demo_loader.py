"""`load_demo` on a database without the demo: the Site's address and the refusal of known
passwords outside development. (tests/test_demo_content.py shares one loaded demo per module.)"""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from wagtail.models import Site

from lessons.models import LessonPage

pytestmark = pytest.mark.django_db


def test_the_demo_site_has_the_address_it_is_served_at(db, settings):
    """Links in emails, feeds and sitemaps start from the Site: `make run`'s address in development."""
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
    call_command("load_demo", "--no-users", stdout=io.StringIO())
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port, site.root_url) == ("127.0.0.1", 8000, "http://127.0.0.1:8000")
    site.hostname, site.port = "academy.example.org", 443
    site.save()
    call_command("load_demo", "--no-users", stdout=io.StringIO())  # an address set since is kept
    assert Site.objects.get(is_default_site=True).root_url == "https://academy.example.org"


def test_refuses_known_passwords_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="Refusing"):
        call_command("load_demo")
    assert not get_user_model().objects.exists()
    call_command("load_demo", "--no-users", stdout=io.StringIO())
    assert LessonPage.objects.count() >= 8
    assert not get_user_model().objects.exists()
