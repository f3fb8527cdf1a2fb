"""Account pages never tell a visitor whether an email address has an account."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from course.models import Enrollment
from tests.accounts import confirm_address
from tests.factories import make_course, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "a-Strong-passphrase-91"
KNOWN = "known@example.com"
UNKNOWN = "newcomer@example.com"
CONFIRM_LINK = re.compile(r"https?://testserver(/accounts/confirm-email/[^/\s]+/)")


@pytest.fixture
def known(db):
    user = make_user("known")
    confirm_address(user)
    return user


def page_without(response, email):
    """The page as a visitor sees it, minus the address they typed and per-request tokens."""
    html = response.content.decode().replace(email, "EMAIL")
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', html)
    return re.sub(r'nonce="[^"]*"', 'nonce=""', html)


def journey(response):
    return [(url, status) for url, status in response.redirect_chain], response.status_code


def sign_up(email, **client_kwargs):
    client = Client(**client_kwargs)
    response = client.post(
        "/accounts/signup/",
        {"email": email, "first_name": "Nina", "password1": PASSWORD, "password2": PASSWORD},
        follow=True,
    )
    return client, response


@pytest.mark.parametrize("typed", [KNOWN, "Known@Example.com"])
def test_sign_up_answers_the_same_for_a_known_and_an_unknown_email(known, typed):
    users_before = get_user_model().objects.count()
    _, for_known = sign_up(typed)
    assert get_user_model().objects.count() == users_before  # no second account
    _, for_unknown = sign_up(UNKNOWN)
    assert get_user_model().objects.filter(email=UNKNOWN).count() == 1

    assert journey(for_known) == journey(for_unknown)
    assert journey(for_known)[0][-1][0] == "/accounts/confirm-email/"
    assert page_without(for_known, typed.lower()) == page_without(for_unknown, UNKNOWN)
    for response in (for_known, for_unknown):
        assert "Verify Your Email Address" in response.content.decode()
        assert "already registered" not in response.content.decode()
        assert "_auth_user_id" not in response.client.session  # nobody is logged in before verifying


def test_the_account_holder_is_told_and_the_newcomer_gets_a_confirmation(known):
    sign_up(KNOWN)
    sign_up(UNKNOWN)
    to_known, to_unknown = mail.outbox
    assert to_known.to == [KNOWN]
    assert "Account Already Exists" in to_known.subject
    assert "an account using that email address already exists" in to_known.body
    assert "/accounts/password/reset/" in to_known.body
    assert to_unknown.to == [UNKNOWN]
    assert "Please Confirm Your Email Address" in to_unknown.subject
    assert CONFIRM_LINK.search(to_unknown.body)
    assert "already" not in to_unknown.body.lower()


def test_a_new_student_confirms_the_email_and_is_logged_in_to_enroll(catalogue):
    course, _ = make_course(catalogue, "Open course", modules=1, lessons=1)
    client, response = sign_up(UNKNOWN)
    assert "Verify Your Email Address" in response.content.decode()
    assert client.post(course.url + "enroll/").status_code == 302  # still a visitor: sent to log in
    assert not Enrollment.objects.exists()

    (message,) = mail.outbox
    link = CONFIRM_LINK.search(message.body).group(1)
    assert "Confirm Email Address" in client.get(link).content.decode()
    response = client.post(link)
    assert response.status_code == 302 and response["Location"] == "/learn/"
    assert EmailAddress.objects.get(email=UNKNOWN).verified
    assert client.post(course.url + "enroll/").status_code == 302
    assert Enrollment.objects.get().user.email == UNKNOWN


def test_signing_up_again_with_an_unconfirmed_address_creates_no_second_account(db):
    sign_up(UNKNOWN, REMOTE_ADDR="192.0.2.1")
    _, again = sign_up(UNKNOWN, REMOTE_ADDR="192.0.2.2")
    assert again.status_code == 200 and "Verify Your Email Address" in again.content.decode()
    assert "already registered" not in again.content.decode()
    assert get_user_model().objects.filter(email=UNKNOWN).count() == 1


def test_login_answers_the_same_for_a_known_and_an_unknown_email(known):
    responses = {
        email: Client().post("/accounts/login/", {"login": email, "password": "not-the-password"})
        for email in (KNOWN, UNKNOWN)
    }
    assert responses[KNOWN].status_code == responses[UNKNOWN].status_code == 200
    assert (
        "The email address and/or password you specified are not correct."
        in responses[KNOWN].content.decode()
    )
    assert page_without(responses[KNOWN], KNOWN) == page_without(responses[UNKNOWN], UNKNOWN)


def test_password_reset_answers_the_same_for_a_known_and_an_unknown_email(known):
    responses = {
        email: Client().post("/accounts/password/reset/", {"email": email}, follow=True)
        for email in (KNOWN, UNKNOWN)
    }
    assert journey(responses[KNOWN]) == journey(responses[UNKNOWN])
    assert journey(responses[KNOWN])[0] == [("/accounts/password/reset/done/", 302)]
    assert page_without(responses[KNOWN], KNOWN) == page_without(responses[UNKNOWN], UNKNOWN)
    to_known, to_unknown = mail.outbox
    assert to_known.to == [KNOWN] and "/accounts/password/reset/key/" in to_known.body
    assert to_unknown.to == [UNKNOWN] and "/accounts/password/reset/key/" not in to_unknown.body
