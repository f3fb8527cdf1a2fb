"""Audio and video files (wagtailmedia) served through the access policy, with HTTP ranges.

Every byte of a media file, and of its poster thumbnail, goes through `course.access.media_access`
(the documents' rule: as open as the most open place that uses it, closed when unused). Browsers
seek in a `<video>` by asking for byte ranges, so a single `Range: bytes=…` is answered with
`206 Partial Content` and only those bytes are read, in chunks: no file is ever held in memory.
A range that cannot be parsed or satisfied gets `416` with the file's size; a request for
several ranges at once gets the whole file, which HTTP allows.

In production the check stays here and the bytes need not: see `conf.media_serve_method`.
"""

import contextlib
import mimetypes
import os
import re

from django.http import Http404, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import http_date
from wagtailmedia import get_media_model

from course import access, conf
from course.cache_headers import private_response
from course.errors import storage_unavailable
from course.views import access_refused

CHUNK_SIZE = 64 * 1024
SINGLE_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class UnsatisfiableRange(Exception):
    """The Range header is malformed or asks for bytes the file does not have."""


def media_url(media, thumbnail=False):
    """The access-checked URL of a media file (or of its poster thumbnail)."""
    name = media.thumbnail.name if thumbnail else media.file.name
    view = "course:media_poster" if thumbnail else "course:media_file"
    return reverse(view, args=[media.pk, os.path.basename(name)])


def byte_range(header, size):
    """(first, last) byte of the one range `header` asks for, or None to send the whole file."""
    if not header:
        return None
    header = header.strip()
    if header.startswith("bytes=") and "," in header:
        return None  # several ranges: the whole file is a valid answer
    match = SINGLE_RANGE.match(header)
    if match is None or match.groups() == ("", ""):
        raise UnsatisfiableRange
    first, last = match.groups()
    if first == "":  # "bytes=-N": the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            raise UnsatisfiableRange
        return max(size - length, 0), size - 1
    first = int(first)
    last = size - 1 if last == "" else min(int(last), size - 1)
    if first >= size or first > last:
        raise UnsatisfiableRange
    return first, last


def _chunks(file, first, length):
    """`length` bytes of `file` from `first`, read a chunk at a time; closes the file at the end,
    or when the server closes the response early (the client went away)."""
    try:
        file.seek(first)
        while length > 0:
            data = file.read(min(CHUNK_SIZE, length))
            if not data:
                break
            length -= len(data)
            yield data
    finally:
        file.close()


def _content_type(name):
    content_type, _ = mimetypes.guess_type(name)
    return content_type or "application/octet-stream"


def stream(request, field_file):
    """The file, or the one range of it the request asks for, streamed from its storage."""
    size = field_file.size
    content_type = _content_type(field_file.name)
    try:
        wanted = byte_range(request.headers.get("Range"), size)
    except UnsatisfiableRange:
        response = HttpResponse(status=416, content_type="text/plain")
        response.content = b"The requested range is not satisfiable."
        response["Content-Range"] = f"bytes */{size}"
        response["Accept-Ranges"] = "bytes"
        return response
    first, last = wanted if wanted is not None else (0, size - 1)
    length = max(last - first + 1, 0)
    file = field_file.storage.open(field_file.name, "rb")
    response = StreamingHttpResponse(_chunks(file, first, length), content_type=content_type)
    if wanted is not None:
        response.status_code = 206
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    with contextlib.suppress(NotImplementedError, OSError):  # a storage without modification times
        modified = field_file.storage.get_modified_time(field_file.name)
        response["Last-Modified"] = http_date(modified.timestamp())
    return response


def hand_off(field_file):
    """The response for the configured production method, or None to stream it here."""
    method = conf.media_serve_method()
    if method == "x-accel-redirect":
        response = HttpResponse(content_type=_content_type(field_file.name))
        response["X-Accel-Redirect"] = conf.media_accel_prefix().rstrip("/") + "/" + field_file.name
        return response
    if method == "x-sendfile":
        response = HttpResponse(content_type=_content_type(field_file.name))
        response["X-Sendfile"] = field_file.storage.path(field_file.name)
        return response
    if method == "redirect":
        return HttpResponseRedirect(field_file.storage.url(field_file.name))
    return None


def serve(request, field_file, media):
    """Send `field_file` (a media file or its thumbnail) to a user the policy allows."""
    if not field_file:
        raise Http404
    if not access.media_access(request, media):
        return access_refused(request)
    try:
        response = hand_off(field_file) or stream(request, field_file)
    except FileNotFoundError as error:
        raise Http404 from error
    except Http404:
        raise
    except Exception as error:  # whatever the storage backend raises when unreachable: S3, NFS, disk
        return storage_unavailable(error)
    response["Content-Disposition"] = "inline"
    return private_response(response)


def serve_media(request, media_id, filename):
    media = get_object_or_404(get_media_model(), pk=media_id)
    if os.path.basename(media.file.name) != filename:
        raise Http404
    return serve(request, media.file, media)


def serve_poster(request, media_id, filename):
    media = get_object_or_404(get_media_model(), pk=media_id)
    if not media.thumbnail or os.path.basename(media.thumbnail.name) != filename:
        raise Http404
    return serve(request, media.thumbnail, media)


def serve_stored_name(request, folder, name):
    """The files' storage URLs (`media.url`, which wagtailmedia's admin shows) go through the same
    check: the web server serves nothing from MEDIA_ROOT."""
    stored = f"{folder}/{name}"
    field = "thumbnail" if folder == "media_thumbnails" else "file"
    media = get_media_model().objects.filter(**{field: stored}).first()
    if media is None:
        raise Http404
    return serve(request, getattr(media, field), media)
