"""Course models: the catalogue/course/module page tree and the learner's records."""

from .enrollment import Enrollment, LessonCompletion
from .pages import CourseIndexPage, CoursePage, ModulePage

__all__ = ["CourseIndexPage", "CoursePage", "Enrollment", "LessonCompletion", "ModulePage"]
