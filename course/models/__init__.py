"""Course models: the catalogue/course/module page tree and the learner's records."""

from .articles import ArticleIndexPage, ArticlePage, ArticlePageTag
from .certificate import Certificate
from .enrollment import Enrollment, LessonCompletion
from .lessons import AbstractLessonPage
from .pages import CourseIndexPage, CoursePage, CoursePageTag, ModulePage

__all__ = [
    "AbstractLessonPage",
    "ArticleIndexPage",
    "ArticlePage",
    "ArticlePageTag",
    "Certificate",
    "CoursePageTag",
    "CourseIndexPage",
    "CoursePage",
    "Enrollment",
    "LessonCompletion",
    "ModulePage",
]
