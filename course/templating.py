"""How the plugin's pages sit inside the host's layout.

Every plugin template extends `course/base.html`, which extends the host template
named by `PINEWOOD_BASE_TEMPLATE` (course/conf.py). `{% extends %}` can only read
that name from the context, so every plugin response gets `layout_context()`:
pages through `HostLayoutMixin`, plain views by adding it to their context.
"""

from course import conf


def layout_context():
    """Context every plugin template needs, whoever renders it."""
    return {"pinewood_base_template": conf.base_template()}


class HostLayoutMixin:
    """For plugin page models: adds `layout_context()` to the page's template context."""

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(layout_context())
        return context
