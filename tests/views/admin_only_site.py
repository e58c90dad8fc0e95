"""A host site whose staff log in through the admin alone: no URL named `logout` or
`account_logout`, only `admin:logout`."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("ats.urls")),
]
