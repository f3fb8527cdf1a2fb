"""Query budgets per page type, shared by the query-count tests; they must not grow with course size."""

# The request's site and its root page come from Django's cache (course/site_cache.py), as do the
# site's course branding (course.models.branding, shared with the host's {% get_settings %}) and
# the course outline's structure (course/outline.py) with the course page a lesson belongs to
# (`CoursePage.from_cache`): none costs a query once cached.
# Below the catalogue, routing reads the page's ancestors and the page in two queries, whatever the
# depth, and those rows answer reachability and, unless one is set, view restrictions
# (course/routing.py, course/reachability.py); host pages above the catalogue add none.
# An enrolled student's open lesson: routing (2), session, user, the student's permissions (one
# query with the demo host's backend, lms_site/auth.py; shared with its user bar), enrollment,
# completions. A quiz on the lesson adds the student's attempts.
LESSON_PAGE_MAX_QUERIES = 7
# A lesson the sequence still locks reads whether the previous one is complete, then the student's
# ticks for the outline: one more.
LOCKED_LESSON_EXTRA_QUERIES = 1
# A lesson that shows images decides once which of them it shows publicly (static URLs) and which
# get signed ones: a fixed 6 queries, whatever the number of images (course.access.public_images_of).
LESSON_PAGE_IMAGE_QUERIES = 6
# An enrolled student's course page: routing (2: the ancestors, the course's specific row),
# session, user, permissions, enrollment, completions, and the catalogue for its breadcrumb.
COURSE_PAGE_MAX_QUERIES = 8
# The catalogue (course/catalogue.py): the page's reachability and view restrictions (one query),
# the index of listed courses with their tags (filters, topics and page count), the page's
# courses, the article indexes, the latest articles, and every card's image renditions in one
# query; lesson counts come from the cache beside each course's outline.
CATALOGUE_MAX_QUERIES = 6
# A logged-in visitor adds the session, the user, their enrollments and their permissions (the
# host's user bar).
CATALOGUE_LOGGED_IN_MAX_QUERIES = 10
# The Marketing dashboard panel (course/admin/marketing.py): the user's page permissions, whether
# they may write articles, each article list with Wagtail's prefetch of its workflow states (3 × 2),
# the clicks, and the request's site for the status links; the same whatever the number of articles.
MARKETING_PANEL_MAX_QUERIES = 10
# On a site whose root page is translated, a page's language links (switcher and hreflang,
# course/templatetags/course_languages.py) read its live translations: one query more, whatever the
# number of languages; none while no root page is translated.
LANGUAGE_LINKS_QUERIES = 1
