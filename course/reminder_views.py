"""Student-facing reminder views: the one-click unsubscribe link of every reminder email, and the
reminder preferences under the student's account."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from course.models import ReminderKind, ReminderOptOut
from course.reminders import opt_out, read_unsubscribe_token
from course.templating import layout_context

ONE_CLICK = "One-Click"  # RFC 8058: mail clients POST `List-Unsubscribe=One-Click`


def _page(request, template, status=200, **context):
    return TemplateResponse(request, template, {**context, **layout_context(request)}, status=status)


@csrf_exempt
def unsubscribe(request, token):
    """GET asks for confirmation; POST turns the token's kind off for the token's user.

    Only the mail client's RFC 8058 one-click POST (which carries no CSRF token, and is
    authorised by the signed token alone) skips the CSRF check; the confirmation form keeps it.
    A forged or tampered token changes nothing and gets a 400."""
    try:
        user_id, kind = read_unsubscribe_token(token)
    except signing.BadSignature:
        return _page(request, "course/reminder_unsubscribe.html", status=400, invalid=True)
    if not get_user_model().objects.filter(pk=user_id).exists():
        return _page(request, "course/reminder_unsubscribe.html", status=400, invalid=True)
    if request.method == "POST" and request.POST.get("List-Unsubscribe") == ONE_CLICK:
        return _unsubscribed(request, user_id, kind)
    if request.method == "POST":
        return csrf_protect(_unsubscribed)(request, user_id, kind)
    return _page(request, "course/reminder_unsubscribe.html", kind_label=ReminderKind(kind).label)


def _unsubscribed(request, user_id, kind):
    opt_out(user_id, kind)
    return _page(request, "course/reminder_unsubscribe.html", done=True, kind_label=ReminderKind(kind).label)


@login_required
def preferences(request):
    """/learn/account/reminders/: one checkbox per kind of reminder; unticked kinds are opted out."""
    user = request.user
    if request.method == "POST":
        wanted = set(request.POST.getlist("kinds"))
        off = {kind for kind in ReminderKind.values if kind not in wanted}
        ReminderOptOut.objects.filter(user=user).exclude(kind__in=off).delete()
        ReminderOptOut.objects.bulk_create(
            [ReminderOptOut(user=user, kind=kind) for kind in sorted(off)], ignore_conflicts=True
        )
        messages.success(request, gettext("Your reminder choices are saved."))
        return redirect("course:reminder_preferences")
    off = set(ReminderOptOut.objects.filter(user=user).values_list("kind", flat=True))
    kinds = [
        {"value": value, "label": label, "on": value not in off} for value, label in ReminderKind.choices
    ]
    return _page(request, "course/reminder_preferences.html", kinds=kinds)
