"""Two more teaser articles for the demo's article index, in original public text only.

One promotes the ultrasound course and is live; the other announces the catalogue's next
steps and is scheduled to go live later (Wagtail's "scheduled" state), so the editor's
scheduling has an example. Neither quotes anything a course gates.
"""

import datetime

from lms_site.demo import ultrasound
from lms_site.demo.course import COURSE_SLUG
from lms_site.demo.posters import CALENDAR, ULTRASOUND
from lms_site.demo.teaser import heading, paragraph, teaser_placeholder

ULTRASOUND_ARTICLE_SLUG = "see-the-needle-see-the-target"
SCHEDULED_ARTICLE_SLUG = "two-courses-one-catalogue"
SCHEDULED_IN_DAYS = 30


def articles():
    """[(article data, promoted course slug, poster, go live in days or None)]."""
    course = ultrasound.course_data()
    preview = next(
        lesson for module in course["modules"] for lesson in module["lessons"] if lesson.get("preview")
    )
    return [
        (
            {
                "title": "See the needle, see the target",
                "slug": ULTRASOUND_ARTICLE_SLUG,
                "date": datetime.date(2026, 3, 2),
                "subtitle": "A new short course on ultrasound guidance for injection procedures",
                "author": "Pinewood Academy",
                "intro": (
                    "A portable probe shows what lies under the skin before the needle goes in. Our new "
                    "primer takes practitioners through the first steps, and its first lesson is free."
                ),
                "body": [
                    *course["description"],
                    teaser_placeholder(preview["slug"], "Read the free lesson"),
                    heading("What you will be able to do"),
                    paragraph("; ".join(course["learning_outcomes"]) + "."),
                    paragraph(
                        "The course is for practitioners who already inject. Places are approved by the "
                        "course team, and the second module opens two weeks after you start."
                    ),
                ],
                "tags": ["Ultrasound", "Injection technique"],
            },
            ultrasound.COURSE_SLUG,
            ULTRASOUND,
            None,
        ),
        (
            {
                "title": "Two courses, one catalogue",
                "slug": SCHEDULED_ARTICLE_SLUG,
                "date": datetime.date(2026, 4, 1),
                "subtitle": "What is coming next at Pinewood Academy",
                "author": "Pinewood Academy",
                "intro": (
                    "The Pinewood Academy catalogue now holds two courses: mesotherapy for lower back "
                    "pain, and ultrasound guidance for injections. Here is how they fit together."
                ),
                "body": [
                    heading("Start where you are"),
                    paragraph(
                        "The mesotherapy course is for beginners and open to everyone: enroll and start "
                        "straight away. The ultrasound primer is intermediate, and the course team "
                        "approves each request."
                    ),
                    heading("Filter the catalogue"),
                    paragraph(
                        "Use the level and topic filters on the catalogue page to find the course that "
                        "fits, and read the free first lesson of each before you decide."
                    ),
                ],
                "tags": ["Mesotherapy", "Ultrasound"],
            },
            COURSE_SLUG,
            CALENDAR,
            SCHEDULED_IN_DAYS,
        ),
    ]
