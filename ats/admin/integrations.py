"""API keys and webhook subscriptions in the admin, each acting for one user, and
their logs (remembered answers, deliveries) read-only."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..forms.recruit import StaffChoiceField
from ..models import (
    ApiKey,
    ApiScope,
    IdempotentRequest,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from ..selectors.access import users_to_act_for
from ..services.api_keys import ApiKeyError, check_key_terms, issue_api_key
from ..services.webhooks import (
    SubscriptionError,
    check_subscription_terms,
    create_subscription,
    resume_subscription,
)
from ..staff import by_name
from .base import ReadOnlyAdmin


def acting_user_field(db_field, request, **kwargs):
    """The "acts for" choice of a key or a subscription: only the users its maker may
    lend their reach to (selectors.access.may_act_for), the maker first."""
    if db_field.name != "user":
        return None
    return db_field.formfield(
        form_class=StaffChoiceField,  # by full name
        queryset=by_name(users_to_act_for(request.user)),
        initial=request.user.pk,
        **kwargs,
    )


class ActingForAdmin(admin.ModelAdmin):
    """Keys and subscriptions: a superuser's all of them; anyone else's only those they
    made or that act for them, so that nobody redirects another's reach (ASVS 8.2.1).
    One is made by its service (`make`, which shows its secret once), with the form's
    fields; who it acts for is fixed once it exists."""

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        if request.user.is_superuser:
            return rows
        return rows.filter(Q(user=request.user) | Q(created_by=request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return acting_user_field(db_field, request, **kwargs) or super().formfield_for_foreignkey(
            db_field, request, **kwargs
        )

    def get_readonly_fields(self, request, obj=None):
        # What it may reach follows from its user: for another, make a new one.
        return [*self.readonly_fields, "user"] if obj else []

    def get_fields(self, request, obj=None):
        return self.form.Meta.fields + (list(self.readonly_fields) if obj else [])

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            obj.pk = self.make(request, obj, form).pk


class TermsForm(forms.ModelForm):
    """A key's or a subscription's form, whose `terms` the service that makes it checks
    first (`check_terms`): its refusal (`refusal`) is the form's error."""

    terms: tuple[str, ...]
    refusal: type[Exception]

    def clean(self):
        data = super().clean()
        if all(data.get(name) for name in self.terms):
            try:
                self.check_terms(**{name: data[name] for name in self.terms})
            except self.refusal as error:
                raise forms.ValidationError(str(error)) from error
        return data


class ApiKeyForm(TermsForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"), choices=ApiScope.choices, widget=forms.CheckboxSelectMultiple
    )
    terms, refusal = ("scopes", "expires_at"), ApiKeyError

    class Meta:
        model = ApiKey
        fields = ["name", "user", "scopes", "expires_at"]

    def check_terms(self, **terms) -> None:
        check_key_terms(**terms, now=timezone.now())


@admin.register(ApiKey)
class ApiKeyAdmin(ActingForAdmin):
    """Keys for the API. The key is shown once, when it is made; only a salted hash of
    it is kept. To revoke a key, delete it (or let it expire)."""

    form = ApiKeyForm
    list_display = ["name", "user", "created_by", "prefix", "scopes", "expires_at", "last_used_at"]
    list_select_related = ["user", "created_by"]
    readonly_fields = ["created_by", "prefix", "created_at", "last_used_at"]

    def make(self, request, obj, form) -> ApiKey:
        key, secret = issue_api_key(
            name=obj.name,
            user=obj.user,
            created_by=request.user,
            scopes=form.cleaned_data["scopes"],
            expires_at=obj.expires_at,
        )
        messages.warning(
            request,
            _("The key for %(name)s, shown this once only: %(secret)s")
            % {"name": key.name, "secret": secret},
        )
        return key


@admin.register(IdempotentRequest)
class IdempotentRequestAdmin(ReadOnlyAdmin):
    """Creating writes by Idempotency-Key, kept ATS_API_IDEMPOTENCY_WINDOW."""

    list_display = fields = ["key", "api_key", "created_at", "answer"]
    list_select_related = ["api_key"]


class WebhookSubscriptionForm(TermsForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("events"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )
    terms, refusal = ("url", "events"), SubscriptionError

    class Meta:
        model = WebhookSubscription
        fields = ["name", "url", "events", "user"]

    def check_terms(self, **terms) -> None:
        check_subscription_terms(**terms)


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

    @admin.display(description=_("delivery log"))
    def log(self, subscription: WebhookSubscription) -> str:
        url = reverse("admin:ats_webhookdelivery_changelist")
        return format_html(
            '<a href="{}?subscription__id__exact={}">{}</a>', url, subscription.pk, _("deliveries")
        )

    def make(self, request, obj, form) -> WebhookSubscription:
        made = create_subscription(
            name=obj.name,
            url=obj.url,
            events=form.cleaned_data["events"],
            user=obj.user,
            created_by=request.user,
        )
        messages.warning(
            request,
            _("The signing secret for %(name)s, shown this once only: %(secret)s")
            % {"name": made.name, "secret": made.secret},
        )
        return made

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
