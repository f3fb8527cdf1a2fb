"""Builders shared across the test suite: course trees, users, clients and files."""

import io

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.test import Client
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.models import GroupCollectionPermission, GroupPagePermission, Locale, Page, Site
from wagtailmedia import get_media_model

from course.admin.roles import COURSE_ADMINISTRATORS, MARKETERS, administrators_of
from course.invitations import invite, token_for
from course.models import ArticleIndexPage, ArticlePage, CourseIndexPage, CoursePage, Enrollment, ModulePage
from lessons.models import LessonPage


def publish(parent, page, revision=False):
    """Add a live page; with `revision`, publish it through a revision as the editor does."""
    parent.add_child(instance=page)
    if revision:
        page.save_revision().publish()
        page.refresh_from_db()
    return page


def make_catalogue(title="Academy"):
    """A catalogue page that is the default site's root, as in the demo."""
    root = Page.get_first_root_node()
    catalogue = CourseIndexPage(title=title, slug="academy", intro="All our courses.")
    root.add_child(instance=catalogue)
    catalogue.save_revision().publish()
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": catalogue, "site_name": title},
    )
    return catalogue


def make_course(catalogue, title="Course", slug=None, modules=2, lessons=2, body=None, **fields):
    """A live course with `modules` × `lessons` live lessons; returns (course, [lessons in order])."""
    course = publish(
        catalogue,
        CoursePage(
            title=title, slug=slug or title.lower().replace(" ", "-"), summary=f"{title} summary", **fields
        ),
    )
    all_lessons = []
    for m in range(1, modules + 1):
        module = publish(course, ModulePage(title=f"Module {m}", slug=f"module-{m}", intro=f"Intro {m}"))
        for n in range(1, lessons + 1):
            lesson = LessonPage(
                title=f"Lesson {m}.{n}",
                slug=f"lesson-{m}-{n}",
                summary=f"Summary of lesson {m}.{n}",
                body=body if body is not None else [("paragraph", f"<p>Body of lesson {m}.{n}</p>")],
                estimated_minutes=5,
            )
            all_lessons.append(publish(module, lesson))
    return course, all_lessons


def french():
    return Locale.objects.get_or_create(language_code="fr")[0]


def translate(page, locale=None, **fields):
    """Publish `page`'s translation (Wagtail's copy for translation; its parent must be translated
    first) with `fields` set, as a translator would after translating it."""
    translation = page.copy_for_translation(locale or french()).specific
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save_revision().publish()
    translation.refresh_from_db()
    return translation


def translate_course(course, locale=None, lesson_fields=None):
    """Publish the French translation of the catalogue above `course` (if it has none yet), of
    `course`, and of its modules and lessons, each titled "FR …"; `lesson_fields(lesson)` gives
    other fields of a lesson's translation. Returns (course translation, [lesson translations])."""
    locale = locale or french()
    catalogue = course.get_parent().specific
    if catalogue.get_translation_or_none(locale) is None:
        translate(catalogue, locale, title=f"FR {catalogue.title}")
    translated = translate(course, locale, title=f"FR {course.title}")
    lessons = []
    for module in course.get_children().specific():
        translate(module, locale, title=f"FR {module.title}")
        for lesson in module.get_children().specific():
            fields = lesson_fields(lesson) if lesson_fields else {}
            lessons.append(translate(lesson, locale, title=f"FR {lesson.title}", **fields))
    return translated, lessons


def make_quiz_lesson(catalogue, title="Quiz course", max_attempts=None):
    """A live one-lesson course whose lesson holds a required quiz (`quiz_value`) that answering
    the first question right ("Lumbar") passes; returns (course, lesson), published through a
    revision as an editor would."""
    course, (lesson,) = make_course(catalogue, title, modules=1, lessons=1)
    lesson.body = [("paragraph", "<p>Read this.</p>"), ("quiz", quiz_value(max_attempts, pass_mark=50))]
    lesson.save_revision().publish()
    return course, LessonPage.objects.get(pk=lesson.pk)


# --- teaser articles ---------------------------------------------------------------------


def make_index(catalogue, **fields):
    return publish(catalogue, ArticleIndexPage(title="Articles", slug="articles", **fields), revision=True)


def make_article(index, title="Why posture matters", body=(), **fields):
    fields.setdefault("intro", f"Intro of {title}.")
    fields.setdefault("slug", title.lower().replace(" ", "-"))
    return publish(index, ArticlePage(title=title, body=list(body), **fields), revision=True)


def teaser(lesson, label=""):
    return ("lesson_teaser", {"lesson": lesson, "link_label": label})


# --- quizzes ---------------------------------------------------------------------------------

FEEDBACK_CANARY = "zqfeedbackcanary812"


def quiz_value(max_attempts=None, required=True, pass_mark=100):
    return {
        "title": "Check yourself",
        "pass_mark": pass_mark,
        "max_attempts": max_attempts,
        "required": required,
        "questions": [
            {
                "prompt": "Which segment of the spine?",
                "multiple": False,
                "choices": [{"text": "Lumbar", "correct": True}, {"text": "Cervical", "correct": False}],
                "feedback": f"Lower back means lumbar {FEEDBACK_CANARY}",
            },
            {
                "prompt": "Which are chronic causes?",
                "multiple": True,
                "choices": [
                    {"text": "Osteoarthritis", "correct": True},
                    {"text": "Disc degeneration", "correct": True},
                    {"text": "A fall", "correct": False},
                ],
                "feedback": "",
            },
        ],
    }


def quiz_block(lesson):
    return next(child for child in lesson.body if child.block_type == "quiz")


def ids(lesson):
    """(question ids, {choice text: choice id})."""
    block = quiz_block(lesson)
    questions = [q.id for q in block.value["questions"].bound_blocks]
    choices = {
        c.value["text"]: c.id
        for q in block.value["questions"].bound_blocks
        for c in q.value["choices"].bound_blocks
    }
    return questions, choices


def submit(client, lesson, data, block_id=None):
    return client.post(f"{lesson.url}quiz/{block_id or quiz_block(lesson).id}/", data)


def right_answers(lesson):
    (q1, q2), c = ids(lesson)
    return {f"q-{q1}": [c["Lumbar"]], f"q-{q2}": [c["Osteoarthritis"], c["Disc degeneration"]]}


def png_bytes(colour="red", size=(40, 30)):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def make_media(title, content, name="clip.mp4", media_type="video", **fields):
    """A wagtailmedia file holding `content` (bytes)."""
    return get_media_model().objects.create(
        title=title, file=ContentFile(content, name=name), type=media_type, duration=3, **fields
    )


def make_captions(text, name="captions.vtt"):
    """A WebVTT captions document with one cue saying `text`."""
    vtt = f"WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n{text}\n".encode()
    return Document.objects.create(title=f"Captions {name}", file=ContentFile(vtt, name=name))


def media_value(media, title="Clip", captions=None, transcript=""):
    """The value of a lesson's `media` block."""
    return {
        "media": media,
        "title": title,
        "captions": captions,
        "captions_language": "en",
        "transcript": transcript,
    }


def make_video_lesson(catalogue, duration=600, title="Video course"):
    """A one-lesson course whose lesson plays a `duration`-second video: (course, lesson, block id)."""
    course, (lesson,) = make_course(catalogue, title, modules=1, lessons=1)
    clip = make_media(f"{title} clip", b"video bytes", name="lecture.mp4")
    clip.duration = duration
    clip.save()
    lesson.body = [("media", media_value(clip, "Lecture"))]
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    return course, lesson, lesson.body[0].id


def make_user(username, **extra):
    return get_user_model().objects.create_user(
        username=username, email=f"{username}@example.com", password="pw-123-long-enough", **extra
    )


def make_marketer(username="marketer"):
    """A user in the Marketers group (`setup_roles` has made the groups)."""
    user = make_user(username)
    user.groups.add(Group.objects.get(name=MARKETERS))
    return user


def make_course_admin(course, username, **extra):
    """A user in the administrators group of `course`, or of every course with `course=None`."""
    user = make_user(username, **extra)
    group = administrators_of(course) if course is not None else Group.objects.get(name=COURSE_ADMINISTRATORS)
    user.groups.add(group)
    return user


def make_superuser():
    return get_user_model().objects.create_superuser("root", "root@example.com", "pw-123-long-enough")


def client_for(user, **client_kwargs):
    """A test client logged in as `user` (anonymous for None)."""
    client = Client(**client_kwargs)
    if user is not None:
        client.force_login(user)
    return client


def body_of(response):
    """A response's text, streamed or not."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", "replace")


def group_snapshot(group):
    """Everything a role grants, comparable before and after `setup_roles` runs again."""
    return (
        sorted(group.permissions.values_list("content_type__app_label", "codename")),
        sorted(
            GroupPagePermission.objects.filter(group=group).values_list("page_id", "permission__codename")
        ),
        sorted(
            GroupCollectionPermission.objects.filter(group=group).values_list(
                "collection__name", "permission__codename"
            )
        ),
    )


def enroll_as(user, course, status=Enrollment.Status.ACTIVE, **fields):
    return Enrollment.objects.create(user=user, course=course, status=status, **fields)


def make_invitation(course, email="invitee@example.com", by=None):
    """A pending invitation (emailed, as the admin makes it) and the path of its link."""
    invitation = invite(email, course, by=by).invitation
    return invitation, f"/invitations/{token_for(invitation)}/"
