"""The console: Django admin branded for function heads and RevOps leads."""

from functools import update_wrapper

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.db import models, transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone

from revops import audit, governance, policy, registry, seats, selectors, services
from revops.errors import Refused
from revops.forms import ChannelForm, zone_choices
from revops.models import (
    ApiToken,
    AuditEntry,
    Channel,
    Door,
    Function,
    Mail,
    Profile,
    SlackMessage,
    Webhook,
    WebhookDelivery,
)
from revops.words import counted


class RevOpsConsole(admin.AdminSite):
    site_header = "RevOps console"
    site_title = "RevOps console"
    index_title = "Your operating model"

    def has_permission(self, request):
        return policy.is_active_user(request.user) and (
            request.user.is_staff or policy.is_lead(request.user)
        )

    def admin_view(self, view, cacheable=False):
        """A signed-in person who may not use the console is told so (403), rather than
        sent to the console's sign-in as if a different account would help; a signed-out
        visitor still goes to the sign-in."""
        guarded = super().admin_view(view, cacheable)

        def refuse_or_view(request, *args, **kwargs):
            if policy.is_active_user(request.user) and not self.has_permission(request):
                return TemplateResponse(request, "admin/refused.html",
                                        {"reason": policy.CONSOLE_REFUSED}, status=403)
            return guarded(request, *args, **kwargs)

        return update_wrapper(refuse_or_view, guarded)


    def index(self, request, extra_context=None):
        # A function head's to-do reads every app: the top layer fills in the slot.
        todo = next(iter(registry.panels("console.todo", user=request.user,
                                         today=timezone.localdate())), None)
        extra = {"todo": todo, "now": timezone.now()}
        return super().index(request, {**extra, **(extra_context or {})})


site = RevOpsConsole(name="admin")


def _set_governed(modeladmin, request, queryset, governed):
    """Change control's flag, set by a lead (the service refuses anyone else)."""
    items = list(queryset)
    try:
        for item in items:
            governance.governed_set(item=item, governed=governed, actor=request.user,
                                    door=Door.CONSOLE)
    except Refused as refusal:
        modeladmin.message_user(request, str(refusal), messages.ERROR)
        return
    now = "governed: changed only through proposals" if governed else "no longer governed"
    meta = queryset.model._meta
    modeladmin.message_user(
        request, f"{counted(len(items), str(meta.verbose_name), str(meta.verbose_name_plural))} "
                 f"{now}.",
        messages.SUCCESS)


@admin.action(description="Govern: change only through proposals")
def govern(modeladmin, request, queryset):
    _set_governed(modeladmin, request, queryset, True)


@admin.action(description="Stop governing: allow direct edits")
def ungovern(modeladmin, request, queryset):
    _set_governed(modeladmin, request, queryset, False)


GOVERN_ACTIONS = [govern, ungovern]


class ConsoleModelAdmin(admin.ModelAdmin):
    """Reads for every console user; writes for RevOps leads unless a subclass says more."""

    def has_module_permission(self, request):
        return site.has_permission(request)

    def has_view_permission(self, request, obj=None):
        return site.has_permission(request)

    def has_add_permission(self, request):
        return policy.can_administer(request.user)

    def has_change_permission(self, request, obj=None):
        return policy.can_administer(request.user)

    def has_delete_permission(self, request, obj=None):
        return policy.can_administer(request.user)


class ReadOnlyAdminMixin:
    """History (audit, revisions, reviews, sign-offs…) is written by services only:
    the console shows it and never edits it."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LeadKeptAsMessage:
    """A console save that would leave nobody with lead rights (``seats.NoLeadLeft``) is
    rolled back whole and said so on the page it came from."""

    def _kept(self, view, request, *args, **kwargs):
        try:
            with transaction.atomic():
                return view(request, *args, **kwargs)
        except seats.NoLeadLeft as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, *args, **kwargs):
        return self._kept(super().changeform_view, request, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        return self._kept(super().delete_view, request, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        return self._kept(super().changelist_view, request, *args, **kwargs)


class KeepsALead(LeadKeptAsMessage):
    """People and groups carry lead rights (a superuser, a member of the leads group):
    Django's own save of them is followed by the core's check
    (``seats.require_a_lead_remains``) in the same transaction."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        seats.require_a_lead_remains()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        seats.require_a_lead_remains()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        seats.require_a_lead_remains()


@admin.register(Function, site=site)
class FunctionAdmin(LeadKeptAsMessage, ConsoleModelAdmin):
    """A function and its seat: the head holds it, the deputy backs them up."""

    list_display = ["name", "slug", "position", "head", "deputy", "vacant_since"]
    list_select_related = ["head", "deputy"]
    fields = ["slug", "name", "position", "head", "deputy"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in {"head", "deputy"}:
            kwargs["queryset"] = User.objects.filter(is_active=True).order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return ["slug"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in ("name", "position", "head", "deputy")}
        if change:
            stored = Function.objects.get(pk=obj.pk)
            services.function_update(actor=request.user, door=Door.CONSOLE, function=stored,
                                     **data)
        else:
            obj.pk = services.function_create(
                actor=request.user, door=Door.CONSOLE, slug=form.cleaned_data["slug"], **data
            ).pk


@admin.register(AuditEntry, site=site)
class AuditEntryAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    list_display = ["at", "actor_name", "door", "action", "object_type", "object_repr"]
    list_filter = ["door", "object_type", "action"]
    search_fields = ["object_repr", "actor_name"]
    date_hierarchy = "at"

    def get_queryset(self, request):
        return selectors.audit_shown_to(super().get_queryset(request), reader=request.user)

    def get_search_results(self, request, queryset, search_term):
        found, duplicates = super().get_search_results(request, queryset, search_term)
        return selectors.audit_search_for(request.user, found, search_term), duplicates


class LeadsOnly:
    """Managed and seen by RevOps leads only (people, groups, tokens, webhooks)."""

    def has_module_permission(self, request):
        return policy.can_administer(request.user)

    def has_view_permission(self, request, obj=None):
        return policy.can_administer(request.user)

    has_add_permission = has_module_permission

    def has_change_permission(self, request, obj=None):
        return policy.can_administer(request.user)

    has_delete_permission = has_change_permission


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["user", "name", "scope", "expires_at"]


@admin.register(ApiToken, site=site)
class ApiTokenAdmin(LeadsOnly, ConsoleModelAdmin):
    """Leads make tokens for integrations' users here; the token is shown once."""

    form = ApiTokenForm
    list_display = ["name", "user", "prefix", "scope", "created_at", "expires_at",
                    "last_used_at", "revoked_at"]
    list_select_related = ["user"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["user", "name", "scope", "expires_at", "prefix", "created_at",
                "last_used_at", "revoked_at"]

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj) or ApiTokenForm.Meta.fields

    def save_model(self, request, obj, form, change):
        if change:
            return
        token, raw = services.api_token_create(
            actor=request.user, door=Door.CONSOLE, **form.cleaned_data
        )
        obj.pk, obj.prefix, obj.user = token.pk, token.prefix, token.user
        self.message_user(
            request, f"Token for {token.user}: {raw} — copy it now, it is not shown again.",
            messages.WARNING,
        )

    def has_revoke_permission(self, request):
        return policy.can_administer(request.user)

    @admin.action(description="Revoke selected tokens", permissions=["revoke"])
    def revoke(self, request, queryset):
        services.api_tokens_revoke(actor=request.user, door=Door.CONSOLE, tokens=queryset)
        self.message_user(request, f"Revoked {counted(queryset.count(), 'token')}.",
                          messages.SUCCESS)


@admin.register(Webhook, site=site)
class WebhookAdmin(LeadsOnly, ConsoleModelAdmin):
    """Leads only: a webhook's secret must not be shown to anyone else."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["url", "active", "created_at"]
    fields = ["url", "events", "secret", "active"]

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in ("url", "events", "secret", "active")}
        if change:
            stored = Webhook.objects.get(pk=obj.pk)
            services.webhook_update(actor=request.user, door=Door.CONSOLE, webhook=stored, **data)
        else:
            obj.pk = services.webhook_create(actor=request.user, door=Door.CONSOLE, **data).pk


@admin.register(Channel, site=site)
class ChannelAdmin(LeadsOnly, ConsoleModelAdmin):
    """Leads only: a Slack channel's URL is its secret. Writes go through the services
    (policy and audit), deletes too."""

    form = ChannelForm
    list_display = ["name", "kind", "target", "layers_shown", "active", "created_at"]
    list_filter = ["kind", "active"]

    @admin.display(description="layers")
    def layers_shown(self, channel):
        return ", ".join(channel.layer_labels) or "Every layer"

    def save_model(self, request, obj, form, change):
        data = form.channel_fields()
        if change:
            stored = Channel.objects.get(pk=obj.pk)
            services.channel_update(actor=request.user, door=Door.CONSOLE, channel=stored,
                                    **data)
        else:
            obj.pk = services.channel_create(actor=request.user, door=Door.CONSOLE,
                                             kind=form.cleaned_data["kind"], **data).pk

    def delete_model(self, request, obj):
        services.channel_delete(actor=request.user, door=Door.CONSOLE, channel=obj)

    def delete_queryset(self, request, queryset):
        for channel in queryset:
            self.delete_model(request, channel)


class OutboxAdmin(ReadOnlyAdminMixin, LeadsOnly, ConsoleModelAdmin):
    """What left, what is waiting and what was given up: read only (the outbox's drain
    writes it). Leads only: webhook URLs and e-mail bodies are not for everyone."""

    list_filter = [("gave_up_at", admin.EmptyFieldListFilter)]
    date_hierarchy = "created_at"

    @admin.display(description="state")
    def state(self, row):
        return row.state


@admin.register(WebhookDelivery, site=site)
class WebhookDeliveryAdmin(OutboxAdmin):
    list_display = ["event", "webhook", "state", "attempts", "response_status",
                    "next_attempt_at"]
    list_filter = ["event", ("delivered_at", admin.EmptyFieldListFilter),
                   *OutboxAdmin.list_filter]
    list_select_related = ["webhook"]
    readonly_fields = ["event", "event_id", "webhook", "payload", "state", "attempts",
                       "response_status", "error", "created_at", "last_attempt_at",
                       "next_attempt_at", "delivered_at", "gave_up_at"]
    fields = readonly_fields


@admin.register(SlackMessage, site=site)
class SlackMessageAdmin(OutboxAdmin):
    list_display = ["event", "channel", "state", "attempts", "response_status",
                    "next_attempt_at"]
    list_filter = ["event", ("delivered_at", admin.EmptyFieldListFilter),
                   *OutboxAdmin.list_filter]
    list_select_related = ["channel"]
    readonly_fields = ["event", "channel", "payload", "state", "attempts", "response_status",
                       "error", "created_at", "last_attempt_at", "next_attempt_at",
                       "delivered_at", "gave_up_at"]
    fields = readonly_fields


@admin.register(Mail, site=site)
class MailAdmin(OutboxAdmin):
    list_display = ["subject", "to", "state", "attempts", "next_attempt_at"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter), *OutboxAdmin.list_filter]
    readonly_fields = ["to", "subject", "body", "html", "state", "attempts", "error", "created_at",
                       "last_attempt_at", "next_attempt_at", "sent_at", "gave_up_at"]
    fields = readonly_fields


@admin.register(User, site=site)
class ConsoleUserAdmin(KeepsALead, LeadsOnly, UserAdmin):
    """Django's own forms for people, with the audit entry every other door writes: a
    name, an address or whether they can sign in changes what pages say of the model."""

    audited = ["username", "first_name", "last_name", "email", "is_active", "is_staff",
               "is_superuser"]

    def save_model(self, request, obj, form, change):
        before = audit.snapshot(User.objects.get(pk=obj.pk), self.audited) if change else {}
        super().save_model(request, obj, form, change)
        audit.record(actor=request.user, door=Door.CONSOLE,
                     action="update" if change else "create", obj=obj,
                     changes=audit.changes_between(before, audit.snapshot(obj, self.audited)))

    def delete_model(self, request, obj):
        audit.record(actor=request.user, door=Door.CONSOLE, action="delete", obj=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        audit.record_many(actor=request.user, door=Door.CONSOLE, action="delete",
                          changes_by_object=[(person, {}) for person in queryset])
        super().delete_queryset(request, queryset)


class ProfileForm(forms.ModelForm):
    time_zone = forms.CharField(widget=forms.Select(choices=zone_choices),
                                help_text=Profile._meta.get_field("time_zone").help_text)

    class Meta:
        model = Profile
        fields = ["user", "time_zone"]


@admin.register(Profile, site=site)
class ProfileAdmin(LeadsOnly, ConsoleModelAdmin):
    """Leads set anyone's zone here (people set their own on their profile page);
    the service validates the zone and writes the audit entry."""

    form = ProfileForm
    list_display = ["user", "time_zone"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]

    def get_readonly_fields(self, request, obj=None):
        return ["user"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.pk = services.profile_update(
            actor=request.user, door=Door.CONSOLE, user=obj.user,
            time_zone=form.cleaned_data["time_zone"]).pk


@admin.register(Group, site=site)
class ConsoleGroupAdmin(KeepsALead, LeadsOnly, GroupAdmin):
    pass


class OwnedConsoleModelAdmin(ConsoleModelAdmin):
    """For objects that belong to a function (``owning_function_id``): every console
    user reads them all; a head changes only their own function's, leads change all.
    The check runs per object, and the owner choices of a head are their own functions,
    so a crafted POST can neither change another function's object nor give one away.
    """

    owner_field = "owner"

    def _may_change_some(self, request):
        return policy.can_create_owned(request.user)

    def has_add_permission(self, request):
        return self._may_change_some(request)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return self._may_change_some(request)
        return policy.can_change(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == self.owner_field and not policy.is_lead(request.user):
            kwargs["queryset"] = Function.objects.filter(
                pk__in=policy.headed_function_ids(request.user)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
