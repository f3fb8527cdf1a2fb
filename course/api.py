"""Wagtail API v2: pages only, public fields only (each page type lists its `api_fields`).

The images and documents endpoints are deliberately not mounted: they would
list files that are used only inside gated lesson content.
"""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

from course.reachability import with_live_ancestors


class PublicPagesAPIViewSet(PagesAPIViewSet):
    """Wagtail's pages endpoint without the pages that answer 404 on the site.

    Wagtail lists every live, unrestricted page; a live lesson under an
    unpublished module or course is not reachable (course/access.py), so it is
    left out of listings, details, `child_of` and `descendant_of` alike.
    """

    def get_base_queryset(self):
        return with_live_ancestors(super().get_base_queryset())


api_router = WagtailAPIRouter("pinewood_api")
api_router.register_endpoint("pages", PublicPagesAPIViewSet)
