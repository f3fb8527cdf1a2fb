"""Wagtail hooks of the lessons app."""

from wagtail import hooks

from lessons.reports import quiz_section


@hooks.register("course_report_sections")
def quiz_results(report):
    """Adds quiz pass rates and average scores to the course report."""
    return quiz_section(report)
