from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from ats import storage


@csrf_exempt
def store_only(request):
    """The floor for applying: store the uploaded file in the same storage, nothing else."""
    storage.save_cv(request.FILES["cv"], extension=".pdf")
    return HttpResponse(status=201)


urlpatterns = [path("bare-upload/", store_only), path("", include("config.urls"))]
