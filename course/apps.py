from django.apps import AppConfig


class CourseConfig(AppConfig):
    name = "course"
    verbose_name = "Courses"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from course import signal_handlers  # noqa: PLC0415 - imports models: only once the registry is ready

        signal_handlers.connect()

        from course.checks import register_checks  # noqa: PLC0415 - reads the settings and app registry

        register_checks()
