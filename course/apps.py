from django.apps import AppConfig


class CourseConfig(AppConfig):
    name = "course"
    verbose_name = "Courses"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from course import signal_handlers  # imports models: only possible once the registry is ready

        signal_handlers.connect()
