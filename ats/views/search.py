"""Search across every application the user may see. The term is personal data, so it
never stays in a URL: the form POSTs it into the session; a link with ?q= (the
contract's address) has its term moved there, and is answered by a redirect to the
page without it."""

from functools import partial

from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from .. import retention, selectors
from ..forms.recruit import SearchForm
from ..models import AccessEvent
from ..services.access_log import record_access
from .lists import applicant_file
from .mixins import RecruiterMixin

SESSION_KEY = "ats_search_everywhere"


class SearchView(RecruiterMixin, TemplateView):
    template_name = "ats/recruit/search.html"

    def get(self, request, *args, **kwargs):
        if "q" in request.GET:
            self.remember(SearchForm(request.GET))
            return redirect("ats:recruit-search")
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.remember(SearchForm(request.POST))
        return redirect("ats:recruit-search")

    def remember(self, form: SearchForm) -> None:
        self.request.session[SESSION_KEY] = form.cleaned_data["q"] if form.is_valid() else ""

    def get_context_data(self, **kwargs):
        query = self.request.session.get(SESSION_KEY, "")
        try:
            page = int(self.request.GET.get("page", 1))
        except ValueError:
            page = 1
        results = (
            selectors.search.search(user=self.request.user, query=query, page=page)
            if query
            else None
        )
        if results is not None:  # what a hit shows (name, stage, a snippet) is read
            record_access(
                user=self.request.user,
                action=AccessEvent.Action.VIEW,
                public_ids=[hit.application.public_id for hit in results.hits],
            )
        return super().get_context_data(
            form=SearchForm(initial={"q": query}), query=query, results=results, **kwargs
        )


class SearchFileView(RecruiterMixin, View):
    """The current search (the session's term) as CSV or Excel: every match its pages
    walk, best first, restricted applications never. Each application is written to the
    access log first, in one statement, and only those logged are read into the file.
    No search in the session: a file of no rows."""

    kind = "csv"  # or "xlsx", as the URL says

    def get(self, request, *args, **kwargs):
        query = request.session.get(SESSION_KEY, "")
        export = selectors.search.search_export(user=request.user, query=query)
        day = retention.employer_date(timezone.now()).isoformat()
        return applicant_file(
            user=request.user,
            applications=export.applications,
            read_rows=partial(selectors.search.search_export_rows, export, user=request.user),
            kind=self.kind,
            name=f"search-{day}.{self.kind}",
            header=[str(label) for label in selectors.search.EXPORT_COLUMNS],
            sheet=_("Search"),
        )
