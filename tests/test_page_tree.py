"""The page tree shape is enforced by Wagtail's parent/subpage rules."""

from wagtail.models import Page, get_page_models
from wagtail.test.utils import WagtailPageTestCase

from course.models import (
    AbstractLessonPage,
    ArticleIndexPage,
    ArticlePage,
    CourseIndexPage,
    CoursePage,
    ModulePage,
)
from lessons.models import LessonPage
from tests.factories import make_catalogue, make_course


class PageTreeRulesTests(WagtailPageTestCase):
    def test_allowed_parents(self):
        self.assertAllowedParentPageTypes(CourseIndexPage, {Page})
        self.assertAllowedParentPageTypes(CoursePage, {CourseIndexPage})
        self.assertAllowedParentPageTypes(ModulePage, {CoursePage})
        self.assertAllowedParentPageTypes(LessonPage, {ModulePage})

    def test_each_type_only_under_its_parent(self):
        self.assertCanCreateAt(Page, CourseIndexPage)
        self.assertCanCreateAt(CourseIndexPage, CoursePage)
        self.assertCanCreateAt(CoursePage, ModulePage)
        self.assertCanCreateAt(ModulePage, LessonPage)

        self.assertCanNotCreateAt(Page, CoursePage)
        self.assertCanNotCreateAt(Page, ModulePage)
        self.assertCanNotCreateAt(Page, LessonPage)
        self.assertCanNotCreateAt(CourseIndexPage, ModulePage)
        self.assertCanNotCreateAt(CourseIndexPage, LessonPage)
        self.assertCanNotCreateAt(CoursePage, LessonPage)
        self.assertCanNotCreateAt(CoursePage, CoursePage)
        self.assertCanNotCreateAt(ModulePage, ModulePage)
        self.assertCanNotCreateAt(ModulePage, CoursePage)
        self.assertCanNotCreateAt(LessonPage, LessonPage)
        self.assertCanNotCreateAt(LessonPage, ModulePage)

    def test_lessons_accept_no_children(self):
        self.assertAllowedSubpageTypes(LessonPage, {})

    def test_pages_are_routable_and_renderable(self):
        catalogue = make_catalogue()
        course, lessons = make_course(catalogue, "Routing", modules=1, lessons=2)
        module = course.get_children().first().specific
        for page in (catalogue, course, module, *lessons):
            self.assertPageIsRoutable(page)
            self.assertPageIsRenderable(page)

    def test_admin_can_create_a_lesson_through_the_editor(self):
        catalogue = make_catalogue()
        course, _ = make_course(catalogue, "Editor", modules=1, lessons=0)
        module = course.get_children().first().specific
        self.login()
        self.assertCanCreate(
            module,
            LessonPage,
            {
                "title": "Created in the admin",
                "slug": "created-in-the-admin",
                "summary": "A summary",
                "estimated_minutes": 12,
                "body-count": "0",
            },
        )
        lesson = LessonPage.objects.get(slug="created-in-the-admin")
        assert lesson.live and lesson.get_parent().pk == module.pk


class PluginPlacementTests(WagtailPageTestCase):
    """Rules that follow the plugin's contracts rather than fixed model names."""

    def test_a_catalogue_never_goes_inside_the_plugins_own_pages(self):
        for parent in (CourseIndexPage, CoursePage, ModulePage, ArticleIndexPage, ArticlePage, LessonPage):
            self.assertCanNotCreateAt(parent, CourseIndexPage)

    def test_modules_hold_the_lesson_contracts_models_only(self):
        lesson_models = {model for model in get_page_models() if issubclass(model, AbstractLessonPage)}
        self.assertEqual(lesson_models, {LessonPage})
        self.assertAllowedSubpageTypes(ModulePage, lesson_models)
