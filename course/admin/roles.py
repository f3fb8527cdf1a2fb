"""Admin roles as Wagtail groups, defined in code so every site gets the same ones.

Each role is one function that creates or updates its group to match the
definition (re-running it restores a group someone edited by hand);
`setup_roles()` runs them all. Add a role by writing a function and listing it
in `ROLES`.
"""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

from course.models import ArticleIndexPage, CourseIndexPage

COURSE_ADMINISTRATORS = "Course administrators"
MARKETERS = "Marketers"
STUDENTS = "Students"

ACCESS_ADMIN = "wagtailadmin.access_admin"
# Manage enrollments without deleting their history (withdraw instead).
ENROLLMENT_PERMISSIONS = ["course.view_enrollment", "course.add_enrollment", "course.change_enrollment"]
# No "bulk_delete": removing a whole course or module with its lessons stays with superusers.
COURSE_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
MEDIA_PERMISSIONS = [
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
    # wagtailmedia has no "choose" permission: its chooser lists what a user may change.
    "wagtailmedia.add_media",
    "wagtailmedia.change_media",
]

# Submitting pages for translation, where the host uses wagtail-localize: course administrators
# translate courses, marketers their articles (each within their page permissions).
TRANSLATION_PERMISSIONS = ["wagtail_localize.submit_translation"]


def translation_permissions():
    return TRANSLATION_PERMISSIONS if apps.is_installed("wagtail_localize") else []


def permission(dotted):
    """The Permission for "app_label.codename" (or a bare wagtailcore page codename)."""
    app_label, _, codename = dotted.rpartition(".")
    return Permission.objects.get(content_type__app_label=app_label or "wagtailcore", codename=codename)


def define_group(name, *, permissions=(), page_permissions=None, collection_permissions=(), collection=None):
    """Create or update group `name` so it has exactly the given permissions.

    `page_permissions` maps a page to page permission codenames ("change_page", ...);
    `collection_permissions` are granted on `collection` (default: the root
    collection, i.e. all images and documents). Anything else the group had is removed.
    """
    page_permissions = page_permissions or {}
    with transaction.atomic():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set([permission(p) for p in permissions])

        wanted_pages = {
            (page.pk, permission(codename).pk)
            for page, codenames in page_permissions.items()
            for codename in codenames
        }
        existing = {
            (gp.page_id, gp.permission_id): gp.pk for gp in GroupPagePermission.objects.filter(group=group)
        }
        GroupPagePermission.objects.filter(
            pk__in=[pk for key, pk in existing.items() if key not in wanted_pages]
        ).delete()
        GroupPagePermission.objects.bulk_create(
            [
                GroupPagePermission(group=group, page_id=p, permission_id=perm)
                for p, perm in wanted_pages - set(existing)
            ]
        )

        root = collection or Collection.get_first_root_node()
        wanted_collection = {permission(p).pk for p in collection_permissions} if root else set()
        current = GroupCollectionPermission.objects.filter(group=group)
        current.exclude(collection=root, permission_id__in=wanted_collection).delete()
        have = set(current.filter(collection=root).values_list("permission_id", flat=True))
        GroupCollectionPermission.objects.bulk_create(
            [
                GroupCollectionPermission(group=group, collection=root, permission_id=p)
                for p in wanted_collection - have
            ]
        )
    return group


def course_administrators():
    """Edit the catalogue (courses, modules, lessons), manage enrollments, see course reports,
    for every course (for one course, see `administrators_of`).

    Page permissions sit on every catalogue page, so courses added later are
    covered; run the command again after creating a new catalogue (a catalogue's translation
    too). No user or
    group permissions: administrators cannot make themselves more powerful.
    """
    catalogues = CourseIndexPage.objects.all()
    return define_group(
        COURSE_ADMINISTRATORS,
        permissions=[ACCESS_ADMIN, *ENROLLMENT_PERMISSIONS, *translation_permissions()],
        page_permissions={page: COURSE_PAGE_PERMISSIONS for page in catalogues},
        collection_permissions=MEDIA_PERMISSIONS,
    )


def course_collection(course):
    """The image, document and media collection of one course's administrators, created if missing."""
    root = Collection.get_first_root_node()
    name = f"Course: {course.title}"[:255]
    existing = root.get_children().filter(name=name).first()
    return existing or root.add_child(name=name)


def administrators_of(course):
    """A group that administers one course: its pages, its students, its reports.

    Enrollment permissions are granted as for the all-course role, but they only
    reach courses in the subtrees where the group holds "change" page
    permissions (course/admin/permissions.py), here the one course. Images and
    documents go in the course's own collection: the root collection holds
    other courses' gated figures. Re-running it restores the group, and extends it to the
    course's translations made since.
    """
    return define_group(
        f"{COURSE_ADMINISTRATORS}: {course.title}"[:150],
        permissions=[ACCESS_ADMIN, *ENROLLMENT_PERMISSIONS, *translation_permissions()],
        # The course in every language: its translations share its students (course/outline.py).
        page_permissions={page: COURSE_PAGE_PERMISSIONS for page in course.get_translations(inclusive=True)},
        collection_permissions=MEDIA_PERMISSIONS,
        collection=course_collection(course),
    )


MARKETING_COLLECTION = "Marketing"
MARKETING_MEDIA_PERMISSIONS = [
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
]
# No "bulk_delete" and no lock/unlock: marketers write and publish, superusers clean up.
ARTICLE_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page"]


def marketing_collection():
    """The image collection marketers work in, created under the root collection if missing."""
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=MARKETING_COLLECTION).first()
    return existing or root.add_child(name=MARKETING_COLLECTION)


def marketers():
    """Write and publish teaser articles, and nothing else.

    Page permissions sit on the article indexes only, so the course tree stays
    out of reach (the page chooser still lets them pick a course or lesson to
    promote: choosing needs no page permission). Images come from their own
    "Marketing" collection: the root collection also holds figures used inside
    gated lessons, which marketers are not entitled to see. No document or
    enrollment permissions, for the same reason.
    """
    return define_group(
        MARKETERS,
        permissions=[ACCESS_ADMIN, *translation_permissions()],
        page_permissions={index: ARTICLE_PAGE_PERMISSIONS for index in ArticleIndexPage.objects.all()},
        collection_permissions=MARKETING_MEDIA_PERMISSIONS,
        collection=marketing_collection(),
    )


def students():
    """Learners: a group for bookkeeping only, with no admin access at all."""
    return define_group(STUDENTS)


# Every role, in the order `setup_roles` builds them.
ROLES = [course_administrators, marketers, students]


def setup_roles():
    """Create or update every role; safe to run any number of times. Returns the groups."""
    return [role() for role in ROLES]
