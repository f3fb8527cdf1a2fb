"""The demo host's sign-up form: allauth's, plus the name certificates and emails print."""

from course.forms import NameForm


class SignupForm(NameForm):
    """allauth builds its sign-up form on this class (`ACCOUNT_SIGNUP_FORM_CLASS`)."""

    def signup(self, request, user):
        self.save_to(user)
