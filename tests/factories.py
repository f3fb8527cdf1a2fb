"""Small builders for course trees used across the test suite."""

from wagtail.models import Page, Site

from course.models import CourseIndexPage, CoursePage, ModulePage
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


def make_quiz_lesson(catalogue, title="Quiz course", max_attempts=None):
    """A live one-lesson course whose lesson holds a required one-question quiz ("Lumbar" is right);
    returns (course, lesson) with the quiz published through a revision, as an editor would."""
    course, (lesson,) = make_course(catalogue, title, modules=1, lessons=1)
    question = {
        "prompt": "Which segment of the spine?",
        "multiple": False,
        "choices": [{"text": "Lumbar", "correct": True}, {"text": "Cervical", "correct": False}],
        "feedback": "",
    }
    quiz = {
        "title": "Check yourself",
        "pass_mark": 100,
        "max_attempts": max_attempts,
        "required": True,
        "questions": [question],
    }
    lesson.body = [("paragraph", "<p>Read this.</p>"), ("quiz", quiz)]
    lesson.save_revision().publish()
    return course, LessonPage.objects.get(pk=lesson.pk)
