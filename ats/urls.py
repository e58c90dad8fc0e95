from django.urls import path

from .views import public

app_name = "ats"

urlpatterns = [
    path("jobs/", public.OpeningListView.as_view(), name="opening-list"),
    path("jobs/<slug:slug>/", public.OpeningDetailView.as_view(), name="opening-detail"),
    path("apply/", public.SpontaneousApplyView.as_view(), name="apply"),
    path("applied/", public.ApplicationReceivedView.as_view(), name="application-received"),
    path("privacy/", public.PrivacyNoticeView.as_view(), name="privacy"),
]
