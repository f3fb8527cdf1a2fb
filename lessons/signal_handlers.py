"""Keep lessons' search index entries current in the transaction that saves the lesson.

The shared search index holds a lesson's public text only (`LessonPage.search_fields`:
the body while the lesson is a free preview, never gated sections). Wagtail refreshes
entries in a background task, so with the database task backend a lesson switched to
members-only stayed findable by its body words, in the site search and the API
alike (they share the index), until `db_worker` ran. Indexing the saved row here,
inside `Page.save()`'s transaction, means no search matches text the live lesson no
longer makes public. Deleting a lesson already removes its entry at once (Wagtail).
"""

from django.db.models.signals import post_save
from wagtail.search import index

from course.signal_handlers import content_unchanged, saved_row
from lessons.models import LessonPage


def index_lesson(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or content_unchanged(update_fields) or not getattr(sender, "search_auto_update", True):
        return
    index.insert_or_update_object(saved_row(instance, update_fields))


def connect():
    post_save.connect(index_lesson, sender=LessonPage, dispatch_uid="lessons.index_lesson")
