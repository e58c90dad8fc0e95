"""A CV handed to someone allowed to have it: after the caller's access check and log."""

from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect

from .. import storage
from ..cv_checks import content_type_of
from ..models import Application


def cv_download(application: Application) -> HttpResponse:
    """The CV as an attachment: a redirect to a link S3 signed for a minute, or the file
    streamed from a folder. For the recruiter page and the API alike."""
    key, content_type = application.cv.name, content_type_of(application.cv.name)
    url = storage.signed_download_url(
        key, filename=application.cv_filename, content_type=content_type
    )
    if url is not None:
        return redirect(url)
    return FileResponse(
        storage.cv_storage.open(key, "rb"),
        as_attachment=True,
        filename=application.cv_filename,
        content_type=content_type,
    )
