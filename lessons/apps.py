from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LessonsConfig(AppConfig):
    name = "lessons"
    verbose_name = _("Lessons")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from lessons import signal_handlers  # noqa: PLC0415 - imports models: only once the registry is ready

        signal_handlers.connect()
