"""Run manage.py in a separate process, as a deployment would."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def run_with_production_settings(*args, **env):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms_site.settings.production",
        "SECRET_KEY": "a-long-random-production-secret-" + "x9Qz" * 10,
        "ALLOWED_HOSTS": "courses.example.com",
        "WAGTAILADMIN_BASE_URL": "https://courses.example.com",
        "DATABASE_URL": "sqlite:///:memory:",
        **env,
    }
    environment.pop("DEBUG", None)
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
