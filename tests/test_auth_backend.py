"""The demo host's backend (lms_site/auth.py) answers as Django's ModelBackend, in one query."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser, Group, Permission

from lms_site.auth import OneQueryPermissionsBackend

pytestmark = pytest.mark.django_db


def fresh(user):
    """The user as a new request loads it: no permission cache yet."""
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def people():
    User = get_user_model()
    editors = Group.objects.create(name="Backend test group")
    editors.permissions.add(Permission.objects.get(codename="access_admin"))
    own = Permission.objects.get(codename="add_image")
    return {
        "nobody": User.objects.create_user("nobody", "nobody@example.com", "pw-long-enough-1"),
        "own": User.objects.create_user("own", "own@example.com", "pw-long-enough-1"),
        "group": User.objects.create_user("grouped", "grouped@example.com", "pw-long-enough-1"),
        "both": User.objects.create_user("both", "both@example.com", "pw-long-enough-1"),
        "inactive": User.objects.create_user("inactive", "inactive@example.com", "pw", is_active=False),
        "superuser": User.objects.create_superuser("root", "root@example.com", "pw-long-enough-1"),
        "_setup": (editors, own),
    }


@pytest.fixture
def granted(people):
    editors, own = people["_setup"]
    people["own"].user_permissions.add(own)
    people["group"].groups.add(editors)
    people["both"].user_permissions.add(own)
    people["both"].groups.add(editors)
    people["inactive"].groups.add(editors)
    return {name: user for name, user in people.items() if name != "_setup"}


def test_the_same_permissions_as_djangos_backend(granted):
    for name, user in granted.items():
        ours = OneQueryPermissionsBackend().get_all_permissions(fresh(user))
        djangos = ModelBackend().get_all_permissions(fresh(user))
        assert ours == djangos, name
    assert OneQueryPermissionsBackend().get_all_permissions(fresh(granted["both"])) == {
        "wagtailadmin.access_admin",
        "wagtailimages.add_image",
    }
    assert OneQueryPermissionsBackend().get_all_permissions(fresh(granted["inactive"])) == set()
    assert OneQueryPermissionsBackend().get_all_permissions(AnonymousUser()) == set()
    assert OneQueryPermissionsBackend().get_all_permissions(fresh(granted["both"]), obj=object()) == set()


def test_one_query_and_then_none(granted, django_assert_num_queries):
    user = fresh(granted["both"])
    with django_assert_num_queries(1):
        assert user.has_perm("wagtailadmin.access_admin")
        assert user.has_perm("wagtailimages.add_image")
        assert not user.has_perm("wagtailimages.delete_image")  # asks allauth's backend too, cached
