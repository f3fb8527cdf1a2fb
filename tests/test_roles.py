"""Roles: `setup_roles` builds the admin groups, is idempotent and never grants user management."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command

from course.access import administered_courses
from course.admin.roles import COURSE_ADMINISTRATORS, STUDENTS, setup_roles
from tests.factories import group_snapshot, make_user


def test_course_administrators_permissions(catalogue):
    setup_roles()
    group = Group.objects.get(name=COURSE_ADMINISTRATORS)
    model_perms, page_perms, media_perms = group_snapshot(group)
    assert ("wagtailadmin", "access_admin") in model_perms
    assert {
        ("course", "view_enrollment"),
        ("course", "change_enrollment"),
        ("course", "add_enrollment"),
    } <= set(model_perms)
    assert not [perm for perm in model_perms if perm[0] == "auth"], "no user or group management"
    assert {codename for page_id, codename in page_perms if page_id == catalogue.pk} >= {
        "add_page",
        "change_page",
        "publish_page",
    }
    assert {codename for _, codename in media_perms} >= {"add_image", "choose_image", "add_document"}


def test_students_have_no_admin_access(catalogue):
    setup_roles()
    student = make_user("student")
    student.groups.add(Group.objects.get(name=STUDENTS))
    assert not student.has_perm("wagtailadmin.access_admin")
    assert Group.objects.get(name=STUDENTS).permissions.count() == 0


def test_setup_roles_is_idempotent_and_restores_hand_edits(catalogue):
    setup_roles()
    group = Group.objects.get(name=COURSE_ADMINISTRATORS)
    before = group_snapshot(group)
    group.permissions.add(Permission.objects.get(codename="change_user"))
    setup_roles()
    setup_roles()
    assert group_snapshot(group) == before
    assert Group.objects.filter(name=COURSE_ADMINISTRATORS).count() == 1


def test_command_runs(catalogue, capsys):
    call_command("setup_roles")
    call_command("setup_roles")
    out = capsys.readouterr().out
    assert COURSE_ADMINISTRATORS in out
    assert Group.objects.filter(name__in=[COURSE_ADMINISTRATORS, STUDENTS]).count() == 2


def test_course_admin_edits_lessons_but_not_users_or_groups(client, course_admin, gated_course):
    client.force_login(course_admin)
    lesson = gated_course.lessons[0]
    assert client.get(f"/admin/pages/{lesson.pk}/edit/").status_code == 200
    assert client.get(f"/admin/pages/add/course/modulepage/{gated_course.pk}/").status_code == 200
    for url in ("/admin/users/", "/admin/groups/", f"/admin/users/edit/{course_admin.pk}/"):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert "/admin/users" not in response["Location"] and "/admin/groups" not in response["Location"]


def test_one_course_administrators_group(gated_course, other_course, capsys):
    call_command("setup_roles", "--course", gated_course.slug)
    call_command("setup_roles", "--course", gated_course.slug)  # idempotent
    group = Group.objects.get(name=f"{COURSE_ADMINISTRATORS}: {gated_course.title}")
    model_perms, page_perms, media_perms = group_snapshot(group)
    assert {("course", "view_enrollment"), ("course", "change_enrollment")} <= set(model_perms)
    assert {page_id for page_id, _ in page_perms} == {gated_course.pk}
    assert {name for name, _ in media_perms} == {f"Course: {gated_course.title}"}
    assert group.name in capsys.readouterr().out

    member = make_user("oneadmin")
    member.groups.add(group)
    assert list(administered_courses(member)) == [gated_course]


def test_command_refuses_an_unknown_course(catalogue):
    with pytest.raises(CommandError, match="no-such-course"):
        call_command("setup_roles", "--course", "no-such-course")
