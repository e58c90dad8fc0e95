"""Server errors are recorded without personal data (ASVS 16.2, 14.2).

A traceback's local variables, the request's form fields, cookies and headers, and an
exception's message (an IntegrityError quotes the row) may all hold a candidate's
data; a self-service path holds the candidate's token, a person's page the address,
encrypted. What is recorded: the exception's type, where it was raised, and the path
with any token or key cut out.
"""

import logging
import re
import traceback

from django.utils.html import escape
from django.views.debug import ExceptionReporter

# What follows these in a path: a self-service token; a person's key (their address,
# encrypted under a key of SECRET_KEY's: whoever holds both reads it).
SECRET_IN_PATH = re.compile(r"(/my-application/|/recruit/people/)[^/\s?#]+")


def without_tokens(text: str) -> str:
    return SECRET_IN_PATH.sub(r"\1…", text)


def stack_without_values(exc_type, tb) -> str:
    return f"{exc_type.__name__} (message left out)\n" + "".join(traceback.format_tb(tb))


class ErrorReportWithoutPersonalData(ExceptionReporter):
    """For the email to ADMINS (AdminEmailHandler's reporter_class): no request, no
    local variables, no exception message."""

    def __init__(self, request, exc_type, exc_value, tb, is_email=False):
        super().__init__(None, exc_type, exc_value, tb, is_email)

    def get_traceback_text(self):
        return stack_without_values(self.exc_type, self.tb)

    def get_traceback_html(self):
        return f"<pre>{escape(self.get_traceback_text())}</pre>"


class WithoutPersonalData(logging.Filter):
    """On every handler: the message with tokens cut out; the exception as its type and
    stack only (formatted here, so that no handler prints its message)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = without_tokens(record.getMessage())
        record.args = None
        if record.exc_info and record.exc_info[0] is not None:
            exc_type, _value, tb = record.exc_info
            record.exc_text = stack_without_values(exc_type, tb)
        return True
