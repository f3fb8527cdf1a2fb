"""Create or update the admin roles (Wagtail groups) defined in `course.admin.roles`."""

from django.core.management.base import BaseCommand, CommandError

from course.admin.roles import administrators_of, setup_roles
from course.models import CoursePage


class Command(BaseCommand):
    help = (
        "Create or update the admin roles (Course administrators, Marketers, Students). Safe to re-run. "
        "With --course, also create the group of administrators of that one course."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--course",
            action="append",
            default=[],
            metavar="SLUG",
            help="Also create or update the administrators group of the course with this slug (repeatable).",
        )

    def handle(self, *args, course, **options):
        courses = []
        for slug in course:
            found = list(CoursePage.objects.filter(slug=slug)[:2])
            if len(found) != 1:
                raise CommandError(f"No single course has the slug “{slug}” (found {len(found)}).")
            courses.append(found[0])
        for group in setup_roles() + [administrators_of(found) for found in courses]:
            self.stdout.write(f"{group.name}: {group.permissions.count()} permissions")
        self.stdout.write(self.style.SUCCESS("Roles are up to date."))
