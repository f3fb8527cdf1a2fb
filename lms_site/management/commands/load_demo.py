"""Build (or refresh) the demo site: the Pinewood Academy catalogue and the mesotherapy course.

Idempotent: pages are found by slug under their parent and updated in place,
images, clips and captions by title in their collection ("Demo" for course figures and the
video, "Marketing" for the marketers' banners), users by username, and the demo cohort's
enrollments, completions and quiz attempts by user and course or lesson (see `demo.cohort`).
The catalogue, the mesotherapy course and its teaser article also get their French translations,
through wagtail-localize, from the PO files in lms_site/demo/fr/ (see `demo.translations`).
"""

import datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from wagtail.documents.models import Document
from wagtail.fields import StreamField
from wagtail.images import get_image_model
from wagtail.images.rect import Rect
from wagtail.models import Collection, Page, Site
from wagtailmedia import get_media_model

from course import conf
from course.admin.roles import COURSE_ADMINISTRATORS, MARKETERS, STUDENTS, marketing_collection, setup_roles
from course.models import (
    ArticleIndexPage,
    ArticlePage,
    BrandSettings,
    CourseIndexPage,
    CoursePage,
    Enrollment,
    Invitation,
    ModulePage,
)
from lessons.models import LessonPage
from lms_site.demo import banner, promos, teaser, ultrasound
from lms_site.demo.cohort import load_cohort
from lms_site.demo.course import course_data
from lms_site.demo.images import FIGURES
from lms_site.demo.posters import POSTERS
from lms_site.demo.translations import translate_demo

# The demo's clips (made once with ffmpeg, see lms_site/demo/media/make_clip.sh), by file name.
DEMO_MEDIA = Path(__file__).resolve().parents[2] / "demo" / "media"
DEMO_CLIPS = {"intradermal-technique": "Intradermal technique (demo clip)"}

# The demo's course branding (Settings → Course branding in the admin): the plugin names the
# organisation only through this site setting.
DEMO_BRAND = {
    "organisation_name": "Pinewood Academy",
    "certificate_signatory_name": "Pinewood mesotherapy course faculty",
    "certificate_signatory_title": "Course authors",
    "email_sender_name": "Pinewood Academy",
    "footer_disclaimer": (
        "Course material is for professional education and does not replace individual medical advice."
    ),
}

# What the demo course's certificate certifies, and who signs it. Every name is made up: the
# accrediting body does not exist.
DEMO_CERTIFICATE = {
    "cpd_hours": Decimal("6.0"),
    "accrediting_body": "Northmere Council for Continuing Education (fictional, demo only)",
    "certificate_validity_months": 24,
    "signatory_name": "Dr Robin Ashdown",
    "signatory_title": "Course Director (fictional)",
}

# The demo's pending invitation: a made-up address (example.com is reserved for examples).
DEMO_INVITEE = "invitee@example.com"

DEMO_USERS = [
    # username, email, password, superuser, role (Wagtail group from `setup_roles`), name
    ("admin", "admin@example.com", "pinewood-admin", True, None, ("Alex", "Admin")),
    ("student", "student@example.com", "pinewood-student", False, STUDENTS, ("Sam", "Student")),
    (
        "courseadmin",
        "courseadmin@example.com",
        "pinewood-courseadmin",
        False,
        COURSE_ADMINISTRATORS,
        ("Cora", "Coordinator"),
    ),
    ("marketer", "marketer@example.com", "pinewood-marketer", False, MARKETERS, ("Mia", "Marketer")),
]


class Command(BaseCommand):
    help = "Load the demo course (idempotent). Creates local-only demo users unless --no-users."

    def add_arguments(self, parser):
        parser.add_argument("--no-users", action="store_true", help="Build content only; create no users.")
        parser.add_argument(
            "--allow-demo-passwords",
            action="store_true",
            help="Create demo users with their documented passwords even when DEBUG is off.",
        )

    def handle(self, *args, no_users=False, allow_demo_passwords=False, **options):
        if not no_users and not settings.DEBUG and not allow_demo_passwords:
            raise CommandError(
                "Refusing to create demo users with publicly known passwords while DEBUG is off. "
                "Use --no-users to load content only, or --allow-demo-passwords if this is a local machine."
            )
        with transaction.atomic():
            images = self.load_images()
            clips = self.load_clips()
            starter_banner = self.load_marketing_images()
            posters = self.load_posters()
            catalogue = self.load_catalogue()
            self.load_brand()
            course = self.load_course(catalogue, images, clips)
            second_course = self.load_second_course(catalogue, posters[ultrasound.HERO_POSTER])
            article = self.load_article(catalogue, course, starter_banner)
            more_articles = self.load_more_articles(article.get_parent(), posters)
            # The French catalogue, course and teaser (lms_site/demo/fr/), before the roles, whose
            # page permissions cover every catalogue and article index.
            french = translate_demo()
            groups = {group.name: group for group in setup_roles()}  # page permissions need the pages
            if not no_users:
                self.load_users(course, [article, *more_articles], groups)
                load_cohort(course, second_course, groups[STUDENTS])
        lessons = LessonPage.objects.descendant_of(course).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: '{course.title}' with {ModulePage.objects.child_of(course).count()} modules "
                f"and {lessons} lessons, {len(images)} images; article '{article.title}' "
                f"with the Marketing collection's '{starter_banner.title}'; '{second_course.title}' "
                f"with {LessonPage.objects.descendant_of(second_course).count()} lessons; "
                f"{1 + len(more_articles)} articles; {len(french)} pages in French."
            )
        )
        if not no_users:
            for _username, email, password, _superuser, _role, _name in DEMO_USERS:
                self.stdout.write(f"  log in as {email} / {password} (local use only)")

    # --- pieces ----------------------------------------------------------------------------------

    def load_images(self):
        Image = get_image_model()
        root = Collection.get_first_root_node()
        collection = root.get_children().filter(name="Demo").first() or root.add_child(name="Demo")
        images = {}
        for figure in FIGURES:
            image = Image.objects.filter(collection=collection, title=figure.title).first()
            if image is None:
                image = Image(
                    title=figure.title,
                    collection=collection,
                    description=figure.alt_text,
                    file=ContentFile(figure.png(), name=f"{figure.key}.png"),
                )
            current = image.get_focal_point()  # crops (cards) keep the figure's heading
            if image.pk is None or current is None or tuple(current) != figure.focus:
                image.set_focal_point(Rect(*figure.focus))
                image.save()
            images[figure.key] = image
        return images

    def load_marketing_images(self):
        """The marketers' starter banner in the "Marketing" collection, the only images they may choose.

        It illustrates the teaser article, so the article borrows no course figure.
        """
        Image = get_image_model()
        collection = marketing_collection()
        image = Image.objects.filter(collection=collection, title=banner.TITLE).first()
        if image is None:
            image = Image(title=banner.TITLE, collection=collection)
            image.file = ContentFile(banner.png(), name=banner.FILE_NAME)
        if image.pk is None or image.description != banner.ALT_TEXT:
            image.description = banner.ALT_TEXT
            image.save()
        return image

    def load_posters(self):
        """The newer articles' banners (`demo.posters`) in the "Marketing" collection: {key: image}."""
        Image = get_image_model()
        collection = marketing_collection()
        images = {}
        for poster in POSTERS:
            image = Image.objects.filter(collection=collection, title=poster.title).first()
            if image is None:
                image = Image(title=poster.title, collection=collection)
                image.file = ContentFile(poster.png(), name=poster.file_name)
            if image.pk is None or image.description != poster.alt_text:
                image.description = poster.alt_text
                image.save()
            images[poster.key] = image
        return images

    def load_catalogue(self):
        root = Page.get_first_root_node()
        catalogue = CourseIndexPage.objects.child_of(root).filter(slug="pinewood-academy").first()
        fields = {
            "title": "Pinewood Academy",
            "intro": "Online courses from the Pinewood mesotherapy course, written for practitioners.",
        }
        catalogue = self.save_page(root, CourseIndexPage, catalogue, slug="pinewood-academy", **fields)
        # Links in emails, feeds and sitemaps start from the Site's address: give the demo's the one
        # it is served at (WAGTAILADMIN_BASE_URL; `make run` serves http://127.0.0.1:8000), unless
        # someone already set one other than Wagtail's initial localhost:80.
        address = urlsplit(settings.WAGTAILADMIN_BASE_URL)
        hostname = address.hostname or "localhost"
        port = address.port or (443 if address.scheme == "https" else 80)
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            site = Site(is_default_site=True, hostname=hostname, port=port)
        elif (site.hostname, site.port) == ("localhost", 80):
            site.hostname, site.port = hostname, port
        site.root_page = catalogue
        site.site_name = DEMO_BRAND["organisation_name"]
        site.save()
        # Wagtail's own "Welcome" placeholder page is not part of the demo.
        placeholder = Page.objects.filter(
            depth=2, slug="home", content_type=ContentType.objects.get_for_model(Page), numchild=0
        ).first()
        if placeholder is not None and not Site.objects.filter(root_page=placeholder).exists():
            placeholder.delete()
        return catalogue

    def load_brand(self):
        """The default site's course branding: organisation, certificate signatory, email sender."""
        site = Site.objects.get(is_default_site=True)
        brand = BrandSettings.for_site(site)
        for name, value in DEMO_BRAND.items():
            setattr(brand, name, value)
        brand.save()
        return brand

    def load_clips(self):
        """The demo clips (lms_site/demo/media/) as wagtailmedia videos, with their captions as
        documents, in the Demo collection: {key: (media, captions)}."""
        Media = get_media_model()
        collection = Collection.get_first_root_node().get_children().get(name="Demo")
        clips = {}
        for key, title in DEMO_CLIPS.items():
            media = Media.objects.filter(collection=collection, title=title).first()
            if media is None:
                media = Media(title=title, collection=collection, type="video", duration=12)
                media.width, media.height = 640, 360
                media.file.save(f"{key}.mp4", demo_file(f"{key}.mp4"), save=False)
                media.save()
            captions_title = f"{title} (captions)"
            captions = Document.objects.filter(collection=collection, title=captions_title).first()
            if captions is None:
                captions = Document(title=captions_title, collection=collection)
                captions.file.save(f"{key}.vtt", demo_file(f"{key}.vtt"), save=False)
                captions.save()
            clips[key] = (media, captions)
        return clips

    def load_course(self, catalogue, images, clips):
        data = course_data()
        return self.save_course(
            catalogue,
            data,
            body_of=lambda lesson_data: resolve_placeholders(lesson_data["body"], images, clips),
            hero_image=images[data["hero_figure"]],
            tags=teaser.COURSE_TAGS,
            **DEMO_CERTIFICATE,
        )

    def load_second_course(self, catalogue, hero_image):
        """The ultrasound primer (`demo.ultrasound`): approval mode, with a drip module."""
        return self.save_course(
            catalogue,
            ultrasound.course_data(),
            body_of=lambda lesson_data: lesson_data["body"],
            hero_image=hero_image,
            tags=ultrasound.COURSE_TAGS,
            enrollment_mode=CoursePage.EnrollmentMode.APPROVAL,
        )

    def save_course(self, catalogue, data, body_of, **fields):
        """A demo course with its modules and lessons, from a course-data dict (demo/course.py's
        shape), created or brought up to date; `body_of(lesson data)` gives a lesson's body."""
        course = CoursePage.objects.child_of(catalogue).filter(slug=data["slug"]).first()
        course = self.save_page(
            catalogue,
            CoursePage,
            course,
            slug=data["slug"],
            title=data["title"],
            summary=data["summary"],
            level=data["level"],
            duration=data["duration"],
            description=data["description"],
            learning_outcomes=[("outcome", outcome) for outcome in data["learning_outcomes"]],
            instructors=[("instructor", instructor) for instructor in data["instructors"]],
            **fields,
        )
        for module_data in data["modules"]:
            module = ModulePage.objects.child_of(course).filter(slug=module_data["slug"]).first()
            module = self.save_page(
                course,
                ModulePage,
                module,
                slug=module_data["slug"],
                title=module_data["title"],
                intro=module_data["intro"],
                release_after_days=module_data.get("release_after_days"),
            )
            for lesson_data in module_data["lessons"]:
                lesson = LessonPage.objects.child_of(module).filter(slug=lesson_data["slug"]).first()
                self.save_page(
                    module,
                    LessonPage,
                    lesson,
                    slug=lesson_data["slug"],
                    title=lesson_data["title"],
                    summary=lesson_data["summary"],
                    estimated_minutes=lesson_data["minutes"],
                    is_preview=lesson_data.get("preview", False),
                    body=body_of(lesson_data),
                )
        return course

    def load_more_articles(self, index, posters):
        """The two newer teaser articles (`demo.promos`): one live, one scheduled to go live later."""
        saved = []
        for data, course_slug, poster, go_live_days in promos.articles():
            course = CoursePage.objects.get(slug=course_slug)
            lessons = {lesson.slug: lesson for lesson in LessonPage.objects.descendant_of(course)}
            body = [
                (name, {"lesson": lessons[value["lesson_slug"]], "link_label": value["link_label"]})
                if name == "lesson_teaser"
                else (name, value)
                for name, value in data["body"]
            ]
            fields = {**data, "body": body, "hero_image": posters[poster.key], "promoted_course": course}
            article = ArticlePage.objects.child_of(index).filter(slug=data["slug"]).first()
            if go_live_days is None:
                saved.append(self.save_page(index, ArticlePage, article, **fields))
            else:
                go_live_at = timezone.now() + datetime.timedelta(days=go_live_days)
                fields["date"] = go_live_at.date()
                saved.append(self.save_page(index, ArticlePage, article, go_live_at=go_live_at, **fields))
        return saved

    def load_article(self, catalogue, course, hero_image):
        """The teaser article promoting the demo course (public course text only, see `teaser`)."""
        index_data = teaser.index_data()
        index = ArticleIndexPage.objects.child_of(catalogue).filter(slug=index_data["slug"]).first()
        index = self.save_page(catalogue, ArticleIndexPage, index, **index_data)
        data = teaser.article_data()
        lessons = {lesson.slug: lesson for lesson in LessonPage.objects.descendant_of(course)}
        body = [
            ("lesson_teaser", {"lesson": lessons[value["lesson_slug"]], "link_label": value["link_label"]})
            if name == "lesson_teaser"
            else (name, value)
            for name, value in data["body"]
        ]
        article = ArticlePage.objects.child_of(index).filter(slug=data["slug"]).first()
        return self.save_page(
            index,
            ArticlePage,
            article,
            slug=data["slug"],
            title=data["title"],
            subtitle=data["subtitle"],
            author=data["author"],
            date=data["date"],
            intro=data["intro"],
            hero_image=hero_image,
            body=body,
            promoted_course=course,
            tags=data["tags"],
        )

    def load_users(self, course, articles, groups):
        User = get_user_model()
        for username, email, password, superuser, role, (first_name, last_name) in DEMO_USERS:
            user = User.objects.filter(username=username).first() or User(username=username)
            user.email = email
            user.first_name, user.last_name = first_name, last_name
            user.is_staff = user.is_superuser = superuser
            user.set_password(password)
            user.save()
            self.verify_email(user)
            if role is not None:
                user.groups.add(groups[role])
            if role == MARKETERS:  # the teasers are the marketer's: their dashboard lists them
                ArticlePage.objects.filter(pk__in=[article.pk for article in articles]).update(owner=user)
            if role == STUDENTS:
                Enrollment.objects.get_or_create(
                    user=user,
                    course=course,
                    defaults={"status": Enrollment.Status.ACTIVE, "source": Enrollment.Source.ADMIN},
                )
        self.load_invitation(course, User.objects.get(username="courseadmin"))

    @staticmethod
    def load_invitation(course, course_admin):
        """One pending invitation (course/invitations.py) for the Invitations list, renewed on each
        run; to a fake address, and never really emailed: it reads as sent once, yesterday, as a
        real one would."""
        now = timezone.now()
        expires_at = now + datetime.timedelta(days=conf.invitation_days())
        sent = {"last_sent_at": now - datetime.timedelta(days=1), "times_sent": 1}
        pending = Invitation.objects.filter(
            course=course, email=DEMO_INVITEE, accepted_at__isnull=True, cancelled_at__isnull=True
        )
        if not pending.update(expires_at=expires_at, **sent):
            Invitation.objects.create(
                course=course,
                email=DEMO_INVITEE,
                invited_by=course_admin,
                created_at=sent["last_sent_at"],
                expires_at=expires_at,
                **sent,
            )

    @staticmethod
    def verify_email(user):
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )

    @staticmethod
    def save_page(parent, model, page, tags=None, go_live_at=None, **fields):
        """Create or update a page under `parent` and publish it through a revision; with a future
        `go_live_at` the revision is approved to go live then (Wagtail's "scheduled" state) and a new
        page stays a draft until it does."""
        fields["go_live_at"] = go_live_at
        if page is None:
            page = model(live=go_live_at is None, **fields)
            parent.add_child(instance=page)
        else:
            for name, value in fields.items():
                if not same_stream(page, name, value):
                    setattr(page, name, value)
        if tags is not None:
            page.tags.set(tags)
        page.save_revision().publish()
        return model.objects.get(pk=page.pk)


def same_stream(page, name, value):
    """Whether `value` is what the page's StreamField `name` already holds, block ids aside.

    Unchanged streams keep their block ids, so what refers to a block (quiz attempts, watch
    progress) still finds it after `load_demo` runs again."""
    field = page._meta.get_field(name)
    if not isinstance(field, StreamField):
        return False
    new = type(page)(**{name: value})
    return without_ids(getattr(new, name).get_prep_value()) == without_ids(
        getattr(page, name).get_prep_value()
    )


def without_ids(data):
    if isinstance(data, dict):
        return {key: without_ids(item) for key, item in data.items() if key != "id"}
    if isinstance(data, list):
        return [without_ids(item) for item in data]
    return data


def demo_file(name):
    return ContentFile((DEMO_MEDIA / name).read_bytes())


def resolve_placeholders(stream, images, clips):
    """Turn ("image", {"figure": key}) and ("media", {"clip": key}) placeholders into block values,
    also in gated sections."""
    alt_texts = {figure.key: figure.alt_text for figure in FIGURES}
    resolved = []
    for name, value in stream:
        if name == "image":
            value = {
                "image": images[value["figure"]],
                "alt_text": alt_texts[value["figure"]],
                "caption": value["caption"],
            }
        elif name == "media":
            media, captions = clips[value["clip"]]
            value = {
                "media": media,
                "title": value["title"],
                "captions": captions,
                "captions_language": "en",
                "transcript": value["transcript"],
            }
        elif name == "gated_section":
            value = {**value, "content": resolve_placeholders(value["content"], images, clips)}
        resolved.append((name, value))
    return resolved
