"""wagtail-localize's admin views, held to the page permissions of what they act on.

Why: wagtail-localize (1.14) lets anyone with its one global permission,
`wagtail_localize.submit_translation`, submit any page for translation and sync any page's
translations: `SubmitPageTranslationView` and `UpdateTranslationsView` check that permission
and nothing else. Marketers and every course administrator hold it (course/admin/roles.py), so a
marketer could create the French copy of a lesson in the course tree, or publish an unreviewed
sync of it, and an administrator of one course could do the same to any other course. Its
translation editor, with the PO download, the preview and the editor's own API, checks edit
permission on the translation only (the French page), never on the page translated: the
administrator of a French course could read the whole English lesson, gated sections included,
through the PO file or the editor. And its snippet API lists any snippet model, enrollments too,
to any admin user (it crashes on ours, after reading them all).

The guard, for every localize view that acts on a page, a translation or a snippet model:

- the user may edit the page translated (the source);
- submitting: for each language asked for, the user may add a page where wagtail-localize
  creates the translation (under the source's parent's translation, or under the nearest
  translated ancestor: the missing parents are copied too), or edit the page it converts
  (an alias in that language);
- a translation (editor, its API, PO files, preview, stop, convert back to an alias, sync): the
  user may also edit the translated page, and publish it when a sync publishes;
- the snippet API answers for translatable snippet models the user may edit only (the
  translation editor's chooser uses it for nothing else).

Then it calls localize's own view, which checks what it checks. The views are mounted by the
`register_admin_urls` hook at localize's own paths, registered before localize's hook (course/
wagtail_hooks.py), so Django resolves these first and `reverse("wagtail_localize:…")`, which
localize's templates and scripts use, leads here. The translation editor replaces the page edit
view through localize's `before_edit_page` hook: `check_translation_editor` runs before it.
The translations report (titles and statuses), its JavaScript catalogue and the Locales screens
(superusers) are left as they are.

This module imports wagtail-localize: only import it on a host that installs the app.
"""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import include, path
from wagtail.admin.auth import permission_denied
from wagtail.models import Locale, Page, TranslatableMixin
from wagtail.snippets.permissions import user_can_edit_snippet_type
from wagtail.snippets.views.snippets import get_snippet_model_from_url_params
from wagtail_localize.models import Translation, TranslationSource
from wagtail_localize.views import convert, edit_translation, snippets_api, submit_translations
from wagtail_localize.views.update_translations import UpdateTranslationsForm, UpdateTranslationsView

# wagtail-localize's own views, called once the guard lets a request through.
submit_page_view = submit_translations.SubmitPageTranslationView.as_view()
submit_snippet_view = submit_translations.SubmitSnippetTranslationView.as_view()
update_view = UpdateTranslationsView.as_view()
snippets_listing_view = snippets_api.SnippetViewSet.as_view({"get": "list"})
snippets_detail_view = snippets_api.SnippetViewSet.as_view({"get": "retrieve"})


def can_edit(user, instance):
    """Edit permission on a page, or on a snippet's model (wagtail-localize's own test)."""
    return edit_translation.user_can_edit_instance(user, instance)


def require_edit(user, instance):
    if not can_edit(user, instance):
        raise PermissionDenied


def found(get):
    """`get()`, a source or target instance, or 404 when it is gone."""
    try:
        return get()
    except ObjectDoesNotExist as missing:
        raise Http404 from missing


def creation_parent(page, locale):
    """Where wagtail-localize creates `page`'s translation into `locale`: under its parent's
    translation; when the parent has none, localize copies the missing ancestors first, under the
    nearest ancestor that has one (or the root)."""
    for ancestor in page.get_ancestors().reverse():
        if ancestor.is_root():
            return ancestor
        translated = ancestor.get_translation_or_none(locale)
        if translated is not None:
            return translated
    return page.get_parent()


def may_translate_into(user, page, locale):
    existing = page.get_translation_or_none(locale)
    if existing is not None:  # an alias, that localize turns into the translation
        return existing.permissions_for_user(user).can_edit()
    return creation_parent(page, locale).permissions_for_user(user).can_add_subpage()


def posted_locales(request):
    ids = [value for value in request.POST.getlist("locales") if value.isdigit()]
    return Locale.objects.filter(pk__in=ids)


def submit_page_translation(request, page_id):
    page = get_object_or_404(Page, id=page_id)
    require_edit(request.user, page)
    if request.method == "POST":
        for locale in posted_locales(request):
            if not may_translate_into(request.user, page, locale):
                raise PermissionDenied
    return submit_page_view(request, page_id=page_id)


def translatable_snippet_model(user, app_label, model_name):
    model = get_snippet_model_from_url_params(app_label, model_name)
    if not issubclass(model, TranslatableMixin):
        raise Http404
    if not user_can_edit_snippet_type(user, model):
        raise PermissionDenied
    return model


def submit_snippet_translation(request, app_label, model_name, pk):
    translatable_snippet_model(request.user, app_label, model_name)
    return submit_snippet_view(request, app_label=app_label, model_name=model_name, pk=pk)


def targets(source):
    """The instances a source's enabled translations write to (those still there)."""
    for translation in source.translations.filter(enabled=True).select_related("target_locale"):
        try:
            yield translation.get_target_instance()
        except ObjectDoesNotExist:
            continue


def update_translations(request, translation_source_id):
    source = get_object_or_404(TranslationSource, id=translation_source_id)
    require_edit(request.user, found(source.get_source_instance))
    form = UpdateTranslationsForm(request.POST) if request.method == "POST" else None
    publishing = form is not None and form.is_valid() and form.cleaned_data["publish_translations"]
    for target in targets(source):
        require_edit(request.user, target)
        if (
            publishing
            and isinstance(target, Page)
            and not target.permissions_for_user(request.user).can_publish()
        ):
            raise PermissionDenied
    return update_view(request, translation_source_id=translation_source_id)


def require_translation_access(user, translation_id):
    """Edit permission on both sides of a translation: its source and its target."""
    translation = get_object_or_404(Translation.objects.select_related("source"), id=translation_id)
    require_edit(user, found(translation.source.get_source_instance))
    require_edit(user, found(translation.get_target_instance))


def guarded_by_translation(view, name):
    """localize's view of a translation `view` (URL `name`), after `require_translation_access`."""

    def guarded(request, translation_id, **kwargs):
        require_translation_access(request.user, translation_id)
        return view(request, translation_id=translation_id, **kwargs)

    guarded.__name__ = guarded.__qualname__ = name
    return guarded


def convert_to_alias(request, page_id):
    """Converting a translation back to an alias copies the source into it: both sides."""
    page = get_object_or_404(Page, id=page_id, alias_of_id__isnull=True)
    require_edit(request.user, page)
    sources = TranslationSource.objects.filter(
        object_id=page.translation_key,
        specific_content_type=page.content_type_id,
        translations__target_locale=page.locale_id,
    )
    for source in sources:
        require_edit(request.user, found(source.get_source_instance))
    return convert.convert_to_alias(request, page_id=page_id)


def snippets_api_listing(request, app_label, model_name):
    translatable_snippet_model(request.user, app_label, model_name)
    return snippets_listing_view(request, app_label=app_label, model_name=model_name)


def snippets_api_detail(request, app_label, model_name, pk):
    translatable_snippet_model(request.user, app_label, model_name)
    return snippets_detail_view(request, app_label=app_label, model_name=model_name, pk=pk)


def guarded_urls():
    """localize's URLs that act on a page, a translation or a snippet model, at localize's paths
    (`wagtail_localize/wagtail_hooks.py`), to be registered before localize's own."""
    translation_views = [
        (
            "strings/<int:string_segment_id>/edit/",
            edit_translation.edit_string_translation,
            "edit_string_translation",
        ),
        ("overrides/<int:overridable_segment_id>/edit/", edit_translation.edit_override, "edit_override"),
        ("pofile/download/", edit_translation.download_pofile, "download_pofile"),
        ("pofile/upload/", edit_translation.upload_pofile, "upload_pofile"),
        ("machine_translate/", edit_translation.machine_translate, "machine_translate"),
        ("preview/", edit_translation.preview_translation, "preview_translation"),
        ("preview/<str:mode>/", edit_translation.preview_translation, "preview_translation"),
        ("disable/", edit_translation.stop_translation, "stop_translation"),
    ]
    urls = [
        path("submit/page/<int:page_id>/", submit_page_translation, name="submit_page_translation"),
        path(
            "submit/snippet/<slug:app_label>/<slug:model_name>/<str:pk>/",
            submit_snippet_translation,
            name="submit_snippet_translation",
        ),
        path("update/<int:translation_source_id>/", update_translations, name="update_translations"),
        *[
            path(f"translate/<int:translation_id>/{route}", guarded_by_translation(view, name), name=name)
            for route, view, name in translation_views
        ],
        path("page/<int:page_id>/convert_to_alias/", convert_to_alias, name="convert_to_alias"),
        path(
            "api/snippets/<slug:app_label>/<slug:model_name>/",
            snippets_api_listing,
            name="snippets_api_listing",
        ),
        path(
            "api/snippets/<slug:app_label>/<slug:model_name>/<str:pk>/",
            snippets_api_detail,
            name="snippets_api_detail",
        ),
    ]
    return [path("localize/", include((urls, "course_translations"), namespace="course_translations"))]


def check_translation_editor(request, page):
    """`before_edit_page`, ahead of localize's: its translation editor (which replaces the edit view
    of a page that is the target of a synced translation, and restarts one) shows every segment of
    the source page. Wagtail has checked edit permission on this page; the source needs it too."""
    translations = Translation.objects.filter(
        source__object_id=page.translation_key, target_locale_id=page.locale_id
    ).select_related("source")
    if not (request.method == "POST" and "localize-restart-translation" in request.POST):
        translations = translations.filter(enabled=True)
    for translation in translations:
        try:
            source = translation.source.get_source_instance()
        except ObjectDoesNotExist:
            continue
        if not can_edit(request.user, source):
            return permission_denied(request)
    return None
