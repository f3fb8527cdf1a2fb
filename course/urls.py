"""The plugin's URLs; a host mounts them once: `path("", include("course.urls"))`, before
Wagtail's page URLs.

Course and lesson actions (enroll, withdraw, certificate download, complete, quiz) are
routes of their pages and are served by Wagtail's page URLs. Document downloads keep
Wagtail's URL name (`wagtaildocs_serve`) so Wagtail links to them; they go through the
access policy (course/wagtail_hooks.py) and are never cached publicly.
"""

from django.conf import settings
from django.urls import include, path
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.documents.views.serve import serve as serve_document

from course import certificate_views, health, images, media_files, reminder_views, views
from course.api import api_router
from course.cache_headers import private
from course.search import search

student_urls = [
    # Liveness and readiness probes (course/health.py), at these exact paths: they resolve, so
    # CommonMiddleware's APPEND_SLASH never redirects them.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("learn/", private(views.dashboard), name="dashboard"),
    path("learn/account/", private(views.account), name="account"),
    path("learn/account/reminders/", private(reminder_views.preferences), name="reminder_preferences"),
    path("learn/unsubscribe/<str:token>/", private(reminder_views.unsubscribe), name="reminder_unsubscribe"),
    path("search/", search, name="search"),
    path(
        "certificates/<str:code>/", private(certificate_views.certificate_verify), name="certificate_verify"
    ),
    path(
        "learn/certificates/<str:code>/credential.jwt",
        private(certificate_views.certificate_credential),
        name="certificate_credential",
    ),
    # The issuer's public keys: at the site's root, where verifiers look for them.
    path(".well-known/jwks.json", certificate_views.issuer_keys, name="issuer_keys"),
    path("invitations/<str:token>/", private(views.invitation), name="invitation"),
    path("images/<str:signature>/<int:image_id>/<str:filter_spec>/", images.serve_image, name="image"),
    path("media-files/<int:media_id>/<str:filename>", media_files.serve_media, name="media_file"),
    path("media-files/<int:media_id>/poster/<str:filename>", media_files.serve_poster, name="media_poster"),
]

if settings.MEDIA_URL.startswith("/"):
    # Renditions keep their usual URLs, but Django answers them (the web server serves no media).
    student_urls.append(
        path(
            f"{settings.MEDIA_URL.lstrip('/')}images/<path:name>",
            images.serve_rendition_file,
            name="rendition_file",
        )
    )
    # Audio and video files (wagtailmedia's `media.url`, shown in its admin) and their posters.
    for folder in ("media", "media_thumbnails"):
        student_urls.append(
            path(
                f"{settings.MEDIA_URL.lstrip('/')}{folder}/<path:name>",
                media_files.serve_stored_name,
                {"folder": folder},
                name=f"{folder}_stored_file",
            )
        )

urlpatterns = [
    path("", include((student_urls, "course"))),
    path(
        "documents/<int:document_id>/<str:document_filename>",
        private(serve_document),
        name="wagtaildocs_serve",
    ),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v2/", api_router.urls),
]
