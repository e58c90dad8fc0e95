"""Request bodies are measured before they are read (ASVS 5.2.1).

Django's CSRF middleware reads the whole body (request.POST) before any view runs, and
a multipart body's files are spooled to disk whatever their size. So every ats view
that takes a POST is CSRF-exempt at the middleware and checks the token itself, after
it has refused a body that declares too many bytes, counted any rate limit, and put an
upload handler in front that stops reading at the first byte past the limit (for a
Content-Length that lies); the file is then kept in memory, never on disk. A
buffering reverse proxy in front of the workers is still needed against slow bodies:
see docs/deployment.md.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.files.uploadhandler import (
    FileUploadHandler,
    MemoryFileUploadHandler,
    SkipFile,
    StopUpload,
    TemporaryFileUploadHandler,
)
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from ..app_settings import app_settings

# The application form's fields besides the CV (a cover letter of 10,000 characters is
# at most 40 KB in UTF-8) with the multipart framing around them.
FORM_FIELDS_MAX_BYTES = 64 * 1024
READS_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def form_max_bytes() -> int:
    """A form without files: Django's own limit for fields read into memory."""
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE or FORM_FIELDS_MAX_BYTES


def body_max_bytes(*, files: int, file_bytes: int) -> int:
    """A form's body: its files at their largest and its small fields."""
    return files * file_bytes + FORM_FIELDS_MAX_BYTES if files else form_max_bytes()


def application_max_bytes() -> int:
    """The application form: one CV at its largest and the form's small fields."""
    return body_max_bytes(files=1, file_bytes=app_settings.CV_MAX_BYTES)


def declared_length(request) -> int | None:
    """The body's Content-Length; None when it is not a length at all."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    return length if length >= 0 else None


class UploadLimit(FileUploadHandler):
    """First in the chain: counts files and bytes as they arrive. A file past its limit
    is dropped unstored (the form then says why); a file the form has no field for
    stops the parse without reading the rest of the body."""

    def __init__(self, request, *, max_files: int, max_file_bytes: int):
        super().__init__(request)
        self.max_files = max_files
        self.max_file_bytes = max_file_bytes
        self.files_seen = 0
        self.refused = False
        self.file_too_large = False

    def new_file(self, *args, **kwargs):
        self.files_seen += 1
        if self.files_seen > self.max_files:
            self.refused = True
            raise StopUpload(connection_reset=True)
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.max_file_bytes:
            self.file_too_large = True
            raise SkipFile  # the rest of it is read (within the body's limit) and dropped
        return raw_data  # on to the handler that stores it

    def file_complete(self, file_size):
        return None  # the next handler makes the file


class KeptInMemory(MemoryFileUploadHandler):
    """The file in memory, whatever FILE_UPLOAD_MAX_MEMORY_SIZE says: Django would spool
    a larger one to a named temporary file, which a process killed mid-request leaves
    on disk, a CV and all. UploadLimit, before it, bounds what it holds."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.activated = True


DJANGO_STORING = (MemoryFileUploadHandler, TemporaryFileUploadHandler)


class LimitedBodyMixin:
    """For a view that takes a POST: refuse what is too large before reading it."""

    takes_cv = False  # the form has one CV field; otherwise no file but upload_allowance's
    upload_limit: UploadLimit | None = None  # once a body is read

    def upload_allowance(self) -> tuple[int, int]:
        """How many files the form takes, and the bytes each may have."""
        return (1, app_settings.CV_MAX_BYTES) if self.takes_cv else (0, 0)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.takes_cv:  # the form tells the candidate why their CV did not arrive
            kwargs["cv_too_large"] = bool(self.upload_limit and self.upload_limit.file_too_large)
        return kwargs

    def before_reading_body(self, request):
        """A response that refuses the request before its body is read, or None."""
        return None

    @classmethod
    def as_view(cls, **initkwargs):
        # The middleware's check would read the body; dispatch checks once it is small.
        return csrf_exempt(super().as_view(**initkwargs))

    def dispatch(self, request, *args, **kwargs):
        if request.method in READS_BODY:
            refusal = self._refuse_body(request)
            if refusal is not None:
                return refusal
        return csrf_protect(super().dispatch)(request, *args, **kwargs)

    def _refuse_body(self, request):
        files, file_bytes = self.upload_allowance()
        limit = body_max_bytes(files=files, file_bytes=file_bytes)
        length = declared_length(request)
        if length is None:
            return HttpResponseBadRequest()
        if length > limit:
            return self._too_large(request, limit)
        refusal = self.before_reading_body(request)
        if refusal is not None:
            return refusal
        upload_limit = UploadLimit(request, max_files=files, max_file_bytes=file_bytes)
        # The project's own handlers (a virus scan, say) stay; Django's two that store
        # the file give way to one that never writes it to disk.
        request.upload_handlers = [
            upload_limit,
            *(h for h in request.upload_handlers if not isinstance(h, DJANGO_STORING)),
            KeptInMemory(request),
        ]
        self.upload_limit = upload_limit
        try:
            request.POST  # noqa: B018 (parse now, through the limit, before CSRF reads it)
        except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):  # Django's own limits
            return self._too_large(request, limit)
        if upload_limit.refused:
            return self._too_large(request, limit)
        return None

    def _too_large(self, request, limit: int):
        return render(
            request,
            "ats/request_too_large.html",
            {
                "limit": filesizeformat(limit),
                "cv_limit": self.takes_cv and filesizeformat(app_settings.CV_MAX_BYTES),
                # The form again by GET: the browser's Back would offer to send the same
                # body once more (when the page before was itself a POST's answer).
                "form_url": request.get_full_path(),
            },
            status=413,
        )
