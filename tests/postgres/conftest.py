"""Tests here need real row locks and run only against PostgreSQL (CI runs the suite on both).

On another database they are deselected (not skipped): `make test` on SQLite
reports them as deselected, and `.ci/run` runs them with DATABASE_URL set.
"""

from django.db import connection


def pytest_collection_modifyitems(config, items):
    if connection.vendor == "postgresql":
        return
    here = __file__.rsplit("/", 1)[0]
    selected, deselected = [], []
    for item in items:
        (deselected if str(item.path).startswith(here) else selected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected
