"""The cadence in the console. Heads see everything and change only their function's
rituals and occurrences; every save goes through the services (door=console)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils import timezone

from cadence import services
from cadence.models import ActionItem, Decision, FeedToken, Occurrence, Ritual, Status
from revops import policy
from revops.admin import (
    GOVERN_ACTIONS,
    ConsoleModelAdmin,
    OwnedConsoleModelAdmin,
    ReadOnlyAdminMixin,
    site,
)
from revops.errors import Refused
from revops.models import Door, Function
from revops.words import counted

RITUAL_FORM_FIELDS = ["name", "horizon", "layer", "purpose", "owner", "owner_person",
                      "attendees", "duration_minutes", "output", "output_section", "agenda",
                      "timezone", "rrule", "active", "reminder_lead", "grace"]


class RitualAdminForm(forms.ModelForm):
    """Validates through the service's rules before the admin saves, so a bad schedule
    is a form error, not a server error."""

    class Meta:
        model = Ritual
        fields = RITUAL_FORM_FIELDS

    def clean(self):
        data = super().clean()
        candidate = Ritual(**{f: data.get(f) for f in services.RULE_FIELDS})
        for field, errors in services.ritual_rule_errors(
            candidate, starts_at=timezone.now()
        ).items():
            if field not in self.errors:
                self.add_error(field if field in self.fields else None, errors)
        return data


class OccurrenceInline(admin.TabularInline):
    model = Occurrence
    fields = ["scheduled_for", "status", "recorded_at", "recorded_by"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    ordering = ["-scheduled_for"]

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(status=Status.SCHEDULED)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ritual, site=site)
class RitualAdmin(OwnedConsoleModelAdmin):
    form = RitualAdminForm
    list_display = ["name", "horizon", "layer", "owner", "duration_minutes", "active",
                    "governed"]
    actions = GOVERN_ACTIONS
    list_filter = ["horizon", "layer", "owner", "active"]
    list_select_related = ["owner"]
    search_fields = ["name", "output"]
    fields = RITUAL_FORM_FIELDS
    filter_horizontal = ["attendees"]
    inlines = [OccurrenceInline]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if not policy.is_lead(request.user) and "owner" in form_class.base_fields:
            form_class.base_fields["owner"].queryset = Function.objects.filter(
                pk__in=policy.headed_function_ids(request.user))
        return form_class

    def save_model(self, request, obj, form, change):
        """Through the service: it validates the schedule and materializes occurrences.
        A service error is stored and shown by ``save_related``'s caller as a message."""
        fields = {f: form.cleaned_data[f] for f in RITUAL_FORM_FIELDS if f != "attendees"}
        self._attendees = list(form.cleaned_data.get("attendees") or [])
        if change:
            stored = Ritual.objects.get(pk=obj.pk)
            saved = services.ritual_update(ritual=stored, actor=request.user, door=Door.CONSOLE,
                                           attendees=self._attendees, **fields)
        else:
            saved = services.ritual_create(actor=request.user, door=Door.CONSOLE,
                                           attendees=self._attendees, **fields)
        obj.pk = saved.pk
        obj.__dict__.update({k: v for k, v in saved.__dict__.items() if not k.startswith("_")})

    def save_related(self, request, form, formsets, change):
        """Attendees were set by the service."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            for field, errors in getattr(exc, "message_dict", {"": exc.messages}).items():
                for error in errors:
                    self.message_user(request, f"{field}: {error}" if field else error,
                                      messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_model(self, request, obj):
        services.ritual_delete(ritual=obj, actor=request.user, door=Door.CONSOLE)

    def delete_queryset(self, request, queryset):
        kept = []
        for ritual in queryset:
            try:
                services.ritual_delete(ritual=ritual, actor=request.user, door=Door.CONSOLE)
            except ValidationError:
                kept.append(ritual.name)
        if kept:
            self.message_user(request, "Kept (they have a recorded history; deactivate them "
                                       f"instead): {', '.join(kept)}.", messages.WARNING)

    def has_delete_permission(self, request, obj=None):
        """Leads and the owning function's head delete a ritual without history (as in
        the API); one with history is deactivated instead."""
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or not obj.occurrences.exclude(status=Status.SCHEDULED).exists()

    def get_deleted_objects(self, objs, request):
        """A deletable ritual's occurrences are all still scheduled and go with it (the
        service deletes them): the occurrence console's own "no delete" is about one
        occurrence on its own, and must not block deleting the ritual."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        perms_needed.discard(Occurrence._meta.verbose_name)
        return deleted, counts, perms_needed, protected


@admin.action(description="Record as held")
def record_held(modeladmin, request, queryset):
    _record(modeladmin, request, queryset, Status.HELD)


@admin.action(description="Record as skipped")
def record_skipped(modeladmin, request, queryset):
    _record(modeladmin, request, queryset, Status.SKIPPED)


def _record(modeladmin, request, queryset, status):
    done, refused = 0, []
    for occurrence in queryset.select_related("ritual"):
        try:
            services.occurrence_record(occurrence=occurrence, status=status,
                                       notes=occurrence.notes, actor=request.user,
                                       door=Door.CONSOLE)
            done += 1
        except Refused:
            refused.append(f"{occurrence} (not your function's)")
        except ValidationError as exc:
            refused.append(f"{occurrence}: {' '.join(exc.messages)}")
    if done:
        modeladmin.message_user(request, f"Recorded {counted(done, 'occurrence')} as {status}.",
                                messages.SUCCESS)
    if refused:
        modeladmin.message_user(request, "Not recorded: " + "; ".join(refused), messages.ERROR)


@admin.register(Occurrence, site=site)
class OccurrenceAdmin(OwnedConsoleModelAdmin):
    """Occurrences are made by the schedule and changed by recording them (actions)."""

    list_display = ["ritual", "scheduled_for", "status", "recorded_at", "recorded_by"]
    list_filter = ["status", "ritual__horizon", "ritual__owner"]
    list_select_related = ["ritual", "ritual__owner", "recorded_by"]
    date_hierarchy = "scheduled_for"
    search_fields = ["ritual__name", "notes"]
    readonly_fields = ["ritual", "scheduled_for", "status", "notes", "reviewed_sections",
                       "recorded_at", "recorded_by", "reminded_at"]
    fields = readonly_fields
    actions = [record_held, record_skipped]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # The change form is read-only; the actions do the recording and check each row.
        return obj is None and policy.can_create_owned(request.user)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not policy.can_create_owned(request.user):
            actions.pop("record_held", None)
            actions.pop("record_skipped", None)
        return actions


@admin.action(description="Mark done")
def mark_done(modeladmin, request, queryset):
    done, refused = 0, []
    for item in queryset.select_related("ritual"):
        try:
            services.action_complete(action=item, actor=request.user, door=Door.CONSOLE)
            done += 1
        except Refused:
            refused.append(f"“{item}” (not yours, nor your function's ritual's)")
        except ValidationError as exc:
            refused.append(f"“{item}”: {' '.join(exc.messages)}")
    if done:
        modeladmin.message_user(request, f"Marked {counted(done, 'action item')} done.",
                                messages.SUCCESS)
    if refused:
        modeladmin.message_user(request, "Not marked: " + "; ".join(refused), messages.ERROR)


@admin.register(ActionItem, site=site)
class ActionItemAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    """Action items are made by recording an occurrence and closed by the action here
    (checked per item by the service), on the occurrence's page or through the API."""

    list_display = ["text", "ritual", "owner", "due", "state", "closed_at", "closed_by"]
    list_filter = ["state", "ritual__owner", "ritual"]
    list_select_related = ["ritual", "owner", "closed_by"]
    date_hierarchy = "due"
    search_fields = ["text", "owner__username", "ritual__name"]
    readonly_fields = ["ritual", "occurrence", "text", "owner", "due", "state", "created_at",
                       "closed_at", "closed_by", "drop_reason"]
    fields = readonly_fields
    actions = [mark_done]


@admin.register(Decision, site=site)
class DecisionAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    list_display = ["text", "ritual", "owner", "revisit_on", "created_at"]
    list_filter = ["owner", "ritual"]
    list_select_related = ["ritual", "owner"]
    search_fields = ["text", "ritual__name"]
    readonly_fields = ["ritual", "occurrence", "text", "owner", "revisit_on",
                       "revisit_raised_at", "section", "definition", "raci_row",
                       "linked_ritual", "created_at"]
    fields = readonly_fields


@admin.register(FeedToken, site=site)
class FeedTokenAdmin(ConsoleModelAdmin):
    list_display = ["user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "prefix", "created_at", "last_used_at", "revoked_at"]
    exclude = ["digest"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_revoke_permission(self, request):
        return policy.can_administer(request.user)

    @admin.action(description="Revoke", permissions=["revoke"])
    def revoke(self, request, queryset):
        services.feed_tokens_revoke(tokens=queryset, actor=request.user, door=Door.CONSOLE)
