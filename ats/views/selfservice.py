"""A candidate's own application, reached by the signed link from their email.

Every action is confirmed: GET explains what will happen, POST does it. A link that
no longer works says so and offers a fresh one; a page left open past its idle time
says it has closed (403); an action with nothing left to do leads to the application;
a deleted application or an action that does not exist is a 404. None changes anything.
"""

from uuid import UUID

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView, TemplateView

from .. import retention, selectors
from ..app_settings import app_settings
from ..downloads import cv_file
from ..exports import write_export
from ..forms.apply import CorrectionForm, InterviewChoiceForm, MyDataForm, ReplyForm
from ..models import AccessEvent, Application, Interview
from ..ratelimit import Verdict, allow, client_ip
from ..services import (
    candidate_rights,
    consent,
    conversations,
    interviews,
    merits,
    self_service,
)
from ..services.candidate_rights import CandidateAction as Action
from ..services.locks import BeingDeleted
from ..services.self_service import CANDIDATE_SESSION_MAX_IDLE
from .body_limits import LimitedBodyMixin
from .rate_limits import too_many_requests

MY_DATA_PER_IP_PER_HOUR = 10
MY_DATA_PER_ADDRESS_PER_HOUR = 3
ANSWERS_PER_APPLICATION_PER_HOUR = 10


SESSION_KEY = "ats_candidate"  # public_id -> until when (a timestamp), for each opened
SPENT_LINK_KEY = "ats_spent_link"  # the public_id of the last link that no longer works


def remember_candidate(request, public_id: UUID) -> None:
    """The session may open this application for CANDIDATE_SESSION_MAX_IDLE more."""
    now = timezone.now().timestamp()
    opened = {
        key: until for key, until in request.session.get(SESSION_KEY, {}).items() if until > now
    }
    opened[str(public_id)] = now + CANDIDATE_SESSION_MAX_IDLE.total_seconds()
    request.session[SESSION_KEY] = opened
    request.session.set_expiry(CANDIDATE_SESSION_MAX_IDLE)


def session_opens(request, public_id: UUID) -> bool:
    until = request.session.get(SESSION_KEY, {}).get(str(public_id), 0)
    return until > timezone.now().timestamp()


@method_decorator(never_cache, name="dispatch")
@method_decorator(csrf_exempt, name="dispatch")  # it reads no body; the page it sends on to checks
class LinkView(View):
    """/my-application/<token>/[<action>/], the link from an email: exchanged for the
    session, then the same page without the token in its URL (nor in the browser's
    history, a Referer or a web server's log). A POST is sent on with a 307, unread."""

    def dispatch(self, request, *args, token, action=None, **kwargs):
        opened = self_service.open_with_link(token=token)
        if opened is None:  # garbled (cut by a mail program, say) or forged: no deletion
            return render(request, "ats/selfservice/fresh_link.html", status=404)
        public_id = opened.public_id
        if not opened.works:  # said plainly on a page of its own, without the token
            request.session[SPENT_LINK_KEY] = str(public_id)
            return redirect("ats:fresh-link")
        # A new session id for what the session holds (ASVS 7.2.4): an id planted in
        # this browser before (a shared device, a cookie set by another site) opens
        # nothing. Only here, where a link opens: each page's idle refresh keeps the id.
        request.session.cycle_key()
        remember_candidate(request, public_id)
        if action:
            target = reverse("ats:my-application-action", args=[public_id, action])
        else:
            target = reverse("ats:my-application", args=[public_id])
        return HttpResponseRedirect(target, status=307 if request.method == "POST" else 302)


class CandidateMixin(LimitedBodyMixin):
    """The application the session was opened for; personal pages are never cached. A
    write to an application that a purge took while its page was open (the service
    raises BeingDeleted) is said so on a page of its own."""

    def dispatch(self, request, *args, **kwargs):
        if not session_opens(request, kwargs["public_id"]):
            # Closed after its idle time, or never opened in this browser: said so in
            # plain words, never as a deletion, the same whether or not it exists.
            response = render(request, "ats/selfservice/closed.html", status=403)
        else:
            try:
                response = self.elsewhere() or super().dispatch(request, *args, **kwargs)
            except BeingDeleted as error:
                response = self.gone(str(error))
        add_never_cache_headers(response)
        return response

    def elsewhere(self) -> HttpResponse | None:
        """Where the page sends the candidate instead, when it has nothing for them."""
        return None

    def gone(self, message: str):
        """The application is no longer reachable: say so on a page of its own."""
        return render(self.request, "ats/selfservice/done.html", {"message": message})

    @cached_property
    def application(self) -> Application:
        public_id = self.kwargs["public_id"]  # the session opens it (dispatch)
        remember_candidate(self.request, public_id)  # idle time starts again
        return selectors.candidates.application_for_candidate(public_id=public_id)

    def get_context_data(self, **kwargs):
        application = self.application
        return super().get_context_data(
            application=application,
            actions=candidate_rights.available_actions(application),
            on_hold=retention.is_held(
                application.hold_reason, application.hold_until, now=timezone.now()
            ),
            **retention.periods(),
            controller_name=app_settings.CONTROLLER_NAME,
            controller_email=app_settings.CONTROLLER_EMAIL,
            **kwargs,
        )


class MyApplicationView(CandidateMixin, TemplateView):
    template_name = "ats/selfservice/application.html"


class MyCvView(CandidateMixin, View):
    def get(self, request, *args, **kwargs):
        return cv_file(self.application)


class MyMessagesView(CandidateMixin, FormView):
    """`/my-application/<token>/messages/`: the conversation with the hiring team, and
    the candidate's answer. Reading it marks the team's messages read."""

    template_name = "ats/selfservice/messages.html"
    form_class = ReplyForm

    def elsewhere(self):
        if not conversations.may_reply(self.application):
            raise Http404  # the team has not written
        return None

    def get(self, request, *args, **kwargs):
        conversations.read_messages(application=self.application)
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        # Each answer emails the team: whoever holds the page cannot flood their inboxes.
        verdict = allow(
            scope="candidate-answer",
            value=str(self.application.public_id),
            limit=ANSWERS_PER_APPLICATION_PER_HOUR,
            window_seconds=3600,
        )
        if not verdict:
            return too_many_requests(self.request, refusal=verdict)
        try:
            conversations.reply_from_candidate(
                application=self.application, text=form.cleaned_data["text"]
            )
        except conversations.MessageRefused as refusal:
            form.add_error("text", str(refusal))
            return self.form_invalid(form)
        messages.success(self.request, _("Your answer is sent to the hiring team."))
        return redirect("ats:my-messages", public_id=self.application.public_id)

    def get_context_data(self, **kwargs):
        return super().get_context_data(conversation=self.application.messages.all(), **kwargs)


class MyApplicationActionView(CandidateMixin, FormView):
    """`/my-application/<token>/<action>/`: one page per action, confirmed by POST."""

    form_class = CorrectionForm
    takes_cv = True

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        try:
            self.action = Action(kwargs["action"])
        except ValueError:
            self.action = None  # no such action: a 404 in dispatch

    def get_template_names(self):
        return [f"ats/selfservice/{self.action}.html"]

    def elsewhere(self):
        if self.action is None:
            raise Http404
        if self.action not in candidate_rights.available_actions(self.application):
            # An old email's link (a time chosen since, an offer called off): the
            # application as it stands, never a page that suggests it is gone.
            messages.info(
                self.request,
                _(
                    "There is nothing left to do on that page. Here is your application as "
                    "it stands."
                ),
            )
            return redirect("ats:my-application", public_id=self.application.public_id)
        return None

    def get_form_kwargs(self):
        application = self.application
        return {
            **super().get_form_kwargs(),
            "opening": application.opening,
            "initial": {
                "name": application.name,
                "email": application.email,
                "phone": application.phone,
                "cover_letter": application.cover_letter,
            },
        }

    def get_form(self, form_class=None):
        return super().get_form(form_class) if self.action is Action.EDIT else None

    def post(self, request, *args, **kwargs):
        if self.action is Action.EDIT:  # a form: validated, then form_valid
            return super().post(request, *args, **kwargs)
        return self.confirmed_actions[self.action]()

    @property
    def confirmed_actions(self):
        return {
            Action.EXPORT: self.do_export,
            Action.WITHDRAW: self.do_withdraw,
            Action.RENEW: self.do_renew,
            Action.RESTRICT: self.do_restrict,
            Action.UNRESTRICT: self.do_unrestrict,
            Action.OBJECT: self.do_object,
            Action.ERASE: self.do_erase,
            Action.INTERVIEW: self.do_interview,
            Action.MERITS: self.do_merits,
        }

    def form_valid(self, form):
        candidate_rights.correct_application(application=self.application, **form.details())
        return self.back(_("Your corrections are saved."))

    def back(self, message: str):
        messages.success(self.request, message)
        return redirect("ats:my-application", public_id=self.application.public_id)

    def do_export(self):
        application = self.application
        candidate_rights.candidate_did(application, AccessEvent.Action.EXPORT)
        return FileResponse(
            write_export([application]),
            as_attachment=True,
            filename=f"application-{timezone.localdate():%Y-%m-%d}.zip",
            content_type="application/zip",
        )

    def do_withdraw(self):
        candidate_rights.withdraw_consent(application=self.application)
        if self.application.is_spontaneous:
            return self.gone(
                _(
                    "You have withdrawn your consent. Your application is no longer shown to "
                    "anyone and is deleted, with your CV, within minutes."
                )
            )
        return self.back(_("We will not contact you about other openings."))

    def do_erase(self):
        candidate_rights.request_erasure(application=self.application)
        return self.gone(
            _(
                "Your application is no longer shown to anyone and is deleted, with your CV, "
                "within minutes."
            )
        )

    def do_restrict(self):
        candidate_rights.restrict_processing(application=self.application)
        return self.back(_("Processing is restricted: recruiters now see only that it exists."))

    def do_unrestrict(self):
        candidate_rights.lift_restriction(application=self.application)
        return self.back(_("The restriction is lifted."))

    def do_object(self):
        outcome = candidate_rights.object_to_processing(application=self.application)
        if outcome is candidate_rights.Objection.ERASED:
            return self.gone(
                _(
                    "We have accepted your objection. Your application is deleted, with your CV, "
                    "within minutes."
                )
            )
        return self.back(
            _(
                "Your application must be kept because of a legal hold, so we have restricted "
                "it instead: nobody processes it until the hold ends."
            )
        )

    def get_context_data(self, **kwargs):
        open_interviews = [
            i for i in self.application.interviews.all() if i.status in Interview.OPEN
        ]
        # `action` names the page: its <title> and <h1> (selfservice/_action_label.html).
        return super().get_context_data(
            action=self.action, open_interviews=open_interviews, **kwargs
        )

    def do_interview(self):
        form = InterviewChoiceForm(self.request.POST)
        if not form.is_valid():
            return self.back(_("Choose one of the times, or tell us that none of them suits you."))
        data = form.cleaned_data
        try:
            if data["choice"] == InterviewChoiceForm.Choice.BOOK:
                interviews.book_interview(
                    application=self.application,
                    interview_id=data["interview"],
                    slot_id=data["slot"],
                )
                return self.back(
                    _("Your interview is booked. A calendar invitation is on its way by email.")
                )
            interviews.ask_for_other_times(
                application=self.application,
                interview_id=data["interview"],
                message=data["message"],
            )
        except interviews.InterviewError as error:
            return self.back(str(error))
        return self.back(_("Thank you. We will propose other times."))

    def do_merits(self):
        try:
            merits.request_merits(application=self.application)
        except merits.MeritRequestError as error:
            return self.back(str(error))
        return self.back(
            _("Your request is sent to the recruiters, dated today. They answer you by email.")
        )

    def do_renew(self):
        try:
            application = consent.renew_consent(application=self.application)
        except consent.RenewalError as error:
            return self.back(str(error))
        return self.back(
            _("Thank you. We keep your application until %(date)s.")
            % {"date": date_format(timezone.localdate(application.delete_after), "DATE_FORMAT")}
        )


def links_may_be_sent(request, *, scope: str, value: str) -> Verdict:
    """Links emailed at a visitor's request: counted per visitor, then per candidate
    (`value` under `scope`); the first refusal, or the last verdict."""
    return allow(
        scope="my-data-ip",
        value=client_ip(request),
        limit=MY_DATA_PER_IP_PER_HOUR,
        window_seconds=3600,
    ) and allow(scope=scope, value=value, limit=MY_DATA_PER_ADDRESS_PER_HOUR, window_seconds=3600)


class MyDataView(LimitedBodyMixin, FormView):
    """Fresh links by email. The answer is the same whether or not the address is known."""

    template_name = "ats/selfservice/my_data.html"
    form_class = MyDataForm

    def form_valid(self, form):
        email = form.cleaned_data["email"].lower()
        verdict = links_may_be_sent(self.request, scope="my-data-address", value=email)
        if not verdict:
            return too_many_requests(self.request, refusal=verdict)
        candidate_rights.request_self_service_links(email=email)
        return render(self.request, "ats/selfservice/my_data_sent.html")


@method_decorator(never_cache, name="dispatch")
class FreshLinkView(LimitedBodyMixin, TemplateView):
    """Where a link that no longer works leads: says so, and emails a fresh one to the
    address the application was made with (never shown) at one press."""

    template_name = "ats/selfservice/fresh_link.html"

    def post(self, request, *args, **kwargs):
        spent = request.session.pop(SPENT_LINK_KEY, None)
        if spent is None:
            return redirect("ats:my-data")
        # Whoever holds an old link cannot have a candidate emailed again and again.
        verdict = links_may_be_sent(request, scope="fresh-link", value=spent)
        if not verdict:
            return too_many_requests(request, refusal=verdict)
        self_service.ask_for_a_fresh_link(public_id=UUID(spent))
        return render(request, "ats/selfservice/my_data_sent.html", {"fresh_link": True})

    def get_context_data(self, **kwargs):
        return super().get_context_data(spent=SPENT_LINK_KEY in self.request.session, **kwargs)
