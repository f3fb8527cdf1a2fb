"""Course models: the catalogue/course/module page tree and the learner's records."""

from .article_clicks import ArticleClick
from .articles import ArticleIndexPage, ArticlePage, ArticlePageTag
from .branding import BrandSettings
from .certificate import Certificate
from .enrollment import Enrollment, LessonCompletion
from .lesson_contract import AbstractLessonPage, Grades, LessonActivity, MediaRecord, QuizColumn, QuizRecord
from .pages import CourseIndexPage, CoursePage, CoursePageTag, ModulePage

__all__ = [
    "AbstractLessonPage",
    "ArticleClick",
    "ArticleIndexPage",
    "ArticlePage",
    "ArticlePageTag",
    "BrandSettings",
    "Certificate",
    "CoursePageTag",
    "CourseIndexPage",
    "CoursePage",
    "Enrollment",
    "Grades",
    "LessonActivity",
    "LessonCompletion",
    "MediaRecord",
    "ModulePage",
    "QuizColumn",
    "QuizRecord",
]
