"""The plugin's system checks (course/checks.py): each gated channel a host's settings could open."""

import io

import pytest
from django.apps import apps
from django.conf import settings
from django.core.checks import Error, run_checks
from django.core.files.storage import Storage
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from course import checks
from course.cache_headers import PrivateForAuthenticatedMiddleware
from course.middleware import RejectControlCharactersMiddleware

SESSION = "django.contrib.sessions.middleware.SessionMiddleware"
AUTH = "django.contrib.auth.middleware.AuthenticationMiddleware"
CONTROL = checks.CONTROL_CHARACTERS
PRIVATE = checks.PRIVATE_FOR_AUTHENTICATED
GOOD_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    CONTROL,
    SESSION,
    "django.middleware.csrf.CsrfViewMiddleware",
    AUTH,
    "django.contrib.messages.middleware.MessageMiddleware",
    PRIVATE,
]


class RemoteStorage(Storage):
    """A storage with URLs but no local files, like S3 (`path()` is Storage's NotImplementedError)."""

    def url(self, name):
        return f"https://bucket.example/{name}"


class HostControlCharacters(RejectControlCharactersMiddleware):
    pass


class HostPrivate(PrivateForAuthenticatedMiddleware):
    pass


REMOTE_STORAGES = {
    "default": {"BACKEND": f"{__name__}.RemoteStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def ids(errors):
    return [error.id for error in errors]


def test_the_minimal_host_passes_every_check():
    assert run_checks() == []  # warnings included
    out = io.StringIO()
    call_command("check", stdout=out)
    assert "no issues" in out.getvalue()


@pytest.mark.parametrize("method", ["direct", "redirect"])
def test_serve_methods_that_bypass_the_view_are_errors(method):
    with override_settings(WAGTAILDOCS_SERVE_METHOD=method):
        errors = checks.check_document_serving()
        assert ids(errors) == ["pinewood.E001"]
        assert isinstance(errors[0], Error)
        assert method in errors[0].msg
        assert 'WAGTAILDOCS_SERVE_METHOD = "serve_view"' in errors[0].hint
        # and `manage.py check` refuses to pass
        assert "pinewood.E001" in ids(run_checks(tags=[checks.TAG]))
        with pytest.raises(SystemCheckError, match="pinewood.E001"):
            call_command("check", stdout=io.StringIO(), stderr=io.StringIO())


def test_serve_view_passes_with_local_and_remote_storage():
    with override_settings(WAGTAILDOCS_SERVE_METHOD="serve_view"):
        assert checks.check_document_serving() == []
    with override_settings(WAGTAILDOCS_SERVE_METHOD="serve_view", STORAGES=REMOTE_STORAGES):
        assert checks.check_document_serving() == []


def test_unset_serve_method_is_fine_with_local_files():
    """Wagtail's default for a storage with local paths is "serve_view"."""
    with override_settings():
        del settings.WAGTAILDOCS_SERVE_METHOD
        assert checks.check_document_serving() == []


def test_unset_serve_method_with_remote_storage_is_an_error():
    """Wagtail's default for a storage without local paths is "redirect": around the access hook."""
    with override_settings(STORAGES=REMOTE_STORAGES):
        del settings.WAGTAILDOCS_SERVE_METHOD
        assert ids(checks.check_document_serving()) == ["pinewood.E002"]


def test_required_apps_are_installed_in_the_minimal_host():
    assert checks.check_required_apps() == []


@pytest.mark.parametrize("app", sorted(checks.REQUIRED_APPS))
def test_each_missing_app_is_an_error(app, monkeypatch):
    installed = apps.is_installed
    monkeypatch.setattr(apps, "is_installed", lambda name: name != app and installed(name))
    errors = checks.check_required_apps()
    assert ids(errors) == ["pinewood.E003"]
    assert f'"{app}"' in errors[0].msg
    assert f'Add "{app}" to INSTALLED_APPS' in errors[0].hint


def test_good_middleware_order_passes():
    with override_settings(MIDDLEWARE=GOOD_MIDDLEWARE):
        assert checks.check_middleware() == []


def test_subclasses_of_the_middleware_count():
    host = [f"{__name__}.HostControlCharacters" if m == CONTROL else m for m in GOOD_MIDDLEWARE]
    host = [f"{__name__}.HostPrivate" if m == PRIVATE else m for m in host]
    with override_settings(MIDDLEWARE=host):
        assert checks.check_middleware() == []


def test_missing_control_character_middleware():
    with override_settings(MIDDLEWARE=[m for m in GOOD_MIDDLEWARE if m != CONTROL]):
        errors = checks.check_middleware()
    assert ids(errors) == ["pinewood.E004"]
    assert "before SessionMiddleware" in errors[0].hint


def test_control_character_middleware_after_sessions_and_auth():
    late = [m for m in GOOD_MIDDLEWARE if m != CONTROL]
    late.insert(late.index(AUTH) + 1, CONTROL)
    with override_settings(MIDDLEWARE=late):
        errors = checks.check_middleware()
    assert ids(errors) == ["pinewood.E005", "pinewood.E005"]
    assert SESSION in errors[0].msg
    assert AUTH in errors[1].msg


def test_missing_private_middleware():
    with override_settings(MIDDLEWARE=[m for m in GOOD_MIDDLEWARE if m != PRIVATE]):
        errors = checks.check_middleware()
    assert ids(errors) == ["pinewood.E006"]
    assert "last entry of MIDDLEWARE" in errors[0].hint


@pytest.mark.parametrize(
    "cache", ["django.middleware.cache.UpdateCacheMiddleware", "django.middleware.cache.CacheMiddleware"]
)
def test_private_middleware_must_come_after_a_storing_cache(cache):
    before = [*GOOD_MIDDLEWARE, cache]
    with override_settings(MIDDLEWARE=before):
        errors = checks.check_middleware()
    assert ids(errors) == ["pinewood.E007"]
    assert cache in errors[0].msg
    after = [cache, *GOOD_MIDDLEWARE]
    with override_settings(MIDDLEWARE=after):
        assert checks.check_middleware() == []


def test_unknown_media_serving_method():
    with override_settings(PINEWOOD_MEDIA_SERVE_METHOD="nginx"):
        errors = checks.check_media_serving()
    assert ids(errors) == ["pinewood.E009"]
    assert "'nginx'" in errors[0].msg and '"x-accel-redirect"' in errors[0].hint
    for method in ("django", "x-accel-redirect", "x-sendfile", "redirect"):
        with override_settings(PINEWOOD_MEDIA_SERVE_METHOD=method):
            assert checks.check_media_serving() == []


def test_missing_base_template():
    with override_settings(PINEWOOD_BASE_TEMPLATE="host/no-such-base.html"):
        errors = checks.check_base_template()
    assert ids(errors) == ["pinewood.E008"]
    assert "host/no-such-base.html" in errors[0].msg
    assert checks.check_base_template() == []  # the minimal host's templates/base.html
