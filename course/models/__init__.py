"""Course models: the catalogue/course/module page tree and the learner's records."""

from .article_clicks import ArticleClick
from .articles import ArticleIndexPage, ArticlePage, ArticlePageTag
from .branding import BrandSettings
from .certificate import Certificate, IssuerKey, ReplacedCertificateCode
from .enrollment import Enrollment, LessonCompletion
from .invitations import Invitation
from .lesson_contract import AbstractLessonPage, Grades, LessonActivity, MediaRecord, QuizColumn, QuizRecord
from .pages import CourseIndexPage, CoursePage, CoursePageTag, ModulePage
from .reminders import ReminderKind, ReminderOptOut, SentReminder

__all__ = [
    "AbstractLessonPage",
    "ArticleClick",
    "ArticleIndexPage",
    "ArticlePage",
    "ArticlePageTag",
    "BrandSettings",
    "Certificate",
    "CourseIndexPage",
    "CoursePage",
    "CoursePageTag",
    "Enrollment",
    "Grades",
    "Invitation",
    "IssuerKey",
    "LessonActivity",
    "LessonCompletion",
    "MediaRecord",
    "ModulePage",
    "QuizColumn",
    "QuizRecord",
    "ReminderKind",
    "ReminderOptOut",
    "ReplacedCertificateCode",
    "SentReminder",
]
