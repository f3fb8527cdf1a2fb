"""Small lookups for the plugin's templates."""

from django import template

register = template.Library()


@register.filter
def lock_for(locks, lesson):
    """The `course.access.Lock` of an outline lesson in `locks`, or None when it is open."""
    return locks.get(lesson.page.pk) if locks else None


@register.filter
def clock(seconds):
    """Seconds as m:ss (h:mm:ss from an hour), as a player shows them."""
    whole = int(seconds or 0)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
