"""Query budgets per page type, shared by the query-count tests; they must not grow with course size."""

# Every page reads the site's course branding once (course.models.branding, shared with the host's
# {% get_settings %}): one query of each budget below.
# The course outline's structure comes from the cache (course/outline.py): no outline queries.
# Below the catalogue, routing reads the page's ancestors and the page in two queries, whatever the
# depth, and those rows answer reachability and view restrictions (course/routing.py).
# An enrolled student's lesson: site, site root, routing (2), view restrictions, session, user, the
# course, the student's permissions (2, shared with the host's user bar), enrollment, completions,
# branding. A lesson the sequence still locks reads whether the previous one is complete, then
# the student's ticks for the outline: one more.
LESSON_PAGE_MAX_QUERIES = 14
# A lesson that shows images decides once which of them it shows publicly (static URLs) and which
# get signed ones: a fixed 6 queries, whatever the number of images (course.access.public_images_of).
LESSON_PAGE_IMAGE_QUERIES = 6
COURSE_PAGE_MAX_QUERIES = 13
# The catalogue: Wagtail's routing, the page's reachability, one page of cards (courses, tags,
# lesson counts, hero images), the visitor's enrollments, the latest articles and the branding.
CATALOGUE_MAX_QUERIES = 15
# A logged-in visitor adds the session, the user, their enrollments and the host's user bar (2).
CATALOGUE_LOGGED_IN_MAX_QUERIES = 20
# The Marketing dashboard panel (course/admin/marketing.py): the user's page permissions, whether
# they may write articles, each article list with Wagtail's prefetch of its workflow states (3 × 2),
# the clicks, and the request's site for the status links; the same whatever the number of articles.
MARKETING_PANEL_MAX_QUERIES = 10
