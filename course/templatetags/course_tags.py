"""Small lookups for the plugin's templates."""

from django import template

register = template.Library()


@register.filter
def lock_for(locks, lesson):
    """The `course.access.Lock` of an outline lesson in `locks`, or None when it is open."""
    return locks.get(lesson.page.pk) if locks else None
