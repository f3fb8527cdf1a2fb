"""Wagtail hooks that route other channels through the access policy."""

from django.contrib.auth.views import redirect_to_login
from django.template.response import TemplateResponse
from wagtail import hooks

from course.access import document_access
from course.cache import private_response


@hooks.register("before_serve_document")
def check_document_access(document, request):
    if document_access(request, document):
        return None
    if not request.user.is_authenticated:
        return private_response(redirect_to_login(request.get_full_path()))
    response = TemplateResponse(request, "403.html", status=403)
    return private_response(response.render())
