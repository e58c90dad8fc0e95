from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from .api import api
from .feeds import OpeningFeed
from .views import openings, public, recruiter, selfservice

app_name = "ats"

urlpatterns = [
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
    path("recruit/", recruiter.RecruiterHomeView.as_view(), name="recruit-home"),
    path("recruit/openings/new/", openings.OpeningCreateView.as_view(), name="recruit-opening-new"),
    path(
        "recruit/openings/<int:opening_id>/edit/",
        openings.OpeningEditView.as_view(),
        name="recruit-opening-edit",
    ),
    path(
        "recruit/openings/<int:opening_id>/",
        recruiter.ApplicantListView.as_view(),
        name="recruit-opening",
    ),
    path(
        "recruit/openings/<int:opening_id>/board/",
        recruiter.BoardView.as_view(),
        name="recruit-board",
    ),
    path(
        "recruit/openings/<int:opening_id>/decision/",
        recruiter.DecisionView.as_view(),
        name="recruit-decision",
    ),
    path("recruit/spontaneous/", recruiter.ApplicantListView.as_view(), name="recruit-spontaneous"),
    path(
        "recruit/applications/<uuid:public_id>/",
        recruiter.ApplicationDetailView.as_view(),
        name="recruit-application",
    ),
    path(
        "recruit/applications/<uuid:public_id>/stage/",
        recruiter.StageChangeView.as_view(),
        name="recruit-stage",
    ),
    path(
        "recruit/applications/<uuid:public_id>/notes/",
        recruiter.NoteCreateView.as_view(),
        name="recruit-note",
    ),
    path(
        "recruit/applications/<uuid:public_id>/interviews/",
        recruiter.InterviewProposeView.as_view(),
        name="recruit-interview-propose",
    ),
    path(
        "recruit/applications/<uuid:public_id>/interviews/<int:interview_id>/",
        recruiter.InterviewChangeView.as_view(),
        name="recruit-interview-change",
    ),
    path("recruit/interviews/", recruiter.InterviewListView.as_view(), name="recruit-interviews"),
    path(
        "recruit/openings/<int:opening_id>/merits/",
        recruiter.MeritsView.as_view(),
        name="recruit-merits",
    ),
    path(
        "recruit/applications/<uuid:public_id>/scores/",
        recruiter.ScoreView.as_view(),
        name="recruit-scores",
    ),
    path(
        "recruit/applications/<uuid:public_id>/emails/cancel/",
        recruiter.EmailCancelView.as_view(),
        name="recruit-email-cancel",
    ),
    path(
        "recruit/applications/<uuid:public_id>/cv/",
        recruiter.CvDownloadView.as_view(),
        name="recruit-cv",
    ),
    path(
        "recruit/retention/", recruiter.RetentionDashboardView.as_view(), name="recruit-retention"
    ),
    path("recruit/privacy/", recruiter.PrivacyRequestsView.as_view(), name="recruit-privacy"),
    path(
        "recruit/privacy/certificate/",
        recruiter.DeletionCertificateView.as_view(),
        name="recruit-certificate",
    ),
    path("api/v1/", api.urls),
]
