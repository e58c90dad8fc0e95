from pathlib import Path

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.http import FileResponse
from django.urls import include, path
from django.views.decorators.cache import cache_control
from django.views.generic import RedirectView, TemplateView

from ats.sitemaps import OpeningSitemap

# The admin's login goes through allauth's: the same throttle and second factor.
admin.site.login = secure_admin_login(admin.site.login)

FAVICON = Path(__file__).with_name("favicon.ico")


# Browsers ask for /favicon.ico on every site whatever the page links: an icon, not a 404.
@cache_control(public=True, max_age=86400)
def favicon(request):
    return FileResponse(FAVICON.open("rb"), content_type="image/x-icon")


urlpatterns = [
    path("", RedirectView.as_view(pattern_name="ats:opening-list"), name="home"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("scim/v2/", include("config.provisioning.urls")),
    path("sitemap.xml", sitemap, {"sitemaps": {"jobs": OpeningSitemap}}, name="sitemap"),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain")),
    path("favicon.ico", favicon),
    path("", include("ats.urls")),
]
