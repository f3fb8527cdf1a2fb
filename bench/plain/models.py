"""A plain Wagtail page with the lesson body's blocks and none of the course machinery.

Only the benchmark installs this app (its table is made with `migrate --run-syncdb`):
it is the baseline a lesson page is compared with.
"""

from wagtail.fields import StreamField
from wagtail.models import Page

from lessons.blocks import LessonBodyBlock


class PlainPage(Page):
    body = StreamField(LessonBodyBlock(), blank=True)

    template = "plain/plain_page.html"
