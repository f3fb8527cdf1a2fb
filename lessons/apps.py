from django.apps import AppConfig


class LessonsConfig(AppConfig):
    name = "lessons"
    verbose_name = "Lessons"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from lessons import signal_handlers  # imports models: only possible once the registry is ready

        signal_handlers.connect()
