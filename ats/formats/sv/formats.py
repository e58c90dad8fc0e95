"""Swedish as Språkrådet writes it in running text: 12 december 2026 kl. 14.30, and
"12 dec 2026" short (Django's own is 2026-12-12)."""

DATE_FORMAT = "j F Y"
TIME_FORMAT = r"\k\l. H.i"
DATETIME_FORMAT = r"j F Y \k\l. H.i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j b Y"
SHORT_DATETIME_FORMAT = r"j b Y \k\l. H.i"
FIRST_DAY_OF_WEEK = 1
