"""Where each student is in a lesson's audio and video blocks: "resume" on the next visit, and
how far they have watched, for lessons that ask for part of a video to be watched.

The player reports its position every ~15 s and on pause or leave. A report is recorded at most
once every `MIN_INTERVAL` seconds per student and block (others get 429), by a conditional update
that lets exactly one of several simultaneous reports through. How far a student has watched
(`furthest`) moves on only as fast as the video can play since the previous report, so one
report cannot claim a whole video: the server decides, not the browser alone.
"""

import math
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from course.access import allows_gated
from course.progress import lesson_record_id
from lessons.blocks import GatedSectionBlock, MediaBlock
from lessons.models import MediaPosition

MIN_INTERVAL = timedelta(seconds=5)
# Players offer up to double speed; a report lost on the way is allowed for by the margin.
FASTEST_PLAYBACK = 2
MARGIN_SECONDS = 20
# Without a duration on the media file, no position beyond a day is believed.
LONGEST_MEDIA_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class MediaEntry:
    block_id: str
    value: dict
    gated: bool  # inside a gated section

    @property
    def media(self):
        return self.value["media"]

    @property
    def duration(self):
        """Seconds, from the media file (set in the Media library); 0 when unknown."""
        duration = getattr(self.media, "duration", 0) or 0
        return float(duration) if math.isfinite(duration) and duration > 0 else 0.0


class PositionRefused(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def media_entries(lesson):
    """The lesson's audio and video blocks, in the body and in its gated sections, in order."""
    entries = []
    for child in lesson.body:
        if isinstance(child.block, MediaBlock):
            entries.append(MediaEntry(child.id, child.value, gated=False))
        elif isinstance(child.block, GatedSectionBlock):
            for inner in child.value["content"]:
                if isinstance(inner.block, MediaBlock):
                    entries.append(MediaEntry(inner.id, inner.value, gated=True))
    return entries


def visible_entries(lesson, access):
    """The blocks `access` shows: gated ones only to people who may read gated sections."""
    return [entry for entry in media_entries(lesson) if not entry.gated or allows_gated(access)]


def parse_position(raw, entry):
    """Seconds from a report, or PositionRefused(400) for anything that is not a sane position."""
    try:
        position = float(raw)
    except (TypeError, ValueError):
        raise PositionRefused(400, "The position must be a number of seconds.") from None
    longest = entry.duration + 1 if entry.duration else LONGEST_MEDIA_SECONDS
    if not math.isfinite(position) or position < 0 or position > longest:
        raise PositionRefused(400, f"The position must be between 0 and {longest:.0f} seconds.")
    return position


def record_position(user, lesson, entry, position):
    """Record a report, or PositionRefused(429) when the last one is too recent."""
    now = timezone.now()
    try:
        with transaction.atomic():
            row, created = MediaPosition.objects.get_or_create(
                user=user,
                lesson_id=lesson_record_id(lesson),
                block_id=entry.block_id,
                defaults={"position": position, "furthest": min(position, MARGIN_SECONDS), "updated_at": now},
            )
    except IntegrityError:  # created by a simultaneous report
        row = MediaPosition.objects.get(
            user=user, lesson_id=lesson_record_id(lesson), block_id=entry.block_id
        )
        created = False
    if created:
        return row
    elapsed = now - row.updated_at
    if elapsed < MIN_INTERVAL:
        raise PositionRefused(429, "Positions are saved every few seconds; this one came too soon.")
    reachable = row.furthest + elapsed.total_seconds() * FASTEST_PLAYBACK + MARGIN_SECONDS
    furthest = max(row.furthest, min(position, reachable))
    # Only the report that finds the row as read gets through: simultaneous ones are throttled.
    changed = MediaPosition.objects.filter(pk=row.pk, updated_at=row.updated_at).update(
        position=position, furthest=furthest, updated_at=now
    )
    if not changed:
        raise PositionRefused(429, "Positions are saved every few seconds; this one came too soon.")
    row.position, row.furthest, row.updated_at = position, furthest, now
    return row


def positions_for(user, lesson):
    """{block id: MediaPosition} of the student in this lesson (one query)."""
    rows = MediaPosition.objects.filter(user=user, lesson_id=lesson_record_id(lesson))
    return {row.block_id: row for row in rows}


def watched_percent(entry, row):
    if row is None or not entry.duration:
        return 0 if entry.duration else 100
    return min(100, round(100 * row.furthest / entry.duration))


def unwatched(lesson, access, positions):
    """The visible blocks not watched as far as the lesson asks (none when it asks nothing)."""
    required = lesson.watch_percent_required
    if not required:
        return []
    return [
        entry
        for entry in visible_entries(lesson, access)
        if watched_percent(entry, positions.get(entry.block_id)) < required
    ]
