"""Query budgets per page type, shared by the query-count tests; they must not grow with course size."""

# Every page reads the site's course branding once (course.models.branding, shared with the host's
# {% get_settings %}): one query of each budget below.
LESSON_PAGE_MAX_QUERIES = 25
# A lesson that shows images decides once which of them it shows publicly (static URLs) and which
# get signed ones: a fixed 6 queries, whatever the number of images (course.access.public_images_of).
LESSON_PAGE_IMAGE_QUERIES = 6
COURSE_PAGE_MAX_QUERIES = 18
