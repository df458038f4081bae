"""English date formats of the app: one short, unambiguous style ("Jun 25, 2026") everywhere.

Django's own English formats mix "June 25, 2026" and "06/25/2026"; other languages keep
Django's formats (see ``FORMAT_MODULE_PATH`` and ``accountplan.core.fmt``).
"""

DATE_FORMAT = "M j, Y"
DATETIME_FORMAT = "M j, Y H:i"
SHORT_DATE_FORMAT = "M j, Y"
SHORT_DATETIME_FORMAT = "M j, Y H:i"
MONTH_DAY_FORMAT = "M j"
