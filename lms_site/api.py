"""Wagtail API v2: pages only, public fields only (each page type lists its `api_fields`).

The images and documents endpoints are deliberately not mounted: they would
list files that are used only inside gated lesson content.
"""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PagesAPIViewSet)
