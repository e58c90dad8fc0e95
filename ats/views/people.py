"""One person's applications, as far as the user may see them."""

from django.views.generic import TemplateView

from .. import retention, selectors
from .mixins import RecruiterMixin


class PersonView(RecruiterMixin, TemplateView):
    template_name = "ats/recruit/person.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            person=selectors.people.person(user=self.request.user, key=self.kwargs["key"]),
            **retention.periods(),
            **kwargs,
        )
