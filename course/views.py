"""Student-facing course views: enrollment actions, invitations and the dashboard."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from wagtail.models import Locale

from course import access as policy
from course.cache_headers import private_response
from course.certificate_views import certificate_download  # noqa: F401 - the course page's certificate/ route
from course.enrollments import ADMITTED_SOURCES, EnrollmentError, enroll, readmits_without_code, withdraw
from course.errors import storage_unavailable
from course.forms import EnrollForm, NameForm
from course.invitations import InvitationError, accept, email_matches, invitation_for_token
from course.models import CoursePage, Enrollment
from course.people import display_name
from course.progress import next_lesson, progress_by_course, progress_for
from course.ratelimit import CodeAttempt
from course.records import learner_record
from course.templating import layout_context


def access_refused(request):
    """What a refused file download answers (documents, images): log in first (`LOGIN_URL`), or 403."""
    if not request.user.is_authenticated:
        return private_response(redirect_to_login(request.get_full_path()))
    response = TemplateResponse(request, "course/access_refused.html", layout_context(request), status=403)
    return private_response(response.render())


def check_document_access(document, request):
    """`before_serve_document` hook: a download the access policy refuses gets `access_refused`;
    one whose file storage cannot be reached gets a 503 page rather than Wagtail's 500."""
    if not policy.document_access(request, document):
        return access_refused(request)
    try:
        document.file.storage.exists(document.file.name)
    except Exception as error:  # whatever the storage backend raises when unreachable: S3, NFS, disk
        return storage_unavailable(error)
    return None


def course_context(request, course, enroll_form=None):
    """What the course page shows about the current user's place in the course."""
    user = request.user
    enrollment = policy.enrollment_for(user, course)
    outline = course.outline
    has_access = enrollment is not None and enrollment.grants_access()
    progress = progress_for(user, course) if has_access else None
    is_editor = policy.can_edit_course(user, course)
    completed_ids = progress.completed_ids if progress else set()
    return {
        "locks": policy.outline_locks(
            course, enrollment if has_access else None, completed_ids, sees_everything=is_editor
        ),
        "outline": outline,
        "enrollment": enrollment,
        "has_access": has_access,
        "progress": progress,
        "completed_ids": completed_ids,
        "continue_lesson": next_lesson(outline, progress, enrollment) if progress else None,
        # A certificate stays its holder's whatever happens to their access later.
        "certificate": getattr(enrollment, "certificate", None) if enrollment is not None else None,
        "is_editor": is_editor,
        "enroll_form": enroll_form
        or EnrollForm(course=course, code_needed=not readmits_without_code(enrollment)),
        "first_lesson": outline.lessons[0] if outline.lessons else None,
    }


def _post_only(request, page):
    """A page action answers POST only; any other request (a bookmarked or reloaded action URL)
    is sent to the page itself."""
    return None if request.method == "POST" else private_response(redirect(page.url))


def enroll_view(request, course):
    refused = _post_only(request, course)
    if refused:
        return refused
    if not request.user.is_authenticated:
        return redirect_to_login(course.url)
    existing = policy.enrollment_for(request.user, course)
    form = EnrollForm(request.POST, course=course, code_needed=not readmits_without_code(existing))
    status_code = 400
    if form.is_valid():
        # A code guess is counted before the code is checked, and not checked at all (even a
        # right one) once a limit is reached: see course/ratelimit.py.
        attempt = (
            CodeAttempt(request, course) if course.enrollment_mode == course.EnrollmentMode.CODE else None
        )
        if attempt is not None and attempt.refused:
            form.add_error(None, attempt.message())
            status_code = attempt.status_code
        else:
            try:
                result = enroll(request.user, course, code=form.cleaned_data.get("code"))
            except EnrollmentError as error:
                if attempt is not None and error.code == "code":
                    attempt.wrong()
                elif attempt is not None:
                    attempt.not_a_guess()  # refused for another reason (e.g. full): not a wrong code
                form.add_error("code" if error.code == "code" else None, error.message)
            else:
                if attempt is not None and result.changed:
                    attempt.right()
                elif attempt is not None:
                    attempt.not_a_guess()  # already enrolled or pending: the code was not checked
                status = result.enrollment.status
                if status == Enrollment.Status.PENDING:
                    messages.info(
                        request,
                        gettext("Your enrollment request was sent. You will get access once it is approved."),
                    )
                elif result.changed:
                    messages.success(
                        request,
                        gettext("You are enrolled in %(course)s. Enjoy the course!")
                        % {"course": course.title},
                    )
                else:
                    messages.info(request, gettext("You are already enrolled in this course."))
                return redirect(course.url)
    response = course.render(request, context_overrides={"enroll_form": form})
    response.status_code = status_code
    if status_code in (429, 503):
        response["Retry-After"] = str(attempt.retry_after)
    return response


def my_progress_view(request, course):
    """The student's record in the course ("My progress"): every lesson's completion date, quiz
    attempts, place in its audio and video, and the last activity. For anyone who has been
    enrolled (active, completed or expired); others go back to the course page."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    enrollment = policy.enrollment_for(request.user, course)
    if enrollment is None or enrollment.status in (Enrollment.Status.WITHDRAWN, Enrollment.Status.PENDING):
        messages.info(request, gettext("Your progress shows here once you are enrolled in this course."))
        return private_response(redirect(course.url))
    context = {
        "page": course,
        "enrollment": enrollment,
        "record": learner_record(request.user, course),
        **layout_context(request),
    }
    return private_response(TemplateResponse(request, "course/my_progress.html", context).render())


def withdraw_view(request, course):
    """Leaving a course, or cancelling a request: GET asks for confirmation, POST does it."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    enrollment = policy.enrollment_for(request.user, course)
    if enrollment is None or enrollment.status == Enrollment.Status.WITHDRAWN:
        messages.info(request, gettext("You are not enrolled in this course."))
        return private_response(redirect(course.url))
    if enrollment.status == Enrollment.Status.COMPLETED:
        messages.info(
            request, gettext("You completed this course: it stays on your record, with its certificate.")
        )
        return private_response(redirect(course.url))
    was_pending = enrollment.status == Enrollment.Status.PENDING
    if request.method != "POST":
        context = {
            "page": course,
            "enrollment": enrollment,
            "was_pending": was_pending,
            "back_without_code": enrollment.source in ADMITTED_SOURCES,
            **layout_context(request),
        }
        return private_response(TemplateResponse(request, "course/withdraw_confirm.html", context).render())
    try:
        withdraw(enrollment)
    except EnrollmentError as error:
        messages.info(request, error.message)
    else:
        messages.success(
            request,
            gettext("Your enrollment request was cancelled.")
            if was_pending
            else gettext("You have left the course."),
        )
    return private_response(redirect(course.url))


def in_active_language(courses):
    """{course id: its live translation in the active language, else the course itself}: the
    dashboard lists enrollments (kept under each course of record) in the language it is read in."""
    shown = {course.pk: course for course in courses}
    if not getattr(settings, "WAGTAIL_I18N_ENABLED", False) or not courses:
        return shown
    keys = {course.translation_key: course.pk for course in courses}
    locale = Locale.get_active()
    for translation in CoursePage.objects.filter(translation_key__in=keys, locale=locale).live():
        shown[keys[translation.translation_key]] = translation
    return shown


@login_required
def dashboard(request):
    """/learn/: the student's courses with status, progress, last activity and certificates."""
    enrollments = list(
        Enrollment.objects.filter(user=request.user)
        .exclude(status=Enrollment.Status.WITHDRAWN)
        .select_related("course", "certificate")
        .order_by("-enrolled_at")
    )
    progress = progress_by_course(request.user, [enrollment.course for enrollment in enrollments])
    shown = in_active_language([enrollment.course for enrollment in enrollments])
    now = timezone.now()
    rows = [
        {
            "enrollment": enrollment,
            "course": shown[enrollment.course_id],
            "progress": progress.get(enrollment.course_id),
            "certificate": getattr(enrollment, "certificate", None),
            "expired": enrollment.is_expired(now),
            "can_continue": enrollment.grants_access(now) and enrollment.course.live,
        }
        for enrollment in enrollments
    ]
    context = {"rows": rows, "display_name": display_name(request.user), **layout_context(request)}
    return private_response(TemplateResponse(request, "course/dashboard.html", context))


@login_required
def account(request):
    """/learn/account/: the student's name, as certificates and emails print it."""
    user = request.user
    if request.method == "POST":
        form = NameForm(request.POST)
        if form.is_valid():
            form.save_to(user)
            messages.success(request, gettext("Your name is saved."))
            return redirect("course:account")
    else:
        form = NameForm(initial={"first_name": user.first_name, "last_name": user.last_name})
    context = {"form": form, "display_name": display_name(user), **layout_context(request)}
    return TemplateResponse(request, "course/account.html", context, status=400 if form.errors else 200)


def article_context(request, article):
    """An article's call to action: its promoted course and the visitor's enrollment in it."""
    course = article.visible_promoted_course
    enrollment = policy.enrollment_for(request.user, course) if course else None
    return {
        "promoted_course": course,
        "promoted_enrollment": enrollment,
        "promoted_has_access": enrollment is not None and enrollment.grants_access(),
        "article_index": article.get_parent().specific,
    }


def invitation(request, token):
    """An emailed invitation (course/invitations.py): GET shows the course and the way in (sign up
    with the invited address, or log in, and come back here); POST, logged in, accepts it. A bad
    link answers an explanation with 400 (forged) or 410 (expired, cancelled, used), enrolling nobody."""
    try:
        invitation = invitation_for_token(token)
    except InvitationError as error:
        context = {"error": error, **layout_context(request)}
        return TemplateResponse(request, "course/invitation_invalid.html", context, status=error.status)
    course = invitation.course
    here = request.get_full_path()
    user = request.user
    status, error = 200, None
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect_to_login(here)
        try:
            accept(invitation, user)
        except InvitationError as refusal:
            if refusal.code in ("used", "cancelled", "expired", "unavailable"):
                context = {"error": refusal, **layout_context(request)}
                return TemplateResponse(
                    request, "course/invitation_invalid.html", context, status=refusal.status
                )
            status, error = refusal.status, refusal.message
        else:
            messages.success(
                request, gettext("Welcome to %(course)s: you are enrolled.") % {"course": course.title}
            )
            return redirect(course.url)
    matches = user.is_authenticated and email_matches(user, invitation)
    if user.is_authenticated and not matches:
        status = 403
    context = {
        "page": course,
        "invitation": invitation,
        "error": error,
        "email_matches": matches,
        **layout_context(request),
    }
    if not user.is_authenticated:
        if context["signup_url"]:
            context["signup_link"] = (
                f"{context['signup_url']}?{urlencode({'email': invitation.email, 'next': here})}"
            )
        context["login_link"] = f"{context['login_url']}?{urlencode({'next': here})}"
    return TemplateResponse(request, "course/invitation.html", context, status=status)
