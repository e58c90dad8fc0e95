from allauth.account.decorators import secure_admin_login
from allauth.account.views import LogoutView
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import RedirectView

from ats.sitemaps import OpeningSitemap

# The admin's login goes through allauth's: the same throttle and second factor.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="ats:opening-list"), name="home"),
    path("admin/", admin.site.urls),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),  # the name ats's pages use
    path("accounts/", include("allauth.urls")),
    path("sitemap.xml", sitemap, {"sitemaps": {"jobs": OpeningSitemap}}, name="sitemap"),
    path("", include("ats.urls")),
]
