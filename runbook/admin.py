"""The run book in the console. Heads see everything and change only the sections
their function owns; every save and action goes through the services (door=console)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone

from revops import policy
from revops.admin import (
    GOVERN_ACTIONS,
    ConsoleModelAdmin,
    OwnedConsoleModelAdmin,
    ReadOnlyAdminMixin,
    site,
)
from revops.errors import Refused
from revops.models import Door
from revops.words import counted
from runbook import rules, services
from runbook.models import (
    Agreement,
    Concern,
    Definition,
    DefinitionRevision,
    Release,
    ReleaseSection,
    Review,
    Revision,
    Runbook,
    Section,
    StaleFlag,
)


@admin.register(Runbook, site=site)
class RunbookAdmin(ConsoleModelAdmin):
    list_display = ["title", "motion", "is_default", "version", "governed", "created_at"]
    fields = ["title", "motion", "is_default", "version"]
    readonly_fields = ["version"]
    actions = GOVERN_ACTIONS

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in ("title", "motion", "is_default")}
        if change:
            # The form already copied its values onto ``obj``: hand the service the stored row.
            stored = Runbook.objects.get(pk=obj.pk)
            services.runbook_update(runbook=stored, actor=request.user, door=Door.CONSOLE, **data)
        else:
            obj.pk = services.runbook_create(actor=request.user, door=Door.CONSOLE, **data).pk


@admin.action(description="Mark reviewed")
def mark_reviewed(modeladmin, request, queryset):
    done, refused = 0, []
    for section in queryset.select_related("owner"):
        try:
            services.section_review(section=section, actor=request.user, door=Door.CONSOLE,
                                    note="Reviewed in the console")
        except Refused:
            refused.append(section.title)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, f"Marked {counted(done, 'section')} reviewed.",
                                messages.SUCCESS)
    if refused:
        modeladmin.message_user(
            request,
            f"Not yours to review: {', '.join(refused)}.",
            messages.ERROR,
        )


class ReviewInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Review
    fields = ["reviewed_at", "reviewer", "revision_number", "door", "note"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    ordering = ["-reviewed_at"]
    show_change_link = True


def _section_changes(form):
    data = {"title": form.cleaned_data.get("title")}
    if "owner" in form.cleaned_data:
        data["owner"] = form.cleaned_data["owner"]
    return data


class SectionAdminForm(forms.ModelForm):
    """Runs ``services.validate_section_update`` so a refused change shows on the form."""

    class Meta:
        model = Section
        fields = ["title", "owner"]

    def clean(self):
        cleaned = super().clean()
        if self.errors or self.instance.pk is None:
            return cleaned
        stored = Section.objects.select_related("owner").get(pk=self.instance.pk)
        try:
            services.validate_section_update(section=stored, **_section_changes(self))
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
            else:
                self.add_error(None, error)
        return cleaned


@admin.register(Section, site=site)
class SectionAdmin(OwnedConsoleModelAdmin):
    list_display = ["title", "runbook", "owner", "revision", "last_reviewed_on",
                    "last_reviewed_by", "state"]
    list_filter = ["runbook", "kind", "owner"]
    list_select_related = ["runbook", "owner", "last_reviewed_by"]
    search_fields = ["title"]
    fields = ["runbook", "kind", "title", "owner", "revision", "last_reviewed_at",
              "last_reviewed_by", "last_reviewed_revision"]
    readonly_fields = ["runbook", "kind", "revision", "last_reviewed_at", "last_reviewed_by",
                       "last_reviewed_revision"]
    actions = [mark_reviewed, *GOVERN_ACTIONS]
    inlines = [ReviewInline]

    @admin.display(description="State")
    def state(self, section):
        return rules.review_state(section.last_reviewed_on, timezone.localdate()).label

    def has_add_permission(self, request):
        return False  # sections come with their run book

    def get_readonly_fields(self, request, obj=None):
        readonly = list(self.readonly_fields)
        if not policy.can_hand_over(request.user):
            readonly.append("owner")  # handing a section away is for leads
        return readonly

    form = SectionAdminForm

    def save_model(self, request, obj, form, change):
        # The form's clean() already ran the service's checks: errors re-render the form.
        stored = Section.objects.select_related("owner").get(pk=obj.pk)
        services.section_update(
            section=stored, actor=request.user, door=Door.CONSOLE, **_section_changes(form)
        )


@admin.register(Revision, site=site)
class RevisionAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    list_display = ["section", "number", "summary", "created_at", "created_by", "door"]
    list_filter = ["section__runbook", "section__kind", "door"]
    list_select_related = ["section__runbook", "created_by"]
    fields = ["section", "number", "base_number", "summary", "created_at", "created_by", "door",
              "body"]
    readonly_fields = fields


@admin.register(Review, site=site)
class ReviewAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    list_display = ["section", "reviewed_at", "reviewer", "revision_number", "door", "note"]
    list_filter = ["door", "section__kind"]
    list_select_related = ["section__runbook", "reviewer"]
    readonly_fields = ["section", "revision_number", "reviewed_at", "reviewed_on", "reviewer",
                       "door", "note"]


@admin.display(boolean=True, description="Open")
def is_open(flag_or_concern):
    return flag_or_concern.is_open


@admin.register(StaleFlag, site=site)
class StaleFlagAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    list_display = ["section", "state", "raised_on", "last_reviewed_on", is_open, "closed_at",
                    "escalated_to", "escalated_at"]
    list_filter = ["state", ("closed_at", admin.EmptyFieldListFilter),
                   ("escalated_at", admin.EmptyFieldListFilter)]
    list_select_related = ["section__runbook", "escalated_to"]
    readonly_fields = ["section", "state", "raised_at", "raised_on", "last_reviewed_on",
                       "closed_at", "closed_by", "escalated_to", "escalated_at"]


@admin.register(Concern, site=site)
class ConcernAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    """Readers' concerns, to read: they are raised on the section page or the API and
    answered by reviewing or revising the section."""

    list_display = ["section", "raised_at", "raised_by", "reason", is_open, "resolved_at",
                    "resolved_by", "answer"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter), "section__kind"]
    list_select_related = ["section__runbook", "raised_by", "resolved_by"]
    search_fields = ["reason", "answer"]
    readonly_fields = ["section", "raised_at", "raised_by", "door", "reason", "resolved_at",
                       "resolved_by", "answer"]


class ReleaseSectionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ReleaseSection
    fields = ["section", "revision", "review_state", "last_reviewed_on", "last_reviewed_by_name"]
    readonly_fields = fields
    extra = 0


@admin.register(Release, site=site)
class ReleaseAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    list_display = ["runbook", "number", "name", "created_at", "created_by"]
    list_select_related = ["runbook", "created_by"]
    readonly_fields = ["runbook", "number", "name", "note", "created_at", "created_by"]
    inlines = [ReleaseSectionInline]


# Definitions ----------------------------------------------------------------------------


@admin.action(description="Mark reviewed")
def mark_definitions_reviewed(modeladmin, request, queryset):
    done, refused = 0, []
    for definition in queryset.select_related("owner"):
        try:
            services.definition_review(definition=definition, actor=request.user,
                                       door=Door.CONSOLE, note="Reviewed in the console")
        except Refused:
            refused.append(definition.term)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, f"Marked {counted(done, 'definition')} reviewed.",
                                messages.SUCCESS)
    if refused:
        modeladmin.message_user(request, f"Not yours to review: {', '.join(refused)}.",
                                messages.ERROR)


@admin.action(description="Agree to the current revision (for the function you head)")
def agree_to_definitions(modeladmin, request, queryset):
    done, refused = [], []
    for definition in queryset:
        try:
            services.definition_agree(definition=definition, actor=request.user,
                                      door=Door.CONSOLE)
        except (Refused, ValidationError) as error:
            refused.append(f"{definition.term} ({' '.join(getattr(error, 'messages', []))})"
                           if isinstance(error, ValidationError) else definition.term)
        else:
            done.append(definition.term)
    if done:
        modeladmin.message_user(request, f"Agreed to {', '.join(done)}.", messages.SUCCESS)
    if refused:
        modeladmin.message_user(request, f"Not agreed: {', '.join(refused)}.", messages.ERROR)


class DefinitionRevisionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DefinitionRevision
    fields = ["number", "created_at", "created_by", "summary", "formula", "door"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    ordering = ["-number"]


class AgreementInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Agreement
    fields = ["function", "revision_number", "agreed_at", "agreed_by", "door"]
    readonly_fields = fields
    extra = 0
    max_num = 0


@admin.register(Definition, site=site)
class DefinitionAdmin(ConsoleModelAdmin):
    """Definitions to read, review and agree to from the console; they are written and
    revised on their page or through the API (a revision needs the text it is based on)."""

    list_display = ["term", "layer", "owner", "revision", "last_reviewed_on", "state",
                    "governed"]
    list_filter = ["layer", "owner"]
    list_select_related = ["owner"]
    search_fields = ["term", "formula"]
    fields = ["term", "slug", "layer", "owner", "formula", "section", "revision",
              "last_reviewed_at", "last_reviewed_by", "last_reviewed_revision"]
    readonly_fields = fields
    actions = [mark_definitions_reviewed, agree_to_definitions, *GOVERN_ACTIONS]
    inlines = [DefinitionRevisionInline, AgreementInline]

    @admin.display(description="State")
    def state(self, definition):
        return rules.review_state(definition.last_reviewed_on, timezone.localdate()).label

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # every field is read-only here; the actions ask the services
