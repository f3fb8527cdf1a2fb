"""Query budgets per page type, shared by the query-count tests; they must not grow with course size."""

LESSON_PAGE_MAX_QUERIES = 24
# A lesson that shows images decides once which of them it shows publicly (static URLs) and which
# get signed ones: a fixed 6 queries, whatever the number of images (course.access.public_images_of).
LESSON_PAGE_IMAGE_QUERIES = 6
COURSE_PAGE_MAX_QUERIES = 17
