"""A CV handed to someone allowed to have it, after the caller's access check and log:
the recruiter page (`views/applications.py`), the API (`api/applications.py`) and the
candidate's own page (`views/selfservice.py`)."""

from pathlib import PurePath

from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect

from . import storage
from .cv_checks import content_type_of
from .models import Application


def cv_file(application: Application) -> FileResponse:
    """The CV as an attachment, streamed through the app."""
    return FileResponse(
        storage.cv_storage.open(application.cv.name, "rb"),
        as_attachment=True,
        filename=application.cv_filename,
        content_type=content_type_of(application.cv.name),
    )


def cv_download(application: Application) -> HttpResponse:
    """The CV as an attachment: a redirect to a link S3 signed for a minute, or the file
    streamed from a folder. For the recruiter page and the API alike. The link names the
    file by the application's short id, not as the candidate named it (her name, often):
    a link's query stays in browsers' histories and in S3's logs."""
    url = storage.signed_download_url(
        application.cv.name,
        filename=f"CV-{application.public_id.hex[:8]}{PurePath(application.cv.name).suffix}",
        content_type=content_type_of(application.cv.name),
    )
    if url is not None:
        return redirect(url)
    return cv_file(application)
