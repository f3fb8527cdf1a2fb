"""The `pinewood-lms` sdist and wheel: the course and lessons packages with everything they need
(templates, static files, migrations, management commands), and nothing of the demo host,
the tests or the benchmarks."""

import email
import tarfile
import tomllib
import zipfile
from pathlib import Path, PurePosixPath

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from tests.plugin.dist import build

PLUGIN_PACKAGES = ("course", "lessons")
MUST_SHIP = [
    "course/__init__.py",
    "course/urls.py",
    "course/checks.py",
    "course/templates/course/base.html",
    "course/static/course/css/course.css",
    "course/migrations/0001_initial.py",
    "course/management/commands/setup_roles.py",
    "course/templatetags/seo_tags.py",
    "lessons/models.py",
    "lessons/templates/lessons/lesson_page.html",
    "lessons/templates/lessons/blocks/gated_section.html",
    "lessons/migrations/0001_initial.py",
]
NEVER_SHIPPED = (
    "lms_site/",
    "tests/",
    "bench/",
    "templates/",
    "docs/",
    "manage.py",
    "requirements",
    "noxfile.py",
    "gunicorn.conf.py",
)
DEPENDENCIES = {
    "wagtail<9,>=8.0.1",
    "Django<6.2,>=5.2",
    "Pillow<14,>=13",
    "reportlab<6,>=5.1",
    "segno<2,>=1.6.6",
    "joserfc<2,>=1.8",
    "django-tasks<0.13,>=0.12",
    "wagtailmedia<0.20,>=0.19.1",
}


# The Python and Django pairs noxfile.py tests (pyproject.toml, [tool.pinewood] test-matrix).
PYPROJECT = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())
TEST_MATRIX = PYPROJECT["tool"]["pinewood"]["test-matrix"]


def feature(version):
    return ".".join(version.split(".")[:2])


@pytest.fixture(scope="module")
def dists(tmp_path_factory):
    return build(tmp_path_factory.mktemp("pinewood-dist"))


@pytest.fixture(scope="module")
def source(dists):
    """Every file of the plugin packages in the tree the dists were built from (no caches)."""
    root = dists[0].parent.parent / "source"
    return {
        path.relative_to(root).as_posix()
        for package in PLUGIN_PACKAGES
        for path in (root / package).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }


@pytest.fixture(scope="module")
def wheel_files(dists):
    with zipfile.ZipFile(dists[1]) as wheel:
        return [name for name in wheel.namelist() if not name.endswith("/")]


@pytest.fixture(scope="module")
def sdist_files(dists):
    with tarfile.open(dists[0]) as sdist:
        names = [member.name for member in sdist.getmembers() if member.isfile()]
    # Drop the "pinewood_lms-0.1.0/" folder every member sits in.
    return [str(PurePosixPath(*PurePosixPath(name).parts[1:])) for name in names]


def assert_plugin_only(files):
    for name in files:
        assert not name.startswith(NEVER_SHIPPED), name
        assert "__pycache__" not in name and not name.endswith((".pyc", ".pyo")), name


def test_wheel_holds_the_plugin_packages_and_nothing_else(wheel_files, source):
    assert_plugin_only(wheel_files)
    tops = {name.split("/", 1)[0] for name in wheel_files}
    assert tops == {"course", "lessons", "pinewood_lms-0.1.0.dist-info"}
    for name in MUST_SHIP:
        assert name in wheel_files, name
    # Every template, static file, migration and command of the packages, not only those listed.
    shipped = {name for name in wheel_files if not name.startswith("pinewood_lms-")}
    assert shipped == source, f"missing: {sorted(source - shipped)}; extra: {sorted(shipped - source)}"


def test_wheel_metadata(dists):
    with zipfile.ZipFile(dists[1]) as wheel:
        metadata = email.message_from_bytes(wheel.read("pinewood_lms-0.1.0.dist-info/METADATA"))
    assert metadata["Name"] == "pinewood-lms"
    assert metadata["Requires-Python"] == ">=3.11"
    assert set(metadata.get_all("Requires-Dist")) == DEPENDENCIES


def test_declared_versions_are_the_tested_ones(dists):
    """What the package claims to support is what the nox matrix runs: no more, no less."""
    with zipfile.ZipFile(dists[1]) as wheel:
        metadata = email.message_from_bytes(wheel.read("pinewood_lms-0.1.0.dist-info/METADATA"))
    classifiers = set(metadata.get_all("Classifier"))
    declared_pythons = {
        c.rsplit(" :: ", 1)[1] for c in classifiers if c.startswith("Programming Language :: Python :: 3.")
    }
    declared_djangos = {
        c.rsplit(" :: ", 1)[1] for c in classifiers if c.startswith("Framework :: Django :: ")
    }
    assert declared_pythons == {row["python"] for row in TEST_MATRIX}
    assert declared_djangos == {feature(row["django"]) for row in TEST_MATRIX}
    assert "Framework :: Wagtail :: 8" in classifiers
    requires_python = SpecifierSet(metadata["Requires-Python"])
    django = next(
        Requirement(line) for line in metadata.get_all("Requires-Dist") if Requirement(line).name == "Django"
    )
    for row in TEST_MATRIX:
        assert requires_python.contains(f"{row['python']}.0"), row
        assert django.specifier.contains(row["django"]), row
    # The first row is the pair requirements.txt pins and `make test` runs.
    pins = (Path(__file__).resolve().parents[2] / "requirements.txt").read_text().splitlines()
    assert f"Django=={TEST_MATRIX[0]['django']}" in pins


def test_sdist_holds_the_same_packages(sdist_files, source):
    assert_plugin_only(sdist_files)
    for name in ["pyproject.toml", "README.md", "CHANGELOG.md", "PKG-INFO", *MUST_SHIP]:
        assert name in sdist_files, name
    packaged = {name for name in sdist_files if name.startswith(tuple(f"{p}/" for p in PLUGIN_PACKAGES))}
    assert packaged == source, f"missing: {sorted(source - packaged)}; extra: {sorted(packaged - source)}"
