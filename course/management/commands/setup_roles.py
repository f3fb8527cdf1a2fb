"""Create or update the admin roles (Wagtail groups) defined in `course.roles`."""

from django.core.management.base import BaseCommand

from course.roles import setup_roles


class Command(BaseCommand):
    help = "Create or update the admin roles (Course administrators, Students, ...). Safe to re-run."

    def handle(self, *args, **options):
        for group in setup_roles():
            self.stdout.write(f"{group.name}: {group.permissions.count()} permissions")
        self.stdout.write(self.style.SUCCESS("Roles are up to date."))
