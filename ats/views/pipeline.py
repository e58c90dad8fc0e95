"""The recruiter's pipeline: the home page with one's to-do, an opening's applicants (or
the spontaneous pool) and its board, and what is done to the applicants ticked on them."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView

from .. import selectors
from ..forms.recruit import (
    ApplicantFilterForm,
    ApplicantSearchForm,
    BulkActionForm,
    DigestForm,
)
from ..models import Application, Opening, Tag
from ..selectors.pipeline import ApplicantFilters
from ..services import pipeline, tags, todo
from .mixins import OpeningMixin, RecruiterMixin
from .team import team_context


class RecruiterHomeView(RecruiterMixin, TemplateView):
    """The openings one sees, and one's to-do; each view is remembered as a visit (what
    is new is counted from the visit before). A POST turns the daily digest on or off."""

    template_name = "ats/recruit/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        visit = todo.record_home_visit(user=user)
        return super().get_context_data(
            home=selectors.pipeline.recruiter_home(user=user),
            todo=selectors.todo.todo_of(user=user, since=visit.visit_since),
            digest_form=DigestForm(initial={"daily_digest": visit.daily_digest}),
            stages=Application.Stage.choices,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = DigestForm(request.POST)
        form.is_valid()  # a box left unticked is valid: off
        wanted = form.cleaned_data.get("daily_digest", False)
        todo.set_daily_digest(user=request.user, wanted=wanted)
        messages.success(
            request,
            _("The daily digest is on.") if wanted else _("The daily digest is off."),
        )
        return redirect("ats:recruit-home")


class BulkActionsMixin:
    """The applicants ticked on a page (the list, the board), moved, rejected, sent an
    email or tagged in one POST, through one set-based service. Interviewers do none of
    it: 404."""

    def act_on_selection(self, opening: Opening | None):
        user = self.request.user
        if not selectors.access.can_decide_on(user, opening):
            raise Http404
        form = BulkActionForm(self.request.POST, pipeline=self.pipeline)
        if not form.is_valid():
            messages.error(self.request, form.problem())
            return redirect(self.request.get_full_path())
        data = form.cleaned_data
        chosen = selectors.pipeline.ticked_applicants(
            user=user, opening=opening, public_ids=data["selected"]
        )
        try:
            count, done, none = self.act(form, chosen)
        except (pipeline.MoveRefused, pipeline.EmailRefused) as refusal:
            messages.error(self.request, str(refusal))
            return redirect(self.request.get_full_path())
        if count:
            messages.success(self.request, done % {"count": count})
        else:  # nothing was stored: no ticked applicant qualifies
            messages.warning(self.request, none)
        return redirect(self.request.get_full_path())

    @cached_property
    def pipeline(self):
        return selectors.pipeline_stages.pipeline_of(self.opening)

    def act(self, form: BulkActionForm, chosen) -> tuple[int, str, str]:
        """What the button pressed does: how many it did, and the messages for some, none."""
        user = self.request.user
        data = form.cleaned_data
        Action = BulkActionForm.Action
        if data["action"] == Action.MOVE:
            to = form.destination()
            count = pipeline.move_applications(
                applications=chosen,
                stage=to.kind,
                pipeline_stage=to if to.pk else None,
                moved_by=user,
            )
            done = ngettext("%(count)d applicant moved.", "%(count)d applicants moved.", count)
            none = _("No applicant was moved: those ticked are at that stage already.")
        elif data["action"] == Action.REJECT:
            count = pipeline.move_applications(
                applications=chosen,
                stage=Application.Stage.REJECTED,
                reason=data["reason"].label,
                moved_by=user,
                email=data["email"],
            )
            done = ngettext(
                "%(count)d applicant rejected.", "%(count)d applicants rejected.", count
            )
            none = _("No applicant was rejected: those ticked are rejected already.")
        elif data["action"] == Action.TAG:
            count = tags.tag_applications(applications=chosen, tag=data["tag"], tagged_by=user)
            done = ngettext("%(count)d applicant tagged.", "%(count)d applicants tagged.", count)
            none = _("No applicant was tagged: those ticked have the tag already.")
        elif data["action"] == Action.UNTAG:
            count = tags.untag_applications(applications=chosen, tag=data["tag"], untagged_by=user)
            done = ngettext(
                "The tag was taken off %(count)d applicant.",
                "The tag was taken off %(count)d applicants.",
                count,
            )
            none = _("No tag was taken off: none of those ticked had it.")
        else:
            count = pipeline.email_applications(
                applications=chosen, template=data["template"], sent_by=user
            )
            done = ngettext(
                "%(count)d email will be sent within a minute.",
                "%(count)d emails will be sent within a minute.",
                count,
            )
            none = _(
                "No email will be sent: those ticked have restricted the processing of their data."
            )
        return count, done, none

    def bulk_context(self, opening: Opening | None) -> dict:
        """The bulk form, and the filters from the query string with their form."""
        tag_choices = list(Tag.objects.values_list("pk", "name"))  # one read for both forms
        bulk_form = BulkActionForm(pipeline=self.pipeline)
        filter_form = ApplicantFilterForm(  # beside bulk_form: its own ids
            self.request.GET, pipeline=self.pipeline, auto_id="filter_%s"
        )
        for form in (bulk_form, filter_form):
            form.fields["tag"].choices = [("", form.fields["tag"].empty_label), *tag_choices]
        filters = filter_form.filters()
        # The emails that fit the stage shown (its tab); any the service sends, on all. Once
        # decided, all are hired or rejected, and only a rejected one is sent any.
        stage = filters.stage or (
            Application.Stage.REJECTED if pipeline.stages_final(opening) else ""
        )
        emails = bulk_form.fields["template"]
        emails.queryset = emails.queryset.filter(key__in=pipeline.selection_emails(stage))
        can_act = selectors.access.can_decide_on(self.request.user, opening)
        return {
            "bulk_form": bulk_form,
            "can_act": can_act,
            "can_move": can_act and not pipeline.stages_final(opening),
            "filter_form": filter_form,
            "filters": filters,
            "filtered": filters.processing,
            "filter_query": query_string(filter_form, leave_out=("stage", "pipeline_stage")),
            "list_query": query_string(filter_form),
        }


def query_string(form: ApplicantFilterForm, *, leave_out: tuple[str, ...] = ()) -> str:
    """The form's valid, chosen values as a query string (no page): for the links that
    keep the filters (stage tabs, pages, "more in the list")."""
    data = form.cleaned_data
    chosen = {}
    for name in form.fields:
        value = data.get(name)
        if name in leave_out or value in (None, "", False):
            continue
        chosen[name] = value.pk if isinstance(value, Tag) else "on" if value is True else value
    if chosen.get("sort") == ApplicantFilters.Sort.DATE:
        del chosen["sort"]
    return urlencode(chosen)


class ApplicantsMixin(RecruiterMixin):
    """An opening's applicants, or the spontaneous pool, as its list shows them: the
    page, and the lists taken away from it (views/lists.py). The search term is
    personal data, so it travels by POST and waits in the session, never in a URL."""

    @property
    def search_key(self) -> str:
        return f"ats_search_{self.kwargs.get('opening_id', 'spontaneous')}"

    @cached_property
    def opening(self) -> Opening | None:
        """The opening, or None for the spontaneous pool; 404 if the user may not see it."""
        if "opening_id" in self.kwargs:
            return selectors.pipeline.opening_for_recruiter(
                user=self.request.user, opening_id=self.kwargs["opening_id"]
            )
        if not selectors.access.can_see_spontaneous(self.request.user):
            raise Http404
        return None

    def list_query(self) -> dict:
        """What the list is narrowed by (its filters and stage tab from the query
        string, its search from the session), as the selectors take it."""
        pipeline = selectors.pipeline_stages.pipeline_of(self.opening)
        return {
            "filters": ApplicantFilterForm(self.request.GET, pipeline=pipeline).filters(),
            "search": self.request.session.get(self.search_key, ""),
        }


class ApplicantListView(BulkActionsMixin, ApplicantsMixin, TemplateView):
    """An opening's applicants, or the spontaneous pool; the search is kept in the
    session (ApplicantsMixin)."""

    template_name = "ats/recruit/applicants.html"

    def post(self, request, *args, **kwargs):
        self.opening  # noqa: B018 - a 404 before anything is stored
        if request.POST.get("action") in BulkActionForm.Action.values:
            return self.act_on_selection(self.opening)
        form = ApplicantSearchForm(request.POST)
        request.session[self.search_key] = form.cleaned_data["q"] if form.is_valid() else ""
        return redirect(request.path)

    def get_context_data(self, **kwargs):
        opening = self.opening
        search = self.request.session.get(self.search_key, "")
        bulk = self.bulk_context(opening)
        applicants = selectors.pipeline.applicant_list(
            user=self.request.user,
            opening=opening,
            filters=bulk["filters"],
            search=search,
            page_number=self.request.GET.get("page", 1),
            pipeline=self.pipeline,
        )
        return super().get_context_data(
            opening=opening,
            applicants=applicants,
            stage=bulk["filters"].stage,
            search_form=ApplicantSearchForm(initial={"q": search}),
            **bulk,
            **team_context(self.request.user, opening),
            search=search,
            **kwargs,
        )


class BoardView(BulkActionsMixin, OpeningMixin, TemplateView):
    """The pipeline: a column per stage, a card per applicant. A card moves by its own
    form (a bulk move of one), by drag and drop or by the keyboard (board.js)."""

    template_name = "ats/recruit/board.html"

    def post(self, request, *args, **kwargs):
        return self.act_on_selection(self.opening)

    def get_context_data(self, **kwargs):
        opening = self.opening
        bulk = self.bulk_context(opening)
        return super().get_context_data(
            opening=opening,
            columns=selectors.board.board(
                user=self.request.user,
                opening=opening,
                filters=bulk["filters"],
                pipeline=self.pipeline,
            ),
            move_to=[
                (selectors.pipeline_stages.token_of(stage), stage.label)
                for stage in self.pipeline
                if stage.kind in pipeline.PLAIN_MOVES
            ],
            **bulk,
            **kwargs,
        )
