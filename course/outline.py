"""The syllabus of one course, read from the page tree in a fixed number of queries.

Every view that needs the course structure (course page syllabus, lesson sidebar,
previous/next links, progress later on) uses this one object, so the query cost
does not grow with the number of modules or lessons.
"""

from dataclasses import dataclass, field

from wagtail.models import Page


@dataclass
class OutlineLesson:
    page: Page
    module: "OutlineModule"
    number: int  # 1-based position across the whole course

    @property
    def minutes(self):
        return getattr(self.page, "estimated_minutes", 0) or 0

    @property
    def is_preview(self):
        return bool(getattr(self.page, "is_preview", False))


@dataclass
class OutlineModule:
    page: Page
    number: int
    lessons: list = field(default_factory=list)

    @property
    def minutes(self):
        return sum(lesson.minutes for lesson in self.lessons)


class CourseOutline:
    """Live modules (children of the course) and their live lessons, in explorer order.

    A lesson whose module is not live is left out: a page under an unpublished
    ancestor is not part of the course as students see it.
    """

    def __init__(self, course):
        self.course = course
        pages = (
            Page.objects.descendant_of(course)
            .filter(depth__in=(course.depth + 1, course.depth + 2))
            .live()
            .order_by("path")
            .specific()
            .defer_streamfields()
        )
        self.modules = []
        self.lessons = []
        module_by_path = {}
        for page in pages:
            if page.depth == course.depth + 1:
                module = OutlineModule(page=page, number=len(self.modules) + 1)
                self.modules.append(module)
                module_by_path[page.path] = module
                continue
            module = module_by_path.get(page.path[: -Page.steplen])
            if module is None:
                continue
            lesson = OutlineLesson(page=page, module=module, number=len(self.lessons) + 1)
            module.lessons.append(lesson)
            self.lessons.append(lesson)
        self._lesson_index = {lesson.page.pk: i for i, lesson in enumerate(self.lessons)}

    @property
    def minutes(self):
        return sum(lesson.minutes for lesson in self.lessons)

    def module_for(self, page):
        return next((module for module in self.modules if module.page.pk == page.pk), None)

    def entry_for(self, page):
        index = self._lesson_index.get(page.pk)
        return None if index is None else self.lessons[index]

    def neighbours(self, page):
        """(previous, next) lesson entries around `page`, crossing module boundaries."""
        index = self._lesson_index.get(page.pk)
        if index is None:
            return None, None
        previous = self.lessons[index - 1] if index > 0 else None
        following = self.lessons[index + 1] if index + 1 < len(self.lessons) else None
        return previous, following
