"""The console's RACI: leads change matrices and rows (through the services); function
heads read them and sign off for their function with an admin action."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count

from raci import rules, selectors, services
from raci.forms import LETTER_CHOICES
from raci.models import Matrix, Row, SignOff
from revops import policy
from revops.admin import GOVERN_ACTIONS, ConsoleModelAdmin, ReadOnlyAdminMixin, site
from revops.errors import Refused
from revops.models import Door, Function


@admin.register(Matrix, site=site)
class MatrixAdmin(ConsoleModelAdmin):
    list_display = ["title", "version", "is_current", "row_count", "signed_functions",
                    "governed"]
    fields = ["title", "is_current", "version"]
    readonly_fields = ["version"]
    actions = ["sign_off", *GOVERN_ACTIONS]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            n_rows=Count("rows", distinct=True)
        )

    @admin.display(description="rows", ordering="n_rows")
    def row_count(self, obj):
        return obj.n_rows

    @admin.display(description="signed off (current version)")
    def signed_functions(self, obj):
        names = [s.function.name for s in selectors.signoff_status(obj) if s.signed_current]
        return ", ".join(names) or "—"

    def has_delete_permission(self, request, obj=None):
        return False

    def has_signoff_permission(self, request):
        return policy.is_head(request.user)

    @admin.action(description="Sign off the current version for the function I head",
                  permissions=["signoff"])
    def sign_off(self, request, queryset):
        headed = list(Function.objects.filter(head=request.user))
        for matrix in queryset:
            for function in headed:
                try:
                    signoff = services.signoff_create(
                        matrix=matrix, function=function, actor=request.user, door=Door.CONSOLE
                    )
                except (Refused, ValidationError) as exc:
                    self.message_user(request, f"{matrix}: {exc}", messages.ERROR)
                else:
                    self.message_user(
                        request,
                        f"{function.name} signed off {matrix.title} version {signoff.version}.",
                        messages.SUCCESS,
                    )

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            services.matrix_update(matrix=obj, title=data["title"],
                                   is_current=data["is_current"], actor=request.user,
                                   door=Door.CONSOLE)
        else:
            made = services.matrix_create(title=data["title"], is_current=data["is_current"],
                                          actor=request.user, door=Door.CONSOLE)
            obj.pk = made.pk


class RowAdminForm(forms.ModelForm):
    """The row's fields and one letter per function; the A rule is checked here so the
    console shows it as a form error, and held again by the service and the database."""

    class Meta:
        model = Row
        fields = ["matrix", "layer", "name", "description", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.functions = list(Function.objects.ordered())
        letters = {}
        if self.instance.pk:
            row = selectors.rows_for_grid().get(pk=self.instance.pk)
            letters = selectors.letters_of(row)
        for function in self.functions:
            self.fields[f"letter_{function.slug}"] = forms.ChoiceField(
                label=f"{function.name}", choices=LETTER_CHOICES, required=False,
                initial=letters.get(function.slug, ""),
            )
        if self.instance.pk and "matrix" in self.fields:
            self.fields["matrix"].disabled = True

    def cells(self):
        return {f.slug: self.cleaned_data.get(f"letter_{f.slug}", "") for f in self.functions}

    def clean(self):
        cleaned = super().clean()
        names = {f.slug: f.name for f in self.functions}
        try:
            letters = rules.check_letters(self.cells(), selectors.columns(self.functions))
            rules.exactly_one_accountable(cleaned.get("name"), letters, names)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None
        return cleaned


@admin.register(Row, site=site)
class RowAdmin(ConsoleModelAdmin):
    form = RowAdminForm
    list_display = ["name", "matrix", "layer", "position", "accountable", "letters"]
    list_filter = ["matrix", "layer", "accountable"]
    search_fields = ["name", "description"]
    ordering = ["matrix", "position"]

    def get_queryset(self, request):
        return selectors.rows_for_grid()

    def get_fieldsets(self, request, obj=None):
        if not self.has_change_permission(request, obj):
            return [(None, {"fields": [*RowAdminForm.Meta.fields, "letters"]})]
        letter_fields = [f"letter_{f.slug}" for f in Function.objects.ordered()]
        return [
            (None, {"fields": ["matrix", "layer", "name", "description", "position"]}),
            ("Letters (exactly one A or A/R)", {"fields": letter_fields}),
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The letter fields are added by the form itself, per function.
        kwargs["fields"] = RowAdminForm.Meta.fields
        return super().get_form(request, obj, change, **kwargs)

    @admin.display(description="letters")
    def letters(self, obj):
        return " · ".join(f"{slug} {letter}" for slug, letter in selectors.letters_of(obj).items())

    def save_model(self, request, obj, form, change):
        fields = {k: form.cleaned_data[k] for k in ("name", "layer", "description", "position")}
        if change:
            services.row_update(row=obj, cells=form.cells(), actor=request.user,
                                door=Door.CONSOLE, **fields)
        else:
            row = services.row_create(matrix=form.cleaned_data["matrix"], cells=form.cells(),
                                      actor=request.user, door=Door.CONSOLE, **fields)
            obj.pk = row.pk

    def delete_model(self, request, obj):
        services.row_delete(row=obj, actor=request.user, door=Door.CONSOLE)

    def delete_queryset(self, request, queryset):
        for row in queryset:
            services.row_delete(row=row, actor=request.user, door=Door.CONSOLE)


@admin.register(SignOff, site=site)
class SignOffAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    list_display = ["matrix", "function", "version", "signed_by_name", "signed_at"]
    list_filter = ["matrix", "function"]
    exclude = ["snapshot"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("matrix", "function")

