"""/jobs/feed/: the published openings as RSS, for job boards and feed readers;
`?department=` those of one department (a board or an intranet page of its own)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from . import selectors
from .app_settings import app_settings
from .rich_text import plain_text
from .validators import one_line


class OpeningFeed(Feed):
    description = _("The positions open now.")

    def get_object(self, request, *args, **kwargs) -> str:
        """The department asked for ("": every one), on one line as departments are."""
        return one_line(request.GET.get("department", ""))[:120]

    def title(self, department: str):
        parts = [str(_("Open positions")), department, app_settings.employer_name]
        return " · ".join(filter(None, parts))

    def link(self):
        return reverse("ats:opening-list")

    def items(self, department: str):
        openings = selectors.public.published_openings()
        if department:
            openings = openings.filter(department=department)
        return openings.order_by("-published_at")[:100]

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
