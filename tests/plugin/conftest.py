"""tests/plugin runs only against the minimal host (`make test` runs it as a second pytest session:
`pytest tests/plugin --ds=tests.plugin.minimal_settings`). Under the demo's settings these
tests would prove nothing about a host without the demo, so the main run leaves them out."""

import os

MINIMAL_SETTINGS = "tests.plugin.minimal_settings"

# pytest-django has put --ds (or the ini's DJANGO_SETTINGS_MODULE) in the environment by now.
collect_ignore_glob = [] if os.environ.get("DJANGO_SETTINGS_MODULE") == MINIMAL_SETTINGS else ["*"]
