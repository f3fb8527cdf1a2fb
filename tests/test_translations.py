"""The plugin's French catalogues, and the demo host's: complete, compiled from the committed .po
files, and used.

Each app ships `locale/fr/LC_MESSAGES/django.po` and its compiled `django.mo` (the wheel carries
both); the demo host's (`lms_site/locale/`) holds its site-wide templates (`templates/`) and its
own Python messages. A message added to a template without its French, an entry left fuzzy, or a .mo not
rebuilt after editing the .po fails here; so does a user-facing string in Python left unmarked
(labels, help texts, headings, choices, messages, errors, email subjects), or marked without
running makemessages. The last tests read French through the plugin's own interfaces: an
enrollment's status, a form's errors, the certificate PDF and an email subject.
"""

import ast
import codecs
import gettext
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from course.certificates import certificate_pdf
from course.forms import NameForm
from course.models import Enrollment
from course.progress import issue_certificate
from course.tasks import send_enrollment_email
from tests.factories import enroll_as, make_course, make_user

ROOT = Path(__file__).resolve().parents[1]
APPS = ("course", "lessons", "lms_site")  # the plugin's two apps, and the demo host
CATALOGUES = [ROOT / app / "locale" / "fr" / "LC_MESSAGES" / "django.po" for app in APPS]
ENTRY = re.compile(r"\n\n(?=(?:#.*\n)*(?:msgctxt|msgid) )")


def unquote(lines):
    return "".join(
        line.split('"', 1)[1].rsplit('"', 1)[0].encode("latin-1", "backslashreplace").decode("unicode_escape")
        for line in lines
    )


def entries(po_file):
    """(flags, context, msgid, plural msgid, [msgstr…]) of each entry but the header."""
    text = po_file.read_text(encoding="utf-8")
    for block in ENTRY.split(text)[1:]:
        fields, flags, current = {}, "", None
        for line in block.splitlines():
            if line.startswith("#,"):
                flags += line
            elif line.startswith("#") or not line.strip():
                continue
            elif line.startswith('"'):
                fields[current].append(line)
            else:
                current = line.split(" ", 1)[0]
                fields[current] = [line]
        strings = [unquote(fields[key]) for key in sorted(fields) if key.startswith("msgstr")]
        yield (
            flags,
            unquote(fields["msgctxt"]) if "msgctxt" in fields else None,
            unquote(fields["msgid"]),
            unquote(fields["msgid_plural"]) if "msgid_plural" in fields else None,
            strings,
        )


@pytest.mark.parametrize("po_file", CATALOGUES, ids=lambda path: path.parts[-5])
def test_every_message_has_its_french_and_the_mo_file_is_current(po_file):
    with po_file.with_suffix(".mo").open("rb") as mo_file:
        compiled = gettext.GNUTranslations(mo_file)
    header = po_file.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert "fuzzy" not in header and '"Language: fr\\n"' in header
    checked = 0
    for flags, context, msgid, plural, strings in entries(po_file):
        assert "fuzzy" not in flags, msgid
        assert strings and all(strings), f"no French for {msgid!r}"
        # Every placeholder of the English is in the French, and nothing else.
        assert sorted(re.findall(r"%\(\w+\)s", msgid)) == sorted(re.findall(r"%\(\w+\)s", strings[0])), msgid
        key = msgid if context is None else f"{context}\x04{msgid}"
        if plural is None:
            assert compiled.gettext(key) == strings[0], f"{msgid!r}: the .mo file is older than the .po"
        else:
            assert compiled.ngettext(key, plural, 1) == strings[0]
            assert compiled.ngettext(key, plural, 5) == strings[1], f"{msgid!r}: the .mo file is older"
        checked += 1
    assert checked > (30 if po_file.parts[-5] == "lms_site" else 50)


def test_pages_render_in_french(french_gated_course):
    """The language is the URL's: the French lesson (/fr/…) and /fr/search/ in French, the English
    ones in English, whatever the browser asks for."""
    preview = french_gated_course.lessons[0]
    with translation.override("fr"):
        expected = [translation.gettext("Course outline"), translation.gettext("Free preview")]
        search_title = translation.gettext("Search")
    page = Client(headers={"accept-language": "en"}).get(preview.url).content.decode()
    assert all(french in page for french in expected), expected
    assert "Course outline" not in page
    assert search_title in Client().get("/fr/search/").content.decode()
    english = Client(headers={"accept-language": "fr"}).get(french_gated_course.source.lessons[0].url)
    assert "Course outline" in english.content.decode()


def header(html):
    return html.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]


def test_the_host_header_and_pages_follow_the_language(french_gated_course, settings):
    """The demo host's own templates (lms_site/locale/): a French page has the French header,
    whose links stay in French, and footer; the English page the English ones; the French 404
    and log-in pages are in French."""
    # A request leaves its language active in the thread (as Django's LocaleMiddleware does): the
    # override puts the previous one back for the tests that follow.
    with translation.override(settings.LANGUAGE_CODE):
        french = Client(headers={"accept-language": "en"}).get(french_gated_course.url).content.decode()
        nav = header(french)
        for text in (
            '<a href="/fr/">Cours</a>',
            '<a href="/fr/articles/">Articles</a>',
            ">Rechercher</a>",
            ">Se connecter</a>",
            'class="brand" href="/fr/"',
            'aria-label="Principale"',
        ):
            assert text in nav, text
        assert "Courses" not in nav and "Log in" not in nav and 'href="/"' not in nav
        assert "Aller au contenu principal" in french and "cours en ligne de la formation Pinewood" in french

        english = (
            Client(headers={"accept-language": "fr"}).get(french_gated_course.source.url).content.decode()
        )
        nav = header(english)
        assert '<a href="/">Courses</a>' in nav and '<a href="/articles/">Articles</a>' in nav
        assert ">Log in</a>" in nav and 'aria-label="Main"' in nav and "Rechercher" not in nav
        assert "Skip to main content" in english and "online courses from the Pinewood mesotherapy" in english

        missing = Client().get("/fr/no-such-page/")
        assert missing.status_code == 404
        page = missing.content.decode()
        assert (
            '<html lang="fr">' in page
            and "<h1>Page introuvable</h1>" in page
            and "Page not found" not in page
        )
        assert '<a href="/fr/">Cours</a>' in header(page)
        assert "<h1>Page not found</h1>" in Client().get("/no-such-page/").content.decode()

        log_in = Client().get("/fr/accounts/login/").content.decode()
        assert "<title>Se connecter · " in log_in and "<h1>Se connecter</h1>" in log_in
        assert '<a href="/fr/accounts/signup/">Créez d\'abord un compte</a>' in log_in


# --- Python code: every user-facing string marked, and in the catalogues ----------------------------

PYTHON_MODULES = sorted(
    path
    for app in APPS
    for path in (ROOT / app).rglob("*.py")
    # Not the demo host's settings, nor its demo content (translated as pages, lms_site/demo/fr/).
    if not {"migrations", "management", "settings", "demo"} & set(path.parts[len(ROOT.parts) :])
)
# Where a string is read by people: keyword arguments and dict keys (form fields, model fields,
# panels, blocks, columns, filters, breadcrumbs), class attributes (Meta, blocks, viewsets, bulk
# actions, admin views and panels), and the first argument of what shows or sends a message.
USER_FACING_KEYWORDS = {"label", "help_text", "verbose_name", "verbose_name_plural", "heading", "empty_label"}
USER_FACING_ATTRIBUTES = USER_FACING_KEYWORDS | {
    "menu_label",
    "add_item_label",
    "page_title",
    "display_name",
    "aria_label",
    "short_description",
    "verb",
    "not_applicable",
    "empty",
}
MESSAGE_LEVELS = {"debug", "info", "success", "warning", "error"}
RELATION_FIELDS = {"ForeignKey", "OneToOneField", "ManyToManyField"}
# Calls whose message argument (by position) people read.
MESSAGE_CALLS = {
    "ValidationError": 0,
    "add_error": 1,
    "EnrollmentError": 1,
    "InvitationError": 1,
    "QuizSubmissionError": 0,
    "ImportFileError": 0,
    "send_mail": 0,
    "EmailMultiAlternatives": 0,
}


def is_text(node):
    """A literal a reader would see: a string with a word in it, or an f-string."""
    if isinstance(node, ast.JoinedStr):
        return True
    if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
        return False
    return bool(re.search(r"[A-Za-z]{2}", node.value))


def call_name(call):
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def unmarked_strings(tree):
    """(line, text) of each literal in a user-facing place that is not passed through gettext."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            found += [(kw.value, kw.arg) for kw in node.keywords if kw.arg in USER_FACING_KEYWORDS]
            for kw in node.keywords:
                if kw.arg == "choices" and isinstance(kw.value, ast.List):
                    found += [
                        (pair.elts[1], "choices") for pair in kw.value.elts if isinstance(pair, ast.Tuple)
                    ]
                if kw.arg == "error_messages" and isinstance(kw.value, ast.Dict):
                    found += [(value, "error_messages") for value in kw.value.values]
            name = call_name(node)
            position = MESSAGE_CALLS.get(name)
            receiver = getattr(getattr(node.func, "value", None), "id", "")
            if name in MESSAGE_LEVELS and receiver == "messages":
                position = 1  # messages.success(request, "…")
            if receiver == "models" and name.endswith("Field") and name not in RELATION_FIELDS:
                position = 0  # a model field's verbose name: models.DecimalField("CPD hours", …)
            if position is not None and len(node.args) > position:
                argument = node.args[position]
                values = argument.values if isinstance(argument, ast.Dict) else [argument]
                found += [(value, name) for value in values]
        elif isinstance(node, ast.Dict):
            found += [
                (value, "label")
                for key, value in zip(node.keys, node.values, strict=True)
                if isinstance(key, ast.Constant) and key.value == "label"
            ]
        elif isinstance(node, ast.Assign):  # something.short_description = "…"
            found += [
                (node.value, target.attr)
                for target in node.targets
                if isinstance(target, ast.Attribute) and target.attr in USER_FACING_ATTRIBUTES
            ]
        elif isinstance(node, ast.ClassDef):
            choices = any("Choices" in ast.unparse(base) for base in node.bases)
            for statement in node.body:
                if not isinstance(statement, ast.Assign):
                    continue
                value = statement.value
                if choices and isinstance(value, ast.Tuple) and len(value.elts) == 2:
                    found.append((value.elts[1], "choice label"))  # TextChoices: NAME = "value", "Label"
                found += [
                    (value, target.id)  # class attributes: label = "…", page_title = "…"
                    for target in statement.targets
                    if isinstance(target, ast.Name) and target.id in USER_FACING_ATTRIBUTES
                ]
    return sorted((value.lineno, ast.unparse(value)) for value, _ in found if is_text(value))


@pytest.mark.parametrize("module", PYTHON_MODULES, ids=lambda path: str(path.relative_to(ROOT)))
def test_user_facing_strings_in_python_are_marked_for_translation(module):
    """Labels, help texts, headings, choices, messages, errors and email subjects go through
    gettext (`gettext_lazy` where they are read at import time); log messages and identifiers
    are not in these places. Fix: wrap the text in `_()`/`gettext()` with %(name)s placeholders."""
    unmarked = unmarked_strings(ast.parse(module.read_text(encoding="utf-8")))
    assert not unmarked, f"{module.relative_to(ROOT)}: not marked for translation: {unmarked}"


def test_the_python_check_finds_unmarked_text():
    source = """
class Thing(models.Model):
    class Kind(models.TextChoices):
        A = "a", "Plain label"
        B = "b", _("Marked label")
    name = models.CharField(help_text="Plain help", verbose_name=_("name"))

    class Meta:
        verbose_name = "thing"

def view(request, name):
    messages.success(request, f"Saved {name}.")
    messages.info(request, gettext("Saved."))
    raise ValidationError("Bad value")
"""
    assert [text for _, text in unmarked_strings(ast.parse(source))] == [
        "'Plain label'",
        "'Plain help'",
        "'thing'",
        "f'Saved {name}.'",
        "'Bad value'",
    ]


@pytest.mark.parametrize("app", APPS)
def test_every_marked_message_is_in_the_committed_catalogue(app, tmp_path, monkeypatch, settings):
    """A fresh `makemessages` (into a copy of the app) finds no message the committed .po lacks:
    a string marked in Python or a template without running makemessages and translating fails.
    The demo host's runs as README says, from the project root (here a copy of `templates/` and
    `lms_site/`), into `LOCALE_PATHS` (the copy's `lms_site/locale`)."""
    copy = tmp_path / app
    shutil.copytree(ROOT / app, copy, ignore=shutil.ignore_patterns("__pycache__", "static", "media", "*.mo"))
    if app == "lms_site":
        shutil.copytree(ROOT / "templates", tmp_path / "templates")
        settings.LOCALE_PATHS = [copy / "locale"]
        monkeypatch.chdir(tmp_path)
    else:
        monkeypatch.chdir(copy)
    call_command("makemessages", locale=["fr"], keep_pot=True, verbosity=0)
    fresh = {(context, msgid) for _, context, msgid, _, _ in entries(copy / "locale" / "django.pot")}
    catalogue = ROOT / app / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    committed = {(context, msgid) for _, context, msgid, _, _ in entries(catalogue)}
    missing = sorted(fresh - committed, key=str)
    where = "from the project root (README, Languages)" if app == "lms_site" else f"in {app}/"
    assert not missing, f"run makemessages {where} and translate: {missing}"


# --- French through the plugin's public interfaces -------------------------------------------------


# The student's language, on an enrollment that records one (emails and certificates are written in it).
FRENCH = {"language": "fr"} if any(field.name == "language" for field in Enrollment._meta.fields) else {}


def pdf_text(pdf):
    """The text runs of an uncompressed reportlab PDF (standard fonts: cp1252; octal escapes, and
    backslashes before parentheses), no-break spaces read as spaces."""
    runs = re.findall(rb"\(((?:[^()\\]|\\.)*)\) Tj", pdf)
    text = [codecs.escape_decode(re.sub(rb"\\([()])", rb"\1", run))[0].decode("cp1252") for run in runs]
    return [run.replace("\u00a0", " ") for run in text]


def test_enrollment_status_and_source_read_in_french(db, catalogue):
    course, _ = make_course(catalogue, "Injection Basics", modules=1, lessons=1)
    enrollment = enroll_as(make_user("ana"), course)
    with translation.override("fr"):
        assert enrollment.get_status_display() == "En cours"
        assert enrollment.get_source_display() == "Auto-inscription"
        assert str(Enrollment.Status.PENDING.label) == "En attente de validation"
    assert enrollment.get_status_display() == "Active"


def test_form_errors_read_in_french():
    with translation.override("fr"):
        form = NameForm({"first_name": "", "last_name": "42"})
        assert not form.is_valid()
        assert form.errors["first_name"] == [
            "Saisissez votre prénom tel qu'il doit figurer sur vos certificats."
        ]
        assert form.errors["last_name"] == ["Un nom doit comporter au moins une lettre."]
        assert str(form.fields["first_name"].label) == "Prénom"
    english = NameForm({"first_name": "Ana", "last_name": "42"})
    assert english.errors["last_name"] == ["A name needs at least one letter."]


def test_certificate_pdf_reads_in_french(db, catalogue):
    course, _ = make_course(
        catalogue, "Injection Basics", modules=1, lessons=1, cpd_hours=Decimal("6.0"), accrediting_body="CNP"
    )
    # A French-speaking student (the enrollment's language, where the plugin records one), on a
    # French page; the same certificate for an English-speaking one.
    french_student = enroll_as(make_user("ana", first_name="Ana", last_name="Lima"), course, **FRENCH)
    certificate, _ = issue_certificate(french_student)
    with translation.override("fr"):
        french = pdf_text(certificate_pdf(certificate, verify_url="https://example.com/v/"))
    assert "Certificat de réussite" in french and "Ce certificat atteste que" in french
    assert "6,0 heures de formation continue (DPC), accréditées par CNP" in french
    assert f"Code du certificat : {certificate.code}" in french
    certificate, _ = issue_certificate(enroll_as(make_user("bo", first_name="Bo", last_name="Berg"), course))
    english = pdf_text(certificate_pdf(certificate, verify_url="https://example.com/v/"))
    assert "Certificate of Completion" in english and "6.0 CPD hours, accredited by CNP" in english
    assert f"Certificate code {certificate.code}" in english


def test_email_subjects_read_in_french(db, catalogue):
    course, _ = make_course(catalogue, "Pottery", modules=1, lessons=1)
    with translation.override("fr"):
        send_enrollment_email.call(enroll_as(make_user("ana"), course, **FRENCH).pk)
    assert mail.outbox[-1].subject == "Inscription confirmée\u00a0: Pottery"
    send_enrollment_email.call(enroll_as(make_user("bo"), course).pk)
    assert mail.outbox[-1].subject == "You are enrolled: Pottery"
