"""The README's install blocks (`<!-- host-install: ... -->`), applied to the settings `wagtail start`
generates, give what the plugin's checks ask; the minimal host installs the same apps. (CI also
applies them to a real `wagtail start` site: tests/plugin/check_wheel_host.py.)"""

import re
from pathlib import Path

import wagtail
from django.test import override_settings

from course import checks
from tests.plugin import minimal_settings
from tests.plugin.check_wheel_host import readme_blocks

# What the minimal host leaves out of a `wagtail start` project: its own apps, and what the
# plugin does not need.
NOT_IN_MINIMAL_HOST = {
    "home",
    "search",
    "django.contrib.admin",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
}


def wagtail_start_settings():
    """INSTALLED_APPS and MIDDLEWARE of the settings `wagtail start` writes (its template, rendered)."""
    template = Path(wagtail.__file__).parent / "project_template" / "project_name" / "settings" / "base.py"
    source = re.sub(r"\{\{.*?\}\}", "host", template.read_text())
    namespace = {"__file__": str(template)}
    exec(source, namespace)  # noqa: S102 - Wagtail's own settings template
    return {"INSTALLED_APPS": namespace["INSTALLED_APPS"], "MIDDLEWARE": namespace["MIDDLEWARE"]}


def test_settings_block_on_wagtail_start_settings():
    generated = wagtail_start_settings()
    namespace = {name: list(value) for name, value in generated.items()}
    exec(readme_blocks()["settings"][1], namespace)  # noqa: S102 - the README's own block

    installed = namespace["INSTALLED_APPS"]
    assert len(installed) == len(set(installed)), "an app listed twice"
    assert set(checks.REQUIRED_APPS) <= set(installed)
    assert set(installed) - NOT_IN_MINIMAL_HOST == set(minimal_settings.INSTALLED_APPS)

    middleware = namespace["MIDDLEWARE"]
    assert middleware[1] == checks.CONTROL_CHARACTERS
    assert middleware[-1] == checks.PRIVATE_FOR_AUTHENTICATED
    assert [m for m in middleware if m not in generated["MIDDLEWARE"]] == [
        checks.CONTROL_CHARACTERS,
        "course.site_cache.CachedSiteMiddleware",  # optional, recommended
        checks.PRIVATE_FOR_AUTHENTICATED,
    ]
    common = middleware.index("django.middleware.common.CommonMiddleware")
    assert middleware[common + 1] == "course.site_cache.CachedSiteMiddleware"
    with override_settings(MIDDLEWARE=middleware):
        assert checks.check_middleware() == []

    assert namespace["WAGTAILDOCS_SERVE_METHOD"] == "serve_view"
    with override_settings(WAGTAILDOCS_SERVE_METHOD=namespace["WAGTAILDOCS_SERVE_METHOD"]):
        assert checks.check_document_serving() == []
    assert namespace["LOGIN_URL"] == minimal_settings.LOGIN_URL


def test_urls_block_puts_the_plugin_first():
    namespace = {"urlpatterns": ["host's own routes", "include(wagtail_urls)"]}
    exec(readme_blocks()["urls"][1], namespace)  # noqa: S102 - the README's own block
    first = namespace["urlpatterns"][0]
    assert first.pattern.describe() == "''" and first.urlconf_name.__name__ == "course.urls"
    assert namespace["urlpatterns"][-2:] == ["host's own routes", "include(wagtail_urls)"]


def test_commands_block():
    assert readme_blocks()["commands"][1].split("\n") == [
        "python manage.py migrate",
        "python manage.py setup_roles",
        "",
    ]
