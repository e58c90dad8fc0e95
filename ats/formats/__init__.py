"""How dates and times read in each language, for FORMAT_MODULE_PATH = ["ats.formats"]:
what Django's own formats leave to change. Pages and emails name a format
(DATE_FORMAT, DATETIME_FORMAT, ...), never spell one out, so these decide."""
