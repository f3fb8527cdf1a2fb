"""Reminder emails: which were sent (so none goes twice) and which kinds a student turned off."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReminderKind(models.TextChoices):
    # Translators: kinds of reminder email, as a student turns them on or off ("Send me an email when…").
    MODULE_OPEN = "module_open", _("A new module is open")
    ACCESS_ENDING = "access_ending", _("Your access ends soon")
    ACCESS_ENDED = "access_ended", _("Your access has ended")
    INACTIVITY = "inactivity", _("Pick up where you left off")
    CERTIFICATE_EXPIRING = "certificate_expiring", _("Your certificate expires soon")


class SentReminder(models.Model):
    """One row per reminder sent: the unique constraint is what makes sending idempotent, even
    with two workers at once (the row is written before the email goes)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32, choices=ReminderKind.choices)
    # What the reminder is about, e.g. "module:12:enrollment:5"; unique per user and kind.
    subject = models.CharField(max_length=120)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "subject"], name="one_reminder_per_subject")
        ]

    def __str__(self):
        return f"{self.kind} for {self.user_id}: {self.subject}"


class ReminderOptOut(models.Model):
    """A kind of reminder a user does not want (one-click unsubscribe, or the preference page)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32, choices=ReminderKind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_opt_out_per_kind")]

    def __str__(self):
        return f"{self.user_id} opted out of {self.kind}"
