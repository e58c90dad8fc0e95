"""One person's applications, as far as the user may see them; each one shown is in
the access log."""

from django.views.generic import TemplateView

from .. import retention, selectors
from ..models import AccessEvent
from ..services.access_log import record_access
from .mixins import RecruiterMixin


class PersonView(RecruiterMixin, TemplateView):
    template_name = "ats/recruit/person.html"

    def get_context_data(self, **kwargs):
        person = selectors.people.person(user=self.request.user, key=self.kwargs["key"])
        record_access(  # each application's stage, dates and consent are read
            user=self.request.user,
            action=AccessEvent.Action.VIEW,
            public_ids=[application.public_id for application in person.applications],
        )
        return super().get_context_data(
            person=person,
            **retention.periods(),
            **kwargs,
        )
