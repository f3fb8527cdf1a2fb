"""Make an upgrade snapshot: the database a released version leaves behind, as a gzipped SQL dump.

    .venv/bin/python -m tests.upgrade.make_snapshot v0.1.0 0.1.0

Checks out the git ref in a temporary worktree, and there, on a new SQLite database, runs
`migrate`, `load_demo --allow-demo-passwords` and, when tests/upgrade/snapshots/NAME.graduate.py
exists, that script through `manage.py shell` (for a release whose demo lacks learner records).
The dump goes to tests/upgrade/snapshots/NAME.sql.gz, which tests/upgrade/check_upgrade.py
migrates to the current tree. Needs the sqlite3 shell. Demo data only: no real person is in a snapshot.
"""

import argparse
import gzip
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = ROOT / "tests" / "upgrade" / "snapshots"


def run(command, **kwargs):
    print("$", " ".join(str(part) for part in command))
    subprocess.run(command, check=True, **kwargs)  # noqa: S603 - git and manage.py with our arguments


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("ref", help="the release's git tag or commit")
    parser.add_argument("name", help="the snapshot's name: the release's version, e.g. 0.1.0")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="pinewood-snapshot-"))
    tree, database = workdir / "tree", workdir / "db.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "MEDIA_ROOT": str(workdir / "media")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    run(["git", "worktree", "add", "--detach", tree, args.ref], cwd=ROOT)
    try:
        manage = [sys.executable, "manage.py"]
        run([*manage, "migrate", "--noinput"], cwd=tree, env=env)
        run([*manage, "load_demo", "--allow-demo-passwords"], cwd=tree, env=env)
        extra = SNAPSHOTS / f"{args.name}.graduate.py"
        if extra.exists():
            run([*manage, "shell", "--command", extra.read_text()], cwd=tree, env=env)
    finally:
        run(["git", "worktree", "remove", "--force", tree], cwd=ROOT)

    target = SNAPSHOTS / f"{args.name}.sql.gz"
    # The sqlite3 shell, not Python's iterdump(): only the shell dumps the full-text search tables
    # (virtual tables and their shadow tables) in an order that loads back.
    dumped = subprocess.run(["sqlite3", database, ".dump"], capture_output=True, check=True)  # noqa: S603, S607
    with gzip.open(target, "wb") as dump:
        dump.write(dumped.stdout)
    print(f"wrote {target.relative_to(ROOT)} ({target.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
