"""Build the plugin's sdist and wheel (`python -m build`) from a copy of the source tree.

The copy keeps the repository free of build/ and *.egg-info/ while tests run, and keeps what a
working tree has lying around (__pycache__/, other engineers' files) so the tests see that it
stays out. Used by tests/plugin/test_package.py and tests/plugin/check_wheel_host.py.
"""

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
NOT_COPIED = shutil.ignore_patterns(
    ".git",
    ".venv",
    ".nox",
    "node_modules",
    "build",
    "dist",
    "*.egg-info",
    ".pytest_cache",
    ".ruff_cache",
    "media",
    "static_collected",
    "test-results",
    "db.sqlite3",
)


def build(workdir):
    """Build into `workdir`/dist; returns (sdist path, wheel path)."""
    workdir = Path(workdir)
    source = workdir / "source"
    shutil.copytree(REPO, source, ignore=NOT_COPIED)
    outdir = workdir / "dist"
    # Both, the wheel built from the sdist: so the sdist is complete enough to build from.
    result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "build", "--outdir", str(outdir), str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"python -m build failed:\n{result.stdout}\n{result.stderr}")
    (sdist,) = outdir.glob("pinewood_lms-*.tar.gz")
    (wheel,) = outdir.glob("pinewood_lms-*-py3-none-any.whl")
    return sdist, wheel
