"""Course models: the catalogue/course/module page tree and the learner's records."""

from .certificate import Certificate
from .enrollment import Enrollment, LessonCompletion
from .pages import CourseIndexPage, CoursePage, ModulePage

__all__ = ["Certificate", "CourseIndexPage", "CoursePage", "Enrollment", "LessonCompletion", "ModulePage"]
