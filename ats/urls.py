"""The app's URLs, grouped by who reaches them: anyone (the careers pages), a candidate
(their own application, through the link in their email), the staff (recruit/), and
integrations (the API)."""

from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from .api import api
from .feeds import OpeningFeed
from .views import (
    ad_templates,
    applications,
    careers,
    careers_site,
    decisions,
    interviews,
    lists,
    openings,
    people,
    pipeline,
    pipeline_stages,
    privacy,
    public,
    reports,
    search,
    selfservice,
    tags,
    team,
)

app_name = "ats"

public_patterns = [
    path("jobs/", careers.OpeningListView.as_view(), name="opening-list"),
    path("jobs/feed/", OpeningFeed(), name="opening-feed"),  # before the slugs: "feed" is one
    path(
        "jobs/departments/<slug:slug>/",
        careers.DepartmentView.as_view(),
        name="careers-department",
    ),
    path("jobs/places/<slug:slug>/", careers.PlaceView.as_view(), name="careers-place"),
    path(
        "jobs/pictures/<str:filename>",
        careers.CareersImageView.as_view(),
        name="careers-image",
    ),
    path(
        "jobs/colours-<slug:version>.css",
        careers.BrandStylesheetView.as_view(),
        name="careers-colours",
    ),
    path("jobs/<slug:slug>/", public.OpeningDetailView.as_view(), name="opening-detail"),
    path("jobs/<slug:slug>/qr.svg", careers.OpeningQrCodeView.as_view(), name="opening-qr-code"),
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

# Reached in the candidate's short session, by the application's random public_id.
own_application_patterns = [
    path("", selfservice.MyApplicationView.as_view(), name="my-application"),
    path("cv/", selfservice.MyCvView.as_view(), name="my-cv"),
    path("messages/", selfservice.MyMessagesView.as_view(), name="my-messages"),
    path(
        "<slug:action>/",
        selfservice.MyApplicationActionView.as_view(),
        name="my-application-action",
    ),
]
# The links in emails: exchanged for the session, then the same page without them.
emailed_link_patterns = [
    path("", selfservice.LinkView.as_view(), name="my-application-link"),
    path("<slug:action>/", selfservice.LinkView.as_view(), name="my-application-link-action"),
]
candidate_patterns = [
    path("my-data/", selfservice.MyDataView.as_view(), name="my-data"),
    path("my-data/new-link/", selfservice.FreshLinkView.as_view(), name="fresh-link"),
    path("my-application/<uuid:public_id>/", include(own_application_patterns)),
    path("my-application/<str:token>/", include(emailed_link_patterns)),
]

# One opening's pages: its applicants and board, its ad, its hiring team and requirement
# profile, the decision and the merit requests after it.
opening_patterns = [
    path("", pipeline.ApplicantListView.as_view(), name="recruit-opening"),
    path("board/", pipeline.BoardView.as_view(), name="recruit-board"),
    path(
        "stages/",
        pipeline_stages.PipelineStagesOfOpeningView.as_view(),
        name="recruit-opening-stages",
    ),
    path("applicants.csv", lists.ApplicantFileView.as_view(kind="csv"), name="recruit-opening-csv"),
    path(
        "applicants.xlsx", lists.ApplicantFileView.as_view(kind="xlsx"), name="recruit-opening-xlsx"
    ),
    path("counts/", lists.CountsView.as_view(), name="recruit-opening-counts"),
    path("counts.csv", lists.CountsCsvView.as_view(), name="recruit-opening-counts-csv"),
    path("edit/", openings.OpeningEditView.as_view(), name="recruit-opening-edit"),
    path("team/", team.TeamMemberSetView.as_view(), name="recruit-team"),
    path("team/remove/", team.TeamMemberRemoveView.as_view(), name="recruit-team-remove"),
    path("criteria/", team.CriterionAddView.as_view(), name="recruit-criteria"),
    path("criteria/remove/", team.CriterionRemoveView.as_view(), name="recruit-criteria-remove"),
    path("decision/", decisions.DecisionView.as_view(), name="recruit-decision"),
    path("merits/", decisions.MeritsView.as_view(), name="recruit-merits"),
]
# One application's page and what is done there.
application_patterns = [
    path("", applications.ApplicationDetailView.as_view(), name="recruit-application"),
    path("stage/", applications.StageChangeView.as_view(), name="recruit-stage"),
    path("notes/", applications.NoteCreateView.as_view(), name="recruit-note"),
    path("messages/", applications.MessageCreateView.as_view(), name="recruit-message"),
    path("scores/", applications.ScoreView.as_view(), name="recruit-scores"),
    path("emails/cancel/", applications.EmailCancelView.as_view(), name="recruit-email-cancel"),
    path("cv/", applications.CvDownloadView.as_view(), name="recruit-cv"),
    path("hold/", privacy.LegalHoldView.as_view(), name="recruit-hold"),
    path("cv/view/", applications.CvView.as_view(), name="recruit-cv-view"),
    path(
        "cv/view/pages/<int:number>.png",
        applications.CvPageView.as_view(),
        name="recruit-cv-page",
    ),
    path("tags/", tags.ApplicationTagView.as_view(), name="recruit-application-tag"),
    path(
        "interviews/",
        interviews.InterviewProposeView.as_view(),
        name="recruit-interview-propose",
    ),
    path(
        "interviews/<int:interview_id>/",
        interviews.InterviewChangeView.as_view(),
        name="recruit-interview-change",
    ),
]
spontaneous_list_patterns = [
    path("applicants.csv", lists.ApplicantFileView.as_view(kind="csv"), name="recruit-pool-csv"),
    path("applicants.xlsx", lists.ApplicantFileView.as_view(kind="xlsx"), name="recruit-pool-xlsx"),
    path("counts/", lists.CountsView.as_view(), name="recruit-pool-counts"),
    path("counts.csv", lists.CountsCsvView.as_view(), name="recruit-pool-counts-csv"),
]
recruit_patterns = [
    path("recruit/", pipeline.RecruiterHomeView.as_view(), name="recruit-home"),
    path("recruit/spontaneous/", pipeline.ApplicantListView.as_view(), name="recruit-spontaneous"),
    path("recruit/spontaneous/", include(spontaneous_list_patterns)),
    path("recruit/openings/new/", openings.OpeningCreateView.as_view(), name="recruit-opening-new"),
    path("recruit/openings/<int:opening_id>/", include(opening_patterns)),
    path("recruit/applications/<uuid:public_id>/", include(application_patterns)),
    path("recruit/interviews/", interviews.InterviewListView.as_view(), name="recruit-interviews"),
    path("recruit/tags/", tags.TagListView.as_view(), name="recruit-tags"),
    path(
        "recruit/ad-templates/",
        ad_templates.AdTemplateListView.as_view(),
        name="recruit-ad-templates",
    ),
    path(
        "recruit/ad-templates/new/",
        ad_templates.AdTemplateEditView.as_view(),
        name="recruit-ad-template-new",
    ),
    path(
        "recruit/ad-templates/<int:pk>/",
        ad_templates.AdTemplateEditView.as_view(),
        name="recruit-ad-template",
    ),
    path(
        "recruit/ad-templates/<int:pk>/stages/",
        pipeline_stages.PipelineStagesOfTemplateView.as_view(),
        name="recruit-ad-template-stages",
    ),
    path("recruit/stages/", pipeline_stages.PipelineStagesView.as_view(), name="recruit-stages"),
    path(
        "recruit/careers-site/",
        careers_site.CareersSiteView.as_view(),
        name="recruit-careers-site",
    ),
    path(
        "recruit/careers-site/<slug:kind>/new/",
        careers_site.CareersPartView.as_view(),
        name="recruit-careers-part-new",
    ),
    path(
        "recruit/careers-site/<slug:kind>/<int:pk>/",
        careers_site.CareersPartView.as_view(),
        name="recruit-careers-part",
    ),
    path(
        "recruit/tags/<int:tag_id>/remove/", tags.TagRemoveView.as_view(), name="recruit-tag-remove"
    ),
    path("recruit/search/", search.SearchView.as_view(), name="recruit-search"),
    path(
        "recruit/search/results.csv",
        search.SearchFileView.as_view(kind="csv"),
        name="recruit-search-csv",
    ),
    path(
        "recruit/search/results.xlsx",
        search.SearchFileView.as_view(kind="xlsx"),
        name="recruit-search-xlsx",
    ),
    path("recruit/people/<slug:key>/", people.PersonView.as_view(), name="recruit-person"),
    path("recruit/reports/", reports.ReportsView.as_view(), name="recruit-reports"),
    path(
        "recruit/reports/<slug:report>.csv",
        reports.ReportCsvView.as_view(),
        name="recruit-report-csv",
    ),
    # Privacy.
    path("recruit/retention/", privacy.RetentionDashboardView.as_view(), name="recruit-retention"),
    path("recruit/privacy/", privacy.PrivacyRequestsView.as_view(), name="recruit-privacy"),
    path("recruit/access-log/", privacy.AccessLogView.as_view(), name="recruit-access-log"),
    # A set found under one address, named by a random key into the session, not the address.
    path(
        "recruit/privacy/found/<str:key>/",
        privacy.FoundView.as_view(),
        name="recruit-privacy-found",
    ),
    path(
        "recruit/privacy/found/<str:key>/export/",
        privacy.FoundExportView.as_view(),
        name="recruit-privacy-export",
    ),
    path(
        "recruit/privacy/found/<str:key>/erase/",
        privacy.FoundEraseView.as_view(),
        name="recruit-privacy-erase",
    ),
    path(
        "recruit/privacy/certificate/",
        privacy.DeletionCertificateView.as_view(),
        name="recruit-certificate",
    ),
]

urlpatterns = [*public_patterns, *candidate_patterns, *recruit_patterns, path("api/v1/", api.urls)]
