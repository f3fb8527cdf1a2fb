"""Text for spreadsheets: values a spreadsheet would run as a formula (CSV injection) are exported
with a leading quote. Shared by every admin export (enrollments, course reports, gradebook)."""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
