"""Refresh the French demo's PO files (this folder) from the English demo in a database.

Run it on a database where `load_demo` has loaded the demo, after changing the English demo text:

    DJANGO_SETTINGS_MODULE=lms_site.settings.dev .venv/bin/python lms_site/demo/fr/export.py

Each page's file is rewritten from the page's current English segments (wagtail-localize's
`TranslationSource`); the French already written is kept, and entries whose English is gone are
dropped. Translate the entries left with an empty msgstr (and review any marked fuzzy, then
remove the flag): `load_demo` refuses a file with an empty, fuzzy or stale entry.
lms_site/demo/translations.py explains the files' format.
"""

import os
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[3]


def main(argv):
    sys.path.insert(0, str(PROJECT_ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms_site.settings.dev")
    import django  # noqa: PLC0415 - the project goes on the path first

    django.setup()
    from lms_site.demo.translations import PO_DIRECTORY, export_po_files  # noqa: PLC0415 - needs Django set up

    directory = Path(argv[0]) if argv else PO_DIRECTORY
    untranslated = export_po_files(directory)
    for name, missing in sorted(untranslated.items()):
        print(f"{directory / name}: " + (f"{missing} entries to translate" if missing else "complete"))
    return 1 if any(untranslated.values()) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
