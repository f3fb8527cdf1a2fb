"""Catalogue, course and module pages.

The tree shape (catalogue → course → module → lesson) is enforced with Wagtail's
parent/subpage rules. A catalogue goes anywhere in the host's tree except inside
the plugin's own pages. A module holds lessons only: the concrete models of the
lesson contract (`AbstractLessonPage`), which live in another app that `course`
never names.
"""

from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page, Site, get_page_models
from wagtail.search import index

from course.blocks import InstructorBlock
from course.cache_headers import public_when_anonymous
from course.models.articles import ArticleIndexPage, ArticlePage
from course.models.branding import brand_for
from course.models.lesson_contract import AbstractLessonPage
from course.outline import CourseOutline, structure_key, structure_timeout
from course.reachability import ReachablePageMixin
from course.routing import route_below
from course.templating import HostLayoutMixin


def iso_duration(minutes):
    """An ISO 8601 duration for a number of minutes: 150 -> "PT2H30M"."""
    hours, minutes = divmod(int(minutes), 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes or not hours else "")


def language_tag(code):
    """Django's language code as a BCP 47 tag: "en-gb" -> "en-GB"."""
    language, _, region = code.partition("-")
    return f"{language}-{region.upper()}" if len(region) == 2 else code


def syllabus_section(module):
    """schema.org `Syllabus` of an outline module: its title, intro and minutes (public structure)."""
    section = {"@type": "Syllabus", "name": module.page.title}
    if module.page.intro:
        section["description"] = module.page.intro
    if module.minutes:
        section["timeRequired"] = iso_duration(module.minutes)
    return section


class CourseIndexPage(HostLayoutMixin, ReachablePageMixin, Page):
    """The catalogue: the demo site's root page, listing live courses as cards."""

    intro = models.TextField(blank=True, max_length=600)

    subpage_types = ["course.CoursePage", "course.ArticleIndexPage"]
    max_count_per_parent = 1

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    class Meta:
        verbose_name = _("course catalogue")

    @classmethod
    def clean_parent_page_models(cls):
        """Any page type of the host (or the tree root), never one of the plugin's own."""
        plugin_pages = (
            CourseIndexPage,
            CoursePage,
            ModulePage,
            ArticleIndexPage,
            ArticlePage,
            AbstractLessonPage,
        )
        return [model for model in get_page_models() if not issubclass(model, plugin_pages)]

    def route(self, request, path_components):
        # Every course, module, lesson and article below in two queries (course/routing.py).
        routed = None
        if path_components:
            routed = route_below(self, request, path_components, tuple(self.clean_subpage_models()))
        return routed if routed is not None else super().route(request, path_components)

    def serve(self, request, *args, **kwargs):
        return public_when_anonymous(super().serve(request, *args, **kwargs), request)

    def get_context(self, request, *args, **kwargs):
        from course.catalogue import catalogue_context  # noqa: PLC0415 - a page hands off to its view (views import the models)

        context = super().get_context(request, *args, **kwargs)
        # Cards show a logged-in visitor's enrollment state; such responses are made
        # private by `course.cache_headers.PrivateForAuthenticatedMiddleware`.
        context.update(catalogue_context(request, self))
        return context


class CoursePageTag(TaggedItemBase):
    content_object = ParentalKey("course.CoursePage", on_delete=models.CASCADE, related_name="tagged_items")


class CoursePage(HostLayoutMixin, ReachablePageMixin, RoutablePageMixin, Page):
    """The public overview of a course: what it teaches and its syllabus, built from the tree.

    Enrollment actions are routes on the page (`enroll/`, `withdraw/`), POST only.
    """

    class Level(models.TextChoices):
        BEGINNER = "beginner", _("Beginner")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")

    class EnrollmentMode(models.TextChoices):
        OPEN = "open", _("Open: students enroll themselves")
        APPROVAL = "approval", _("Approval: an administrator approves each request")
        CODE = "code", _("Code: students need the enrollment code")
        CLOSED = "closed", _("Closed: no new enrollments")

    summary = models.TextField(
        max_length=500, help_text=_("One or two sentences shown on cards and in search.")
    )
    hero_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = StreamField(
        [("paragraph", blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul"]))],
        blank=True,
    )
    learning_outcomes = StreamField(
        [("outcome", blocks.CharBlock(max_length=200, label=_("Outcome")))],
        blank=True,
        help_text=_("What a student can do after the course; one outcome per item."),
    )
    instructors = StreamField([("instructor", InstructorBlock())], blank=True)
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.BEGINNER)
    duration = models.CharField(
        max_length=60, blank=True, help_text=_("Shown to students, e.g. '6 hours over 4 weeks'.")
    )
    enrollment_mode = models.CharField(
        max_length=20, choices=EnrollmentMode.choices, default=EnrollmentMode.OPEN
    )
    enrollment_code = models.CharField(
        max_length=64,
        blank=True,
        help_text=_("Required in 'code' mode; share it only with invited students."),
    )
    capacity = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Maximum number of active students. Leave empty for no limit.")
    )
    access_days = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Days of access from enrollment. Leave empty for lifetime access.")
    )
    sequential = models.BooleanField(
        default=False, help_text=_("Students must complete each lesson before the next one opens.")
    )
    # The certificate: what it certifies, for whom it counts and who signs it.
    cpd_hours = models.DecimalField(
        _("CPD hours"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("1000"))],
        help_text=_(
            "Continuing professional development hours (or credits) the certificate awards. "
            "Leave empty to print none."
        ),
    )
    accrediting_body = models.CharField(
        max_length=200, blank=True, help_text=_("Who accredits the CPD hours; printed on the certificate.")
    )
    certificate_validity_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text=_("Months a certificate stays valid after it is issued. Leave empty: it does not expire."),
    )
    signatory_name = models.CharField(
        max_length=200,
        blank=True,
        help_text=_(
            "Who signs this course's certificates. Leave empty for the site's signatory "
            "(Settings › Course branding)."
        ),
    )
    signatory_title = models.CharField(max_length=200, blank=True)
    signatory_signature = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("An image of the signature, printed above the name. Leave empty for the site's."),
    )
    inactivity_reminder_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_(
            "Email a student who has done nothing in the course for this many days (once per "
            "quiet spell). Leave empty: never."
        ),
    )
    tags = ClusterTaggableManager(
        through=CoursePageTag, blank=True, help_text=_("Topics students can filter the catalogue by.")
    )

    parent_page_types = ["course.CourseIndexPage"]
    subpage_types = ["course.ModulePage"]
    # The explorer lists modules in syllabus order (the order editors drag them into).
    admin_default_ordering = "ord"

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("hero_image"),
        MultiFieldPanel(
            [FieldPanel("level"), FieldPanel("duration"), FieldPanel("tags")], heading=_("At a glance")
        ),
        FieldPanel("description"),
        FieldPanel("learning_outcomes"),
        FieldPanel("instructors"),
    ]
    settings_panels = Page.settings_panels + [
        MultiFieldPanel(
            [
                FieldPanel("enrollment_mode"),
                FieldPanel("enrollment_code"),
                FieldPanel("capacity"),
                FieldPanel("access_days"),
                FieldPanel("sequential"),
            ],
            heading=_("Enrollment"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("cpd_hours"),
                FieldPanel("accrediting_body"),
                FieldPanel("certificate_validity_months"),
                FieldPanel("signatory_name"),
                FieldPanel("signatory_title"),
                FieldPanel("signatory_signature"),
            ],
            heading=_("Certificate"),
        ),
        MultiFieldPanel([FieldPanel("inactivity_reminder_days")], heading=_("Reminders")),
    ]
    api_fields = [
        APIField("summary"),
        APIField("hero_image"),
        APIField("level"),
        APIField("duration"),
        APIField("learning_outcomes"),
        APIField("enrollment_mode"),
        APIField("tags"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("description"),
        index.SearchField("learning_outcomes"),
        index.FilterField("level"),
    ]

    class Meta:
        verbose_name = _("course")

    def clean(self):
        super().clean()
        # Students' codes are compared stripped; guesses are rate-limited, but a short or
        # repetitive code is still found quickly, so refuse those.
        self.enrollment_code = code = self.enrollment_code.strip()
        if self.enrollment_mode == self.EnrollmentMode.CODE:
            if not code:
                raise ValidationError(
                    {"enrollment_code": gettext("Set an enrollment code, or choose another enrollment mode.")}
                )
            if len(code) < 8:
                raise ValidationError(
                    {
                        "enrollment_code": gettext(
                            "Use at least 8 characters, so the code cannot be guessed "
                            "(for example PINE-7Q4K-2026)."
                        )
                    }
                )
            if len(set(code.lower())) < 5:
                raise ValidationError(
                    {
                        "enrollment_code": gettext(
                            "Use at least 5 different characters: codes such as "
                            "'aaaaaaaa' or '12121212' are easy to guess."
                        )
                    }
                )
        if self.capacity == 0:
            raise ValidationError(
                {"capacity": gettext("Capacity must be at least 1; leave it empty for no limit.")}
            )
        if self.access_days == 0:
            raise ValidationError(
                {"access_days": gettext("Access must last at least 1 day; leave it empty for lifetime.")}
            )

    # --- SEO -------------------------------------------------------------------------------------

    def seo_description(self):
        return self.search_description or self.summary

    def seo_image(self):
        return self.hero_image

    def json_ld(self, request=None):
        """schema.org `Course` as Google's course rich results want it, from public fields only.

        The workload and syllabus come from the course outline (module titles and intros, lesson
        minutes; never a lesson body), which the page has loaded already.
        """
        url = self.get_full_url(request)
        site = Site.find_for_request(request) if request is not None else self.get_site()
        provider = {"@type": "Organization", "name": brand_for(request if request is not None else site).name}
        if site is not None:
            provider["url"] = site.root_url
        outline = self.outline
        instance = {"@type": "CourseInstance", "courseMode": "online"}
        if outline.minutes:
            instance["courseWorkload"] = iso_duration(outline.minutes)
        if self.instructors:
            instance["instructor"] = [
                {"@type": "Person", "name": block.value["name"]} for block in self.instructors
            ]
        data = {
            "@context": "https://schema.org",
            "@type": "Course",
            "name": self.title,
            "description": self.seo_description(),
            "url": url,
            "inLanguage": language_tag(translation.get_language() or settings.LANGUAGE_CODE),
            "educationalLevel": self.get_level_display(),
            "educationalCredentialAwarded": gettext("Certificate of completion"),
            "provider": provider,
            # The plugin takes no payments: every course is free to those it admits.
            "offers": [{"@type": "Offer", "category": "Free"}],
            "hasCourseInstance": [instance],
        }
        if outline.minutes:
            data["timeRequired"] = iso_duration(outline.minutes)  # from the lessons' estimates
        if outline.modules:
            data["syllabusSections"] = [syllabus_section(module) for module in outline.modules]
        return data

    @classmethod
    def from_cache(cls, pk):
        """The course `pk`, stream fields left unread, from Django's cache beside its outline (the
        same versioned key, so each change that drops the outline drops it too), else from the
        database; None if there is no such course. For requests below the course (lessons,
        modules), which need its settings, title and URL, not its long text."""
        key = f"{structure_key(pk)}:page"
        course = cache.get(key)
        if not isinstance(course, cls):
            course = cls.objects.defer_streamfields().filter(pk=pk).first()
            if course is not None:
                cache.set(key, course, structure_timeout())
        return course

    @property
    def outline(self):
        """The syllabus (live modules and lessons in tree order), loaded once per instance."""
        if not hasattr(self, "_outline"):
            self._outline = CourseOutline(self)
        return self._outline

    def serve(self, request, *args, **kwargs):
        # Anonymous visitors share the overview; the routes (enroll, withdraw, certificate) are private.
        return public_when_anonymous(super().serve(request, *args, **kwargs), request)

    def get_context(self, request, *args, **kwargs):
        from course.views import course_context  # noqa: PLC0415 - a page hands off to its view (views import the models)

        context = super().get_context(request, *args, **kwargs)
        context.update(course_context(request, self))
        return context

    @path("", name="index_route")
    def index_route(self, request, *args, **kwargs):
        # The enrollment form posts to the course page itself, so a refused enrollment (a wrong
        # code, a full course) is shown on the course page at its own address.
        if request.method == "POST":
            return self.enroll_route(request)
        return super().index_route(request, *args, **kwargs)

    @path("enroll/", name="enroll")
    def enroll_route(self, request):
        from course.views import enroll_view  # noqa: PLC0415 - a page hands off to its view (views import the models)

        return enroll_view(request, self)

    @path("certificate/", name="certificate")
    def certificate_route(self, request):
        from course.views import certificate_download  # noqa: PLC0415 - a page hands off to its view (views import the models)

        return certificate_download(request, self)

    @path("progress/", name="my_progress")
    def my_progress_route(self, request):
        from course.views import my_progress_view  # noqa: PLC0415 - a page hands off to its view (views import the models)

        return my_progress_view(request, self)

    @path("withdraw/", name="withdraw")
    def withdraw_route(self, request):
        from course.views import withdraw_view  # noqa: PLC0415 - a page hands off to its view (views import the models)

        return withdraw_view(request, self)


class ModulePage(HostLayoutMixin, ReachablePageMixin, Page):
    """An ordered unit of a course; its lessons are its children, in explorer order.

    Drip release: the module opens `release_after_days` after the student's
    enrollment and/or on `release_on`, whichever is later.
    """

    intro = models.TextField(blank=True, max_length=1000)
    release_after_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Opens this many days after each student enrolls.")
    )
    release_on = models.DateField(null=True, blank=True, help_text=_("Opens for everyone on this date."))

    parent_page_types = ["course.CoursePage"]
    # The explorer lists lessons in syllabus order (the order editors drag them into).
    admin_default_ordering = "ord"

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("release_after_days"), FieldPanel("release_on")], heading=_("Release (drip)")
        ),
    ]
    api_fields = [APIField("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    class Meta:
        verbose_name = _("module")

    @classmethod
    def clean_subpage_models(cls):
        """Lessons only: every concrete model of the lesson contract."""
        return [model for model in get_page_models() if issubclass(model, AbstractLessonPage)]

    @property
    def course(self):
        return CoursePage.objects.ancestor_of(self).first()

    def serve(self, request, *args, **kwargs):
        return public_when_anonymous(super().serve(request, *args, **kwargs), request)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        course = self.course
        context["course"] = course
        context["outline"] = course.outline if course else None
        context["module_entry"] = course.outline.module_for(self) if course else None
        return context
