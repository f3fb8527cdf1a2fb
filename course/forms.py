"""Forms students submit on course pages. Only the fields listed here are ever read."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class EnrollForm(forms.Form):
    code = forms.CharField(
        label=_("Enrollment code"),
        max_length=64,
        required=False,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, course, code_needed=True, **kwargs):
        """`code_needed=False` for a former student the course readmits without the code
        (`course.enrollments.readmits_without_code`)."""
        super().__init__(*args, **kwargs)
        self.course = course
        if course.enrollment_mode == course.EnrollmentMode.CODE and code_needed:
            self.fields["code"].required = True
            self.fields["code"].error_messages["required"] = gettext(
                "Enter the enrollment code you were given."
            )
        else:
            del self.fields["code"]


class NameForm(forms.Form):
    """A person's name as certificates and emails print it (Django's first and last name).

    The account page edits it; a host's sign-up form can inherit it to ask for it at sign-up
    (`save_to(user)` stores it).
    """

    first_name = forms.CharField(
        label=_("Given name"),
        max_length=150,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        error_messages={"required": _("Enter your given name, as it should appear on your certificates.")},
    )
    last_name = forms.CharField(
        label=_("Family name"),
        max_length=150,
        strip=True,
        required=False,
        help_text=_("Leave empty if you have only one name."),
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )

    def clean(self):
        cleaned = super().clean()
        for field in ("first_name", "last_name"):
            value = cleaned.get(field, "")
            if value and not any(character.isalpha() for character in value):
                self.add_error(field, gettext("A name needs at least one letter."))
        return cleaned

    def save_to(self, user):
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.save(update_fields=["first_name", "last_name"])
