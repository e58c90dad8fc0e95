"""A host site with no log-out view ats knows of (its single sign-on logs out elsewhere)."""

from django.urls import include, path

urlpatterns = [path("", include("ats.urls"))]
