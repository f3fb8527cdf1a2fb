"""Image files, served through the access policy like documents.

Wagtail writes every rendition, of public and gated images alike, into one storage
(`MEDIA_ROOT/images/`), named after the uploaded file; the admin adds thumbnails and a
full-size `original` of each image it shows. No folder of renditions can therefore be
left to the web server: Django answers for image files, asking `course.access`.

- `serve_image`: the signed URL that expires, which pages emit for images they do
  not show to everyone (`signed_image_url`, through `{% course_image %}`). Whoever
  `image_access` lets in; never cached.
- `serve_rendition_file`: a rendition's own, guessable URL under MEDIA_URL (what
  Wagtail's `{% image %}` and the admin emit): public images for anyone, cacheable,
  and any image for the people who manage it (the admin). Everyone else gets a 404,
  students of a gated image included: for them it exists only behind signed URLs.
"""

import mimetypes

from django.core import signing
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import patch_cache_control
from wagtail.images import get_image_model
from wagtail.images.exceptions import InvalidFilterSpecError
from wagtail.images.models import SourceImageIOError

from course import conf
from course.access import image_access, image_is_public, manages_in_collection, public_images_of
from course.cache_headers import private_response
from course.views import access_refused

SIGNING_SALT = "course.images.serve_image"
ORIGINAL = "original"


def url_max_age():
    """Seconds a signed image URL stays valid, and a public image may sit in a cache."""
    return conf.image_url_max_age()


def _signer():
    return signing.TimestampSigner(salt=SIGNING_SALT)


def signed_image_url(image, filter_spec):
    """A URL for one rendition of `image` that `serve_image` honours for `url_max_age()` seconds."""
    value = f"{image.pk}/{filter_spec}"
    signature = _signer().sign(value)[len(value) + 1 :]  # "<timestamp>:<signature>"
    return reverse("course:image", args=(signature, image.pk, filter_spec))


def shown_publicly(request, image, page=None):
    """Whether `image`, shown on `page`, may have its static URL; decided once per page and request.

    Yes when `page` shows it to anyone (so it is public). An image public only
    elsewhere, or not in the page's published content (a draft in preview), gets
    a signed URL, which costs it caching but never access.
    """
    if request is None or page is None or not getattr(page, "pk", None):
        return image_is_public(image)
    known = request.__dict__.setdefault("_pinewood_public_images", {})
    if page.pk not in known:
        known[page.pk] = public_images_of(page)
    return image.pk in known[page.pk]


def serve_image(request, signature, image_id, filter_spec):
    """One rendition of an image, for a signed URL that has not expired and a user the policy lets in."""
    try:
        _signer().unsign(f"{image_id}/{filter_spec}:{signature}", max_age=url_max_age())
    except signing.BadSignature:  # tampered, or expired (SignatureExpired)
        raise Http404 from None
    image = get_object_or_404(get_image_model(), pk=image_id)
    if not image_access(request, image):
        return access_refused(request)
    return private_response(file_response(rendition_or_404(image, filter_spec)))


def serve_rendition_file(request, name):
    """A rendition at its storage URL: public images for anyone, any image for its managers.

    The full-size `original` the admin makes is for managers only, even of a public image.
    """
    renditions = get_image_model().get_rendition_model().objects.select_related("image")
    rendition = renditions.filter(file=f"images/{name}").first()
    if rendition is None:
        raise Http404
    image = rendition.image
    is_original = ORIGINAL in rendition.filter_spec.split("|")
    if not (manages_in_collection(request, image) or (not is_original and image_is_public(image))):
        raise Http404
    response = file_response(rendition)
    if request.user.is_authenticated:  # perhaps allowed only because of who they are
        return private_response(response)
    patch_cache_control(response, public=True, max_age=url_max_age())  # anonymous: a public image
    return response


def rendition_or_404(image, filter_spec):
    try:
        return image.get_rendition(filter_spec)
    except (InvalidFilterSpecError, SourceImageIOError):
        raise Http404 from None


def file_response(rendition):
    """Stream the rendition's file (never read whole into memory), as an inline image only."""
    try:
        file = rendition.file.open("rb")
    except OSError:
        raise Http404 from None
    content_type = mimetypes.guess_type(rendition.file.name)[0] or "application/octet-stream"
    response = FileResponse(file, content_type=content_type)
    response.headers.pop("Content-Disposition", None)  # no storage file name in the response
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response
