"""People are named by their full name, else their email; never by the generated username."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from course.models import Certificate, Enrollment
from course.people import display_name
from tests.factories import client_for, enroll_as, make_course, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "a-Strong-passphrase-91"


def test_sign_up_asks_for_the_name_and_stores_it(db):
    page = Client().get("/accounts/signup/").content.decode()
    assert 'name="first_name"' in page and 'name="last_name"' in page
    data = {"email": "nina@example.com", "password1": PASSWORD, "password2": PASSWORD}
    refused = Client().post("/accounts/signup/", data)
    assert refused.status_code == 200 and "Enter your given name" in refused.content.decode()
    assert not get_user_model().objects.filter(email="nina@example.com").exists()
    Client().post("/accounts/signup/", {**data, "first_name": " Nina ", "last_name": "Oliveira"})
    user = get_user_model().objects.get(email="nina@example.com")
    assert (user.first_name, user.last_name) == ("Nina", "Oliveira")


def test_the_account_page_edits_the_name_with_clear_messages(db):
    user = make_user("x7f3k2", first_name="Ana")
    client = client_for(user)
    page = client.get("/learn/account/")
    assert page.status_code == 200 and "private" in page["Cache-Control"]
    assert "Now: <strong>Ana</strong>" in page.content.decode()
    bad = client.post("/learn/account/", {"first_name": "   ", "last_name": "---"})
    html = bad.content.decode()
    assert bad.status_code == 400
    assert "Enter your given name" in html and "A name needs at least one letter." in html
    user.refresh_from_db()
    assert user.first_name == "Ana"
    saved = client.post("/learn/account/", {"first_name": "Ana Maria", "last_name": "da Silva"}, follow=True)
    assert "Your name is saved." in saved.content.decode()
    user.refresh_from_db()
    assert user.get_full_name() == "Ana Maria da Silva"
    assert Client().get("/learn/account/").status_code == 302  # log in first


def test_without_a_name_the_email_stands_in_never_the_username(catalogue, django_capture_on_commit_callbacks):
    user = make_user("user-8812x")
    assert display_name(user) == "user-8812x@example.com"
    course, lessons = make_course(catalogue, "Named", modules=1, lessons=1)
    enroll_as(user, course)
    client = client_for(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(lessons[0].url + "complete/")
    certificate = Certificate.objects.get()
    assert certificate.recipient_name == "user-8812x@example.com"
    assert "user-8812x@example.com" in client.get(certificate.get_absolute_url()).content.decode()
    body = mail.outbox[-1].body
    assert body.startswith("Hello user-8812x@example.com,")
    assert "user-8812x," not in body


def test_an_issued_certificate_keeps_the_name_it_was_issued_with(catalogue):
    user = make_user("kim", first_name="Kim", last_name="Park")
    course, _ = make_course(catalogue, "Kept", modules=1, lessons=1)
    enrollment = enroll_as(user, course, Enrollment.Status.COMPLETED)
    certificate = Certificate.objects.create(enrollment=enrollment, recipient_name="Kim Park")
    client_for(user).post("/learn/account/", {"first_name": "Kim", "last_name": "Lee"})
    html = Client().get(certificate.get_absolute_url()).content.decode()
    assert "Kim Park" in html and "Kim Lee" not in html


def test_the_admin_lists_students_by_name(course_admin_client, gated_course):
    enroll_as(make_user("u-0001", first_name="Lea", last_name="Moreau"), gated_course)
    enroll_as(make_user("u-0002"), gated_course)
    html = course_admin_client.get("/admin/enrollments/").content.decode()
    assert "Lea Moreau" in html and "u-0002@example.com" in html
    assert ">u-0001<" not in html and ">u-0002<" not in html
    export = course_admin_client.get("/admin/enrollments/?export=csv")
    text = b"".join(export.streaming_content).decode() if export.streaming else export.content.decode()
    assert text.splitlines()[0].startswith("Student,Email,")
    assert "Lea Moreau" in text and "u-0001," not in text
