"""The supported versions, tested: one nox session per Python and Django pair, all on Wagtail 8.

    nox -s "tests(py3.12-django6.0)"     # one pair
    nox -p 3.12 3.13                     # the pairs on these Pythons
    nox                                  # every pair, one after the other (`make test-matrix`)

Each session runs the whole suite on SQLite in its own virtual environment under .nox/: the demo
host's tests and `tests/plugin` against the minimal host. The pairs are pyproject.toml's
[tool.pinewood] test-matrix. The first pair is also the project's own `.venv`, where `make test`
runs it, and where CI runs it once more on PostgreSQL; CI runs the other pairs here.

Interpreters are looked up on PATH, then among pyenv's installed versions. A missing one is
installed with `pyenv install` when `PINEWOOD_INSTALL_PYTHON=1` (CI sets it); otherwise its
session is skipped and nox prints which interpreter was not found and how to get it.
"""

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import nox

ROOT = Path(__file__).parent
# (Python, Django feature release, the exact Django tested), from pyproject.toml's
# [tool.pinewood] test-matrix; the first row is the one requirements.txt pins.
MATRIX = [
    (row["python"], ".".join(row["django"].split(".")[:2]), row["django"])
    for row in tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pinewood"]["test-matrix"]
]
# Printed first by each session, so its log says what it ran on.
VERSIONS = (
    "import django, platform, wagtail; "
    "print('Python', platform.python_version(), 'Django', django.__version__, 'Wagtail', wagtail.__version__)"
)
nox.options.reuse_venv = "yes"
# Never fetch an interpreter from the internet: pyenv (below) or skip with a message.
nox.options.download_python = "never"
nox.options.error_on_missing_interpreters = False
nox.options.sessions = ["tests"]


def run(*command):
    """A fixed command of ours (pyenv, or an interpreter it found): exit status and output."""
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    return result.returncode, result.stdout.strip()


def pyenv_python(version):
    """The newest pyenv-installed X.Y.Z interpreter for `version` (X.Y), or None."""
    pyenv = shutil.which("pyenv")
    if not pyenv:
        return None
    _, root = run(pyenv, "root")
    candidates = sorted(
        (tuple(int(part) for part in path.name.split(".")), path / "bin" / f"python{version}")
        for path in Path(root, "versions").glob(f"{version}.*")
        if re.fullmatch(rf"{re.escape(version)}\.\d+", path.name)
    )
    found = [binary for _, binary in candidates if binary.exists()]
    return found[-1] if found else None


def works(command):
    """pyenv's shims exist for every version it knows but fail for inactive ones."""
    path = shutil.which(command)
    if not path:
        return False
    return run(path, "-c", "pass")[0] == 0


def put_interpreters_on_path():
    """Make `pythonX.Y` of each pair findable by nox before it looks."""
    for version, _, _ in MATRIX:
        if works(f"python{version}"):
            continue
        binary = pyenv_python(version)
        pyenv = shutil.which("pyenv")
        if binary is None and os.environ.get("PINEWOOD_INSTALL_PYTHON") == "1" and pyenv:
            print(f"noxfile: installing Python {version} with pyenv (PINEWOOD_INSTALL_PYTHON=1)")
            status, _ = run(pyenv, "install", "--skip-existing", version)
            binary = pyenv_python(version) if status == 0 else None
        if binary is None:
            print(
                f"noxfile: Python {version} was not found on PATH or in pyenv; its session will be "
                f"skipped. Install it (`pyenv install {version}`), or set PINEWOOD_INSTALL_PYTHON=1 to let "
                "this file do so with pyenv."
            )
            continue
        os.environ["PATH"] = f"{binary.parent}{os.pathsep}{os.environ['PATH']}"


put_interpreters_on_path()


def install(session, django):
    """requirements-dev.txt with the pair's Django in place of requirements.txt's pin."""
    pinned = (ROOT / "requirements.txt").read_text()
    requirements = Path(session.create_tmp()).resolve() / "requirements.txt"
    requirements.write_text(re.sub(r"(?m)^Django==\S+$", f"Django=={django}", pinned))
    dev = (ROOT / "requirements-dev.txt").read_text().replace("-r requirements.txt", f"-r {requirements}")
    dev_file = requirements.with_name("requirements-dev.txt")
    dev_file.write_text(dev)
    session.install("--quiet", "-r", str(dev_file))


@nox.session(allow_parallel=True)
@nox.parametrize(
    "python,django",
    [(python, exact) for python, _, exact in MATRIX],
    ids=[f"py{python}-django{feature}" for python, feature, _ in MATRIX],
)
def tests(session, django):
    """The whole suite on SQLite."""
    install(session, django)
    session.run("python", "-c", VERSIONS)
    session.run("python", "-m", "pytest", "-n", os.environ.get("PYTEST_WORKERS", "auto"), *session.posargs)
    session.run("python", "-m", "pytest", "tests/plugin", "--ds=tests.plugin.minimal_settings")
