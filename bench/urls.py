from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from ats import storage


def store_only(request):
    """The floor for applying: store the uploaded file in the same storage, nothing else
    (no validation, no row, no receipt). It sits behind the project's middleware, as any
    view does; the benchmark sends it the very request the application form sends."""
    storage.save_cv(request.FILES["cv"], extension=".pdf")
    return HttpResponse(status=201)


urlpatterns = [
    path("bare-upload/", store_only),
    # A lower floor still: no CSRF check, and a request that carries the file alone.
    path("bare-upload/file-only/", csrf_exempt(store_only)),
    path("", include("config.urls")),
]
