from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CourseConfig(AppConfig):
    name = "course"
    verbose_name = _("Courses")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Both import models: only possible once the registry is ready.
        from course import brand_freshness, outline_freshness, signal_handlers, site_freshness  # noqa: PLC0415

        signal_handlers.connect()
        outline_freshness.connect()
        brand_freshness.connect()
        site_freshness.connect()

        from course.checks import register_checks  # noqa: PLC0415 - reads the settings and app registry

        register_checks()
