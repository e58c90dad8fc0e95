"""/jobs/feed/: the published openings as RSS, for job boards and feed readers;
`?department=` or `?place=` those of one department or place (a board or an intranet
page of its own). Each item names its department and place as its categories."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from . import selectors
from .rich_text import plain_text
from .validators import one_line


class OpeningFeed(Feed):
    description = _("The positions open now.")

    def get_object(self, request, *args, **kwargs) -> tuple[str, str]:
        """The department and the place asked for ("": every one), on one line as they are."""
        return tuple(one_line(request.GET.get(name, ""))[:120] for name in ("department", "place"))

    def title(self, chosen: tuple[str, str]):
        parts = [str(_("Open positions")), *chosen, selectors.careers.brand().name]
        return " · ".join(filter(None, parts))

    def link(self):
        return reverse("ats:opening-list")

    def items(self, chosen: tuple[str, str]):
        department, place = chosen
        openings = selectors.public.published_openings()
        if department:
            openings = openings.filter(department=department)
        if place:
            openings = openings.filter(location=place)
        return openings.order_by("-published_at")[:100]

    def item_categories(self, opening):
        return [name for name in (opening.department, opening.location) if name]

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
