"""Query budgets per page type, shared by the query-count tests; they must not grow with course size."""

# The site's course branding comes from Django's cache between requests (course.models.branding,
# shared with the host's {% get_settings %}), and the course outline's structure too
# (course/outline.py): neither costs a query once cached.
# Below the catalogue, routing reads the page's ancestors and the page in two queries, whatever the
# depth, and those rows answer reachability and, unless one is set, view restrictions
# (course/routing.py, course/reachability.py).
# An enrolled student's lesson: site, site root, routing (2), session, user, the course, the
# student's permissions (one query with the demo host's backend, lms_site/auth.py; shared with its
# user bar), enrollment, completions. A lesson the sequence still locks reads whether the previous
# one is complete, then the student's ticks for the outline: one more.
LESSON_PAGE_MAX_QUERIES = 11
# A lesson that shows images decides once which of them it shows publicly (static URLs) and which
# get signed ones: a fixed 6 queries, whatever the number of images (course.access.public_images_of).
LESSON_PAGE_IMAGE_QUERIES = 6
COURSE_PAGE_MAX_QUERIES = 10
# The catalogue: Wagtail's routing, the page's reachability and view restrictions (one query), one
# page of cards (courses, tags, lesson counts, hero images), the visitor's enrollments and the
# latest articles.
CATALOGUE_MAX_QUERIES = 13
# A logged-in visitor adds the session, the user, their enrollments and their permissions (the
# host's user bar).
CATALOGUE_LOGGED_IN_MAX_QUERIES = 17
# The Marketing dashboard panel (course/admin/marketing.py): the user's page permissions, whether
# they may write articles, each article list with Wagtail's prefetch of its workflow states (3 × 2),
# the clicks, and the request's site for the status links; the same whatever the number of articles.
MARKETING_PANEL_MAX_QUERIES = 10
