"""Admin for support staff. Retention fields are never edited by hand: dates come from
the policy (retention.py) through the services, and deletion through the purge."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .forms.openings import OpeningForm
from .models import (
    AccessEvent,
    ApiKey,
    ApiScope,
    Application,
    ApplicationStatistic,
    CandidateEmail,
    Criterion,
    DeletionRecord,
    DueCount,
    EmailTemplate,
    ErasureReceipt,
    HiringTeamMember,
    IdempotentRequest,
    Interview,
    InterviewSlot,
    Lease,
    LedgerHead,
    LinkRequest,
    MeritRequest,
    Note,
    NoticeChangeEmail,
    Opening,
    PrivacyNotice,
    PrivacyRequest,
    PurgeClaim,
    RejectionReason,
    Score,
    ScreeningAnswer,
    ScreeningQuestion,
    StaffEmail,
    StageChange,
    StageCount,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from .selectors.access import (
    can_decide_on,
    hidden_fields,
    users_to_act_for,
    visible_openings,
    within_reach,
)
from .services import erasure, holds, openings
from .services.access_log import record_access
from .services.api_keys import ApiKeyError, check_key_terms, issue_api_key
from .services.webhooks import (
    SubscriptionError,
    check_subscription_terms,
    create_subscription,
    resume_subscription,
)
from .validators import validate_one_line

# What an application holds of the person; never shown once they restrict processing.
PERSONAL_FIELDS = ("name", "email", "phone", "cover_letter", "cv_filename")


class OfVisibleOpeningsAdmin(admin.ModelAdmin):
    """Rows of the openings the user sees on the recruiter pages, no others (ASVS 8.2.2)."""

    def get_queryset(self, request):
        visible = visible_openings(request.user)
        return super().get_queryset(request).filter(opening__in=visible)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "opening":  # nobody adds to an opening they cannot see
            kwargs["queryset"] = visible_openings(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(HiringTeamMember)
class HiringTeamMemberAdmin(OfVisibleOpeningsAdmin):
    """Also inline on each opening; here to see one person's memberships."""

    list_display = ["user", "opening", "role"]
    list_filter = ["role"]
    list_select_related = ["user", "opening"]


class HiringTeamInline(admin.TabularInline):
    model = HiringTeamMember
    extra = 1


class ScreeningQuestionInline(admin.TabularInline):
    model = ScreeningQuestion
    extra = 0
    fields = ["position", "text", "kind", "choices", "unmet_answer"]


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["position", "name"]


@admin.register(Criterion)
class CriterionAdmin(OfVisibleOpeningsAdmin):
    """The requirement profiles; edited with each opening, on its page or inline."""

    list_display = ["name", "opening"]
    list_select_related = ["opening"]


@admin.register(EmailTemplate)
class EmailTemplateAdmin(admin.ModelAdmin):
    """The employer's emails to candidates; ats.change_emailtemplate edits them. The
    placeholders: {first_name}, {opening}, {employer}, {deletion_date}, {link},
    {reason} (the rejection reason) and {interview} in the interview emails."""

    list_display = ["key", "subject_sv", "subject_en"]
    readonly_fields = ["key"]

    def has_add_permission(self, request):
        return False  # one of each, shipped by the migrations

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RejectionReason)
class RejectionReasonAdmin(admin.ModelAdmin):
    list_display = ["label"]


@admin.register(ScreeningQuestion)
class ScreeningQuestionAdmin(OfVisibleOpeningsAdmin):
    """Also inline on each opening; here to find them across openings."""

    list_display = ["text", "opening", "kind", "unmet_answer"]
    list_select_related = ["opening"]


@admin.register(Opening)
class OpeningAdmin(admin.ModelAdmin):
    """The ads the user sees on the recruiter pages. The ad is edited with the recruiter
    pages' form and services, so the same rules hold (ASVS 8.2.1): a new one is a
    draft; a closed one is kept as it was published; publishing, scheduling, taking
    down and closing happen on /recruit/ only, with ats.publish_opening. Deleting an
    opening erases its applications first, files and tombstones included."""

    form = OpeningForm
    inlines = [HiringTeamInline, ScreeningQuestionInline, CriterionInline]

    list_display = ["title", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["title"]
    state_fields = ["slug", "status", "publish_at", "published_at", "closed_at", "decided_at"]

    def get_queryset(self, request):
        return visible_openings(request.user)

    def get_fields(self, request, obj=None):
        return [*OpeningForm.Meta.fields, *(self.state_fields if obj else [])]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status in (Opening.Status.CLOSED, Opening.Status.ARCHIVED):
            return self.get_fields(request, obj)  # kept as it was published
        return self.state_fields if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            if changed := {name: form.cleaned_data[name] for name in form.changed_data}:
                openings.update_opening(opening=obj, fields=changed)
            return
        made = openings.create_opening(
            fields={name: form.cleaned_data[name] for name in OpeningForm.Meta.fields},
            created_by=request.user,
        )
        obj.pk, obj.slug, obj.status = made.pk, made.slug, made.status

    def delete_model(self, request, obj):
        erasure.delete_opening(opening=obj, deleted_by=request.user)

    def delete_queryset(self, request, queryset):
        for opening in queryset:
            self.delete_model(request, opening)

    def get_deleted_objects(self, objs, request):
        # The applications go through the erase service, not Django's cascade, so
        # PROTECT does not stand in the way; the page still lists what will go.
        deleted, model_count, perms_needed, _protected = super().get_deleted_objects(objs, request)
        return deleted, model_count, perms_needed, []


class PrivacyNoticeForm(forms.ModelForm):
    class Meta:
        model = PrivacyNotice
        fields = [
            "version",
            "published_at",
            "text_sv",
            "text_en",
            "change_summary_sv",
            "change_summary_en",
        ]

    def clean(self):
        data = super().clean()
        if PrivacyNotice.objects.exists():  # every candidate kept is emailed the summary
            for name in ("change_summary_sv", "change_summary_en"):
                if not data.get(name, "").strip():
                    self.add_error(name, _("Say briefly what changed; candidates are emailed it."))
        return data


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(admin.ModelAdmin):
    """Publish new versions; a published version is never changed, since consents cite it.
    When a version comes into force, the worker emails its summary to every candidate
    whose application is kept, once."""

    form = PrivacyNoticeForm
    list_display = ["version", "published_at", "announced_at"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class NeedToKnowAdmin(ReadOnlyAdmin):
    """Personal data in the admin as on the recruiter pages: only the applications within
    the user's reach (hiring team, permissions), nothing of the person once they have
    restricted processing, and each page that shows an application written to the access
    log (ASVS 8.2.2). Held and due rows stay listed: support staff lift holds here."""

    reach_prefix = ""  # from this model to its application

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(within_reach(request.user, prefix=self.reach_prefix))
        )

    def application_of(self, obj) -> Application:
        for name in self.reach_prefix.split("__")[:-1]:
            obj = getattr(obj, name)
        return obj

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        shown = getattr(response, "context_data", {}).get("original")
        if request.method == "GET" and shown is not None:
            record_access(
                user=request.user,
                action=AccessEvent.Action.VIEW,
                public_ids=[self.application_of(shown).public_id],
            )
        return response


@admin.register(Application)
class ApplicationAdmin(NeedToKnowAdmin):
    """Read-only: applications change through the services. Deleting one erases it
    through the same engine as every deletion: file removed, tombstone written."""

    list_display = [
        "public_id",
        "opening",
        "stage",
        "submitted_at",
        "delete_after",
        "hold_reason",
        "hold_until",
    ]
    # The openings of the applications the user may see, not every title.
    list_filter = ["stage", ("opening", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["opening"]
    exclude = ["cv"]  # the file is served only by the access-checked recruiter view
    actions = ["place_legal_hold", "lift_legal_hold"]

    def get_exclude(self, request, obj=None):
        if obj is None:
            return self.exclude
        if obj.is_restricted:
            return [*self.exclude, *PERSONAL_FIELDS]
        # The recruiter pages' field policy: an interviewer sees no contact details.
        return [*self.exclude, *hidden_fields(deciding=can_decide_on(request.user, obj.opening))]

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("ats.delete_application")

    def delete_model(self, request, obj):
        self.delete_queryset(request, Application.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        erasure.erase_applications_now(applications=queryset, requested_by=request.user)

    def has_legal_hold_permission(self, request) -> bool:
        return request.user.has_perm("ats.set_legal_hold")

    @admin.action(description=_("Place on legal hold"), permissions=["legal_hold"])
    def place_legal_hold(self, request, queryset):
        form = LegalHoldForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            try:
                held = holds.place_legal_hold(
                    applications=queryset,
                    reason=form.cleaned_data["reason"],
                    until=form.cleaned_data["until"],
                    placed_by=request.user,
                )
            except holds.HoldError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(
                    request, _("%(count)d application(s) placed on legal hold.") % {"count": held}
                )
                return None
        return TemplateResponse(
            request,
            "admin/ats/application/legal_hold.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Place on legal hold"),
                "form": form,
                "applications": queryset,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Lift legal hold"), permissions=["legal_hold"])
    def lift_legal_hold(self, request, queryset):
        lifted = holds.lift_legal_hold(applications=queryset, lifted_by=request.user)
        self.message_user(
            request, _("Legal hold lifted on %(count)d application(s).") % {"count": lifted}
        )


class LegalHoldForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("The legal claim or case the applications may be needed for."),
        validators=[validate_one_line],
    )
    until = forms.DateTimeField(
        label=_("Ends"), required=False, help_text=_("Leave empty to hold until lifted.")
    )


@admin.register(DeletionRecord)
class DeletionRecordAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "kind", "reason", "due_at", "deleted_at", "files_deleted"]
    list_filter = ["reason", "kind"]
    search_fields = ["=public_id"]


@admin.register(PurgeClaim)
class PurgeClaimAdmin(ReadOnlyAdmin):
    """Applications a purge has claimed and not finished: its run was killed, or the
    storage refused the CV (the next run tries again). The address a receipt goes to
    is not shown."""

    list_display = ["public_id", "reason", "due_at", "claimed_at", "batch"]
    list_filter = ["reason"]
    search_fields = ["=public_id"]
    exclude = ["email", "language"]


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "user", "api_key", "api_key_made_by", "action", "public_id"]
    list_filter = ["action", "actor", ("user", admin.RelatedOnlyFieldListFilter), "api_key"]
    list_select_related = ["user", "api_key_made_by"]
    search_fields = ["=public_id"]  # every event of one application
    date_hierarchy = "at"


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(ReadOnlyAdmin):
    list_display = ["kind", "received_on", "deadline", "handled_at", "handled_by", "applications"]
    list_filter = ["kind"]
    exclude = ["email_hash"]


@admin.register(ApplicationStatistic)
class ApplicationStatisticAdmin(ReadOnlyAdmin):
    list_display = ["opening", "month", "stage", "applications"]
    list_filter = ["stage", "month"]


@admin.register(StageCount)
class StageCountAdmin(ReadOnlyAdmin):
    """Kept by the database's triggers; shown so support staff can compare with the lists."""

    list_display = ["opening_key", "stage", "applications"]
    list_filter = ["stage"]


@admin.register(DueCount)
class DueCountAdmin(ReadOnlyAdmin):
    """Kept by the database's triggers; shown so support staff can compare with the
    dashboard."""

    list_display = ["hour", "reason", "applications"]
    list_filter = ["reason"]


@admin.register(StageChange, Note, ScreeningAnswer, Score, Interview, MeritRequest)
class ApplicationHistoryAdmin(NeedToKnowAdmin):
    """Seen with their application on /recruit/; here read-only, under the same rule,
    and none of a restricted application's."""

    list_display = ["__str__", "application"]
    list_select_related = ["application"]
    reach_prefix = "application__"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(**{f"{self.reach_prefix}restricted_at__isnull": True})
        )


@admin.register(CandidateEmail)
class CandidateEmailAdmin(ApplicationHistoryAdmin):
    """What each candidate was sent, is waiting, or could not be delivered (and why)."""

    list_display = [
        "__str__",
        "application",
        "send_after",
        "sent_at",
        "undeliverable_at",
        "failure",
    ]
    list_filter = [("undeliverable_at", admin.EmptyFieldListFilter)]


@admin.register(InterviewSlot)
class InterviewSlotAdmin(ApplicationHistoryAdmin):
    list_display = ["__str__", "interview"]
    list_select_related = ["interview__application"]
    reach_prefix = "interview__application__"


@admin.register(LedgerHead)
class LedgerHeadAdmin(ReadOnlyAdmin):
    list_display = ["sequence", "sha256", "settled"]


class OutboxAdmin(ReadOnlyAdmin):
    """Emails the worker has yet to send, and those it could not deliver (with why), to
    see that the mail goes; the addresses stay hidden."""

    list_filter = [("undeliverable_at", admin.EmptyFieldListFilter)]
    outbox_fields = ["undeliverable_at", "failure"]

    def get_fields(self, request, obj=None):
        return [*self.list_display]


@admin.register(NoticeChangeEmail)
class NoticeChangeEmailAdmin(OutboxAdmin):
    list_display = ["notice", "language", *OutboxAdmin.outbox_fields]


@admin.register(LinkRequest)
class LinkRequestAdmin(OutboxAdmin):
    list_display = ["requested_at", *OutboxAdmin.outbox_fields]


@admin.register(ErasureReceipt)
class ErasureReceiptAdmin(OutboxAdmin):
    list_display = ["reason", "language", "deleted_at", *OutboxAdmin.outbox_fields]


@admin.register(Lease)
class LeaseAdmin(ReadOnlyAdmin):
    """Which worker's turn it is (the email drain), and until when."""

    list_display = fields = ["name", "until"]


@admin.register(StaffEmail)
class StaffEmailAdmin(OutboxAdmin):
    list_display = ["subject", "queued_at", *OutboxAdmin.outbox_fields]


def acting_user_field(db_field, request, **kwargs):
    """The "acts for" choice of a key or a subscription: only the users its maker may
    lend their reach to (selectors.access.may_act_for), the maker first."""
    if db_field.name != "user":
        return None
    return db_field.formfield(
        queryset=users_to_act_for(request.user), initial=request.user.pk, **kwargs
    )


class ApiKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"), choices=ApiScope.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiKey
        fields = ["name", "user", "scopes", "expires_at"]

    def clean(self):
        data = super().clean()
        if "scopes" in data and data.get("expires_at"):
            try:
                check_key_terms(
                    scopes=data["scopes"], expires_at=data["expires_at"], now=timezone.now()
                )
            except ApiKeyError as error:
                raise forms.ValidationError(str(error)) from error
        return data


class ActingForAdmin(admin.ModelAdmin):
    """Keys and subscriptions: a superuser's all of them; anyone else's only those they
    made or that act for them, so that nobody redirects another's reach (ASVS 8.2.1)."""

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        if request.user.is_superuser:
            return rows
        return rows.filter(Q(user=request.user) | Q(created_by=request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return acting_user_field(db_field, request, **kwargs) or super().formfield_for_foreignkey(
            db_field, request, **kwargs
        )


@admin.register(ApiKey)
class ApiKeyAdmin(ActingForAdmin):
    """Keys for the API. The key is shown once, when it is made; only a salted hash of
    it is kept. To revoke a key, delete it (or let it expire)."""

    form = ApiKeyForm
    list_display = ["name", "user", "created_by", "prefix", "scopes", "expires_at", "last_used_at"]
    list_select_related = ["user", "created_by"]
    readonly_fields = ["created_by", "prefix", "created_at", "last_used_at"]

    def get_readonly_fields(self, request, obj=None):
        # Who a key acts for is fixed once it exists: make a new key instead.
        return [*self.readonly_fields, "user"] if obj else []

    def get_fields(self, request, obj=None):
        return ["name", "user", "scopes", "expires_at"] + (
            list(self.readonly_fields) if obj else []
        )

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        key, secret = issue_api_key(
            name=obj.name,
            user=obj.user,
            created_by=request.user,
            scopes=form.cleaned_data["scopes"],
            expires_at=obj.expires_at,
        )
        obj.pk = key.pk
        messages.warning(
            request,
            _("The key for %(name)s, shown this once only: %(secret)s")
            % {"name": key.name, "secret": secret},
        )


@admin.register(IdempotentRequest)
class IdempotentRequestAdmin(ReadOnlyAdmin):
    """Creating writes by Idempotency-Key, kept ATS_API_IDEMPOTENCY_WINDOW."""

    list_display = fields = ["key", "api_key", "created_at", "answer"]
    list_select_related = ["api_key"]


class WebhookSubscriptionForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("events"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookSubscription
        fields = ["name", "url", "events", "user"]

    def clean(self):
        data = super().clean()
        if "events" in data and data.get("url"):
            try:
                check_subscription_terms(url=data["url"], events=data["events"])
            except SubscriptionError as error:
                raise forms.ValidationError(str(error)) from error
        return data


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(ActingForAdmin):
    """Systems told of events by signed POSTs. The signing secret is shown once, when
    the subscription is made. One that keeps failing is paused and its user emailed;
    "resume" sends again what it has not yet taken."""

    form = WebhookSubscriptionForm
    list_display = [
        "name", "url", "user", "created_by", "events", "paused_at", "failing_since", "log",
    ]  # fmt: skip
    list_select_related = ["user", "created_by"]
    readonly_fields = ["created_by", "created_at", "failing_since", "paused_at", "log"]
    actions = ["resume"]

    def get_readonly_fields(self, request, obj=None):
        # Who it acts for is fixed once it exists: what it may hear follows from them.
        return [*self.readonly_fields, "user"] if obj else []

    def get_fields(self, request, obj=None):
        return ["name", "url", "events", "user"] + (list(self.readonly_fields) if obj else [])

    @admin.display(description=_("delivery log"))
    def log(self, subscription: WebhookSubscription) -> str:
        url = reverse("admin:ats_webhookdelivery_changelist")
        return format_html(
            '<a href="{}?subscription__id__exact={}">{}</a>', url, subscription.pk, _("deliveries")
        )

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        made = create_subscription(
            name=obj.name,
            url=obj.url,
            events=form.cleaned_data["events"],
            user=obj.user,
            created_by=request.user,
        )
        obj.pk = made.pk
        messages.warning(
            request,
            _("The signing secret for %(name)s, shown this once only: %(secret)s")
            % {"name": made.name, "secret": made.secret},
        )

    @admin.action(description=_("Resume, and send again what was not delivered"))
    def resume(self, request, queryset):
        waiting = sum(resume_subscription(subscription=s) for s in queryset)
        messages.success(request, _("Resumed; %(count)d events to send.") % {"count": waiting})


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    """The delivery log: each event for each subscription, its attempts and last error.
    Ids only; never a person's data."""

    list_display = fields = [
        "subscription", "event", "event_id", "public_id", "opening_id", "occurred_at",
        "state", "attempts", "last_status", "last_error", "next_attempt_at",
    ]  # fmt: skip
    list_filter = ["subscription", "event"]
    list_select_related = ["subscription"]
    search_fields = ["=public_id", "=event_id"]

    @admin.display(description=_("state"))
    def state(self, delivery: WebhookDelivery) -> str:
        if delivery.delivered_at:
            return _("delivered")
        return _("given up") if delivery.gave_up_at else _("to send")
