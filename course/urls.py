from django.conf import settings
from django.urls import path

from course import images, views

app_name = "course"

urlpatterns = [
    path("learn/", views.dashboard, name="dashboard"),
    path("certificates/<str:code>/", views.certificate_verify, name="certificate_verify"),
    path("images/<str:signature>/<int:image_id>/<str:filter_spec>/", images.serve_image, name="image"),
]

if settings.MEDIA_URL.startswith("/"):
    # Renditions keep their usual URLs, but Django answers them (the web server serves no media).
    urlpatterns.append(
        path(
            f"{settings.MEDIA_URL.lstrip('/')}images/<path:name>",
            images.serve_rendition_file,
            name="rendition_file",
        )
    )
