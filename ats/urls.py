"""The app's URLs, grouped by who reaches them: anyone (the careers pages), a candidate
(their own application, through the link in their email), the staff (recruit/), and
integrations (the API)."""

from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from .api import api
from .feeds import OpeningFeed
from .views import (
    applications,
    decisions,
    interviews,
    openings,
    pipeline,
    privacy,
    public,
    selfservice,
    team,
)

app_name = "ats"

public_patterns = [
    path("jobs/", public.OpeningListView.as_view(), name="opening-list"),
    path("jobs/feed/", OpeningFeed(), name="opening-feed"),  # before the slugs: "feed" is one
    path("jobs/<slug:slug>/", public.OpeningDetailView.as_view(), name="opening-detail"),
    path("apply/", public.SpontaneousApplyView.as_view(), name="apply"),
    path(
        "applied/<str:token>/",
        public.ApplicationReceivedView.as_view(),
        name="application-received",
    ),
    path("privacy/", public.PrivacyNoticeView.as_view(), name="privacy"),
    # Django's own view, without the CSRF check: all a forged request could do is turn
    # the visitor's pages to the other language, and with no token in it, the careers
    # page is the same for everyone and kept in the cache (ats/page_cache.py).
    path("language/", csrf_exempt(set_language), name="language"),
]

candidate_patterns = [
    path("my-data/", selfservice.MyDataView.as_view(), name="my-data"),
    path("my-data/new-link/", selfservice.FreshLinkView.as_view(), name="fresh-link"),
    # Reached in the candidate's short session, by the application's random public_id.
    path(
        "my-application/<uuid:public_id>/",
        selfservice.MyApplicationView.as_view(),
        name="my-application",
    ),
    path("my-application/<uuid:public_id>/cv/", selfservice.MyCvView.as_view(), name="my-cv"),
    path(
        "my-application/<uuid:public_id>/<slug:action>/",
        selfservice.MyApplicationActionView.as_view(),
        name="my-application-action",
    ),
    # The links in emails: exchanged for the session, then the same page without them.
    path("my-application/<str:token>/", selfservice.LinkView.as_view(), name="my-application-link"),
    path(
        "my-application/<str:token>/<slug:action>/",
        selfservice.LinkView.as_view(),
        name="my-application-link-action",
    ),
]

recruit_patterns = [
    # The pipeline: home, an opening's applicants (or the spontaneous pool), its board.
    path("recruit/", pipeline.RecruiterHomeView.as_view(), name="recruit-home"),
    path(
        "recruit/openings/<int:opening_id>/",
        pipeline.ApplicantListView.as_view(),
        name="recruit-opening",
    ),
    path("recruit/spontaneous/", pipeline.ApplicantListView.as_view(), name="recruit-spontaneous"),
    path(
        "recruit/openings/<int:opening_id>/board/",
        pipeline.BoardView.as_view(),
        name="recruit-board",
    ),
    # The job ad.
    path("recruit/openings/new/", openings.OpeningCreateView.as_view(), name="recruit-opening-new"),
    path(
        "recruit/openings/<int:opening_id>/edit/",
        openings.OpeningEditView.as_view(),
        name="recruit-opening-edit",
    ),
    # The hiring team and the requirement profile.
    path(
        "recruit/openings/<int:opening_id>/team/",
        team.TeamMemberSetView.as_view(),
        name="recruit-team",
    ),
    path(
        "recruit/openings/<int:opening_id>/team/remove/",
        team.TeamMemberRemoveView.as_view(),
        name="recruit-team-remove",
    ),
    path(
        "recruit/openings/<int:opening_id>/criteria/",
        team.CriterionAddView.as_view(),
        name="recruit-criteria",
    ),
    path(
        "recruit/openings/<int:opening_id>/criteria/remove/",
        team.CriterionRemoveView.as_view(),
        name="recruit-criteria-remove",
    ),
    # One application.
    path(
        "recruit/applications/<uuid:public_id>/",
        applications.ApplicationDetailView.as_view(),
        name="recruit-application",
    ),
    path(
        "recruit/applications/<uuid:public_id>/stage/",
        applications.StageChangeView.as_view(),
        name="recruit-stage",
    ),
    path(
        "recruit/applications/<uuid:public_id>/notes/",
        applications.NoteCreateView.as_view(),
        name="recruit-note",
    ),
    path(
        "recruit/applications/<uuid:public_id>/scores/",
        applications.ScoreView.as_view(),
        name="recruit-scores",
    ),
    path(
        "recruit/applications/<uuid:public_id>/emails/cancel/",
        applications.EmailCancelView.as_view(),
        name="recruit-email-cancel",
    ),
    path(
        "recruit/applications/<uuid:public_id>/cv/",
        applications.CvDownloadView.as_view(),
        name="recruit-cv",
    ),
    # Interviews.
    path(
        "recruit/applications/<uuid:public_id>/interviews/",
        interviews.InterviewProposeView.as_view(),
        name="recruit-interview-propose",
    ),
    path(
        "recruit/applications/<uuid:public_id>/interviews/<int:interview_id>/",
        interviews.InterviewChangeView.as_view(),
        name="recruit-interview-change",
    ),
    path("recruit/interviews/", interviews.InterviewListView.as_view(), name="recruit-interviews"),
    # The decision, and the merit requests after it.
    path(
        "recruit/openings/<int:opening_id>/decision/",
        decisions.DecisionView.as_view(),
        name="recruit-decision",
    ),
    path(
        "recruit/openings/<int:opening_id>/merits/",
        decisions.MeritsView.as_view(),
        name="recruit-merits",
    ),
    # Privacy.
    path("recruit/retention/", privacy.RetentionDashboardView.as_view(), name="recruit-retention"),
    path("recruit/privacy/", privacy.PrivacyRequestsView.as_view(), name="recruit-privacy"),
    path(
        "recruit/privacy/certificate/",
        privacy.DeletionCertificateView.as_view(),
        name="recruit-certificate",
    ),
]

urlpatterns = [*public_patterns, *candidate_patterns, *recruit_patterns, path("api/v1/", api.urls)]
