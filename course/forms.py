"""Forms students submit on course pages. Only the fields listed here are ever read."""

from django import forms


class EnrollForm(forms.Form):
    code = forms.CharField(
        label="Enrollment code",
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
            self.fields["code"].error_messages["required"] = "Enter the enrollment code you were given."
        else:
            del self.fields["code"]
