"""Search across every application the user may see. The term is personal data, so it
never stays in a URL: the form POSTs it into the session; a link with ?q= (the
contract's address) has its term moved there, and is answered by a redirect to the
page without it."""

from django.shortcuts import redirect
from django.views.generic import TemplateView

from .. import selectors
from ..forms.recruit import SearchForm
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
        return super().get_context_data(
            form=SearchForm(initial={"q": query}), query=query, results=results, **kwargs
        )
