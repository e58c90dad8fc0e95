"""The published openings for a project's sitemap:

    from django.contrib.sitemaps.views import sitemap
    from ats.sitemaps import OpeningSitemap
    path("sitemap.xml", sitemap, {"sitemaps": {"jobs": OpeningSitemap}})

(with "django.contrib.sitemaps" in INSTALLED_APPS).
"""

from django.contrib.sitemaps import Sitemap

from . import selectors


class OpeningSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return selectors.public.published_openings().order_by("pk")

    def lastmod(self, opening):
        return opening.published_at
