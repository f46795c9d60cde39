"""The console: Django admin branded for function heads and RevOps leads."""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User

from revops import policy, services
from revops.models import ApiToken, AuditEntry, Door, Function, Webhook


class RevOpsConsole(admin.AdminSite):
    site_header = "RevOps console"
    site_title = "RevOps console"
    index_title = "Your operating model"

    def has_permission(self, request):
        return policy.is_active_user(request.user) and (
            request.user.is_staff or policy.is_lead(request.user)
        )


site = RevOpsConsole(name="admin")


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


@admin.register(Function, site=site)
class FunctionAdmin(ConsoleModelAdmin):
    list_display = ["name", "slug", "position", "head"]
    list_editable = []
    list_select_related = ["head"]
    ordering = ["position"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            fields = {f: form.cleaned_data[f] for f in ("name", "position", "head")}
            services.function_update(actor=request.user, door=Door.CONSOLE, function=obj, **fields)
        else:
            obj_ = services.function_create(
                actor=request.user, door=Door.CONSOLE, **{
                    f: form.cleaned_data[f] for f in ("slug", "name", "position", "head")
                }
            )
            obj.pk = obj_.pk


@admin.register(AuditEntry, site=site)
class AuditEntryAdmin(ConsoleModelAdmin):
    list_display = ["at", "actor_name", "door", "action", "object_type", "object_repr"]
    list_filter = ["door", "object_type", "action"]
    search_fields = ["object_repr", "actor_name"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken, site=site)
class ApiTokenAdmin(ConsoleModelAdmin):
    list_display = ["name", "user", "prefix", "scope", "created_at", "expires_at",
                    "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    exclude = ["digest"]

    def has_add_permission(self, request):
        return False


@admin.register(Webhook, site=site)
class WebhookAdmin(ConsoleModelAdmin):
    list_display = ["url", "active", "created_at"]


site.register(User, UserAdmin)
site.register(Group, GroupAdmin)


class OwnedConsoleModelAdmin(ConsoleModelAdmin):
    """For objects that belong to a function (``owning_function_id``): every console
    user reads them all; a head changes only their own function's, leads change all.
    The check runs per object, so a crafted POST to another function's object is refused.
    """

    def has_add_permission(self, request):
        return policy.can_administer(request.user) or policy.is_head(request.user)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return policy.can_administer(request.user) or policy.is_head(request.user)
        return policy.can_change(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return policy.can_administer(request.user)
        return policy.can_administer(request.user)
