"""The privacy pages' forms: a request by a person's email address, a legal hold (the
admin's too), and the access log's filters."""

from datetime import date, datetime

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import retention
from ..models import AccessEvent, PrivacyRequest
from ..selectors.access_log import AccessLogFilters
from ..staff import by_name
from ..validators import validate_one_line
from .recruit import StaffChoiceField


class PrivacyRequestForm(forms.Form):
    """A request by email or letter: whose, when it came, and the employer's reference.
    Finding is all it does: what is then exported or erased is the set found."""

    email = forms.EmailField(label=_("The person's email address"), max_length=254)
    received_on = forms.DateField(
        label=_("Request received on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The answer is due one month later."),
    )
    case_reference = forms.CharField(
        label=_("Case reference (optional)"),
        max_length=60,
        required=False,
        validators=[validate_one_line],
        help_text=PrivacyRequest._meta.get_field("case_reference").help_text,
    )

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise forms.ValidationError(_("A request cannot arrive in the future."))
        return received_on


class LegalHoldForm(forms.Form):
    """A legal hold, from the admin or /recruit/ alike: why, and the last day it lasts
    (a day where the employer is; the hold ends when that day does)."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("The legal claim or case the applications may be needed for."),
        validators=[validate_one_line],
    )
    until = forms.DateField(
        label=_("Last day (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty to hold until lifted."),
    )

    def held_until(self) -> datetime | None:
        """When the hold ends: the end of its last day, where the employer is."""
        until = self.cleaned_data["until"]
        return None if until is None else retention.end_of_day(until)


class AccessLogFilterForm(forms.Form):
    """The access log's filters, from the query string (GET: a bookmark keeps them). A
    value that does not fit is left out, not an error."""

    application = forms.UUIDField(label=_("Application id"), required=False)
    user = StaffChoiceField(
        label=_("Colleague"),
        queryset=by_name(get_user_model().objects.filter(is_staff=True)),
        required=False,
        empty_label=_("Anyone"),
    )
    action = forms.ChoiceField(
        label=_("Action"), choices=[("", _("Any")), *AccessEvent.Action.choices], required=False
    )
    until = forms.DateField(
        label=_("Up to and including"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until and until >= date.max:  # its end would be past the calendar's
            raise forms.ValidationError(_("Give an earlier day."))
        return until

    def filters(self) -> AccessLogFilters:
        self.is_valid()
        data = self.cleaned_data
        user = data.get("user")
        return AccessLogFilters(
            application=data.get("application"),
            user_id=user.pk if user else None,
            action=data.get("action") or "",
            until=data.get("until"),
        )
