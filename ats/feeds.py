"""/jobs/feed/: the published openings as RSS, for job boards and feed readers."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from . import selectors
from .app_settings import app_settings
from .rich_text import plain_text


class OpeningFeed(Feed):
    description = _("The positions open now.")

    def title(self):
        return " · ".join(filter(None, [str(_("Open positions")), app_settings.employer_name]))

    def link(self):
        return reverse("ats:opening-list")

    def items(self):
        return selectors.public.published_openings().order_by("-published_at")[:100]

    def item_title(self, opening):
        return opening.title

    def item_description(self, opening):
        # Readers decode <description> as HTML: the ad's text goes in escaped, so that
        # markup a recruiter typed as text reads as that text, not as live HTML. (Django
        # escapes it once more for the XML, which the reader's XML parser undoes.)
        place = opening.location or opening.get_workplace_type_display()
        return escape(f"{place}. {plain_text(opening.description)[:500]}")

    def item_pubdate(self, opening):
        return opening.published_at
