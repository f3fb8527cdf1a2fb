"""Send the reminder emails that are due (course/reminders.py); for cron, e.g. hourly."""

from django.core.management.base import BaseCommand

from course.models import ReminderKind
from course.reminders import send_due_reminders


class Command(BaseCommand):
    help = (
        "Send the reminder emails that are due (new module open, access ending or ended, inactivity, "
        "certificate expiring), each at most once. Safe to run often and from several hosts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List the reminders that would go; send and record nothing.",
        )

    def handle(self, *args, dry_run, **options):
        results = send_due_reminders(dry_run=dry_run)
        if dry_run:
            for reminder, _ in results:
                self.stdout.write(f"{reminder.kind}\t{reminder.user.email}\t{reminder.subject}")
            self.stdout.write(f"{len(results)} reminder(s) would be sent (dry run: nothing sent).")
            return
        for kind in ReminderKind:
            sent = sum(1 for reminder, went in results if went and reminder.kind == kind)
            if sent:
                self.stdout.write(f"{kind.label}: {sent}")
        total = sum(1 for _, went in results if went)
        self.stdout.write(f"{total} reminder(s) sent.")
