import sys

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.views import defaults
from django.views.decorators.http import require_POST

from revops import policy, seats, selectors, services
from revops.forms import ApiTokenForm, AuditFilterForm, ChannelForm, ProfileForm, SeatForm
from revops.http import form_errors
from revops.models import ApiToken, Channel, Door, Function


@login_required
def api_tokens(request):
    """A user's own tokens: make one (shown once), see prefixes and use, revoke."""
    form = ApiTokenForm(request.POST or None)
    raw = None
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            token, raw = services.api_token_create(
                actor=request.user, door=Door.UI, user=request.user,
                name=form.cleaned_data["name"], scope=form.cleaned_data["scope"],
                expires_on=form.cleaned_data["expires_at"],
            )
            form = ApiTokenForm()
            messages.success(request, f"Token {token.prefix}… created. Copy it now.")
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "revops/api_tokens.html",
                  {"form": form, "tokens": tokens, "raw": raw},
                  status=400 if form.errors else 200)


@login_required
def profile(request):
    """The signed-in person's own settings: the zone every page shows times in."""
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            with form_errors(form):
                services.profile_update(actor=request.user, door=Door.UI, user=request.user,
                                        time_zone=form.cleaned_data["time_zone"])
                messages.success(request, "Saved: times are now shown in "
                                          f"{form.cleaned_data['time_zone']}.")
                return redirect("profile")
    else:
        form = ProfileForm(initial={"time_zone": services.time_zone_of(request.user)})
    return render(request, "revops/profile.html", {"form": form},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def api_token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.api_token_revoke(actor=request.user, door=Door.UI, token=token)
    messages.success(request, f"Token {token.prefix}… revoked.")
    return redirect("api-tokens")


@login_required
def seats_page(request):
    """Who sits where: each function's seat, its holder, deputy and vacancy. Everyone
    reads it; RevOps leads change it."""
    functions = list(Function.objects.ordered().select_related("head", "deputy"))
    can_edit = policy.can_administer(request.user)
    rows = [{"function": f, "label": seats.holder_label(f),
             "form": SeatForm(prefix=f.slug, initial={"holder": f.head, "deputy": f.deputy})
             if can_edit else None} for f in functions]
    return render(request, "revops/seats.html", {"rows": rows, "can_edit": can_edit})


@login_required
@require_POST
def seat_edit(request, slug):
    policy.require_administer(request.user)
    function = get_object_or_404(Function, slug=slug)
    form = SeatForm(request.POST, prefix=slug)
    if form.is_valid():
        try:
            services.function_update(actor=request.user, door=Door.UI, function=function,
                                     head=form.cleaned_data["holder"],
                                     deputy=form.cleaned_data["deputy"])
        except ValidationError as error:
            messages.error(request, f"{function.name}: " + " ".join(error.messages))
        else:
            messages.success(request, f"{function.name}'s seat saved.")
    else:
        messages.error(request, f"{function.name}: " + " ".join(
            e for errors in form.errors.values() for e in errors))
    return redirect("seats")


@login_required
def channels(request):
    """RevOps leads: where notifications go (e-mail lists, Slack or Mattermost channels)
    and which events each one posts."""
    policy.require_administer(request.user)
    form = ChannelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            channel = services.channel_create(actor=request.user, door=Door.UI,
                                              kind=form.cleaned_data["kind"],
                                              **form.channel_fields())
            messages.success(request, f"Channel “{channel}” added.")
            return redirect("channels")
    return render(request, "revops/channels.html",
                  {"form": form, "channels": Channel.objects.all()},
                  status=400 if form.errors else 200)


@login_required
def channel_edit(request, pk):
    policy.require_administer(request.user)
    channel = get_object_or_404(Channel, pk=pk)
    # The form validates on a copy of its own, so the page's heading keeps the stored name.
    form = ChannelForm(request.POST or None, instance=Channel.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            services.channel_update(actor=request.user, door=Door.UI, channel=channel,
                                    **form.channel_fields())
            messages.success(request, f"Channel “{form.cleaned_data['name']}” saved.")
            return redirect("channels")
    return render(request, "revops/channel_edit.html",
                  {"form": form, "channel": channel},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def channel_delete(request, pk):
    policy.require_administer(request.user)
    channel = get_object_or_404(Channel, pk=pk)
    services.channel_delete(actor=request.user, door=Door.UI, channel=channel)
    messages.success(request, f"Channel “{channel}” removed.")
    return redirect("channels")


@login_required
def audit_trail(request):
    form = AuditFilterForm(request.GET or None, object_types=selectors.audit_object_types())
    filters = form.cleaned_data if form.is_valid() else {}
    entries = selectors.audit_entries(reader=request.user,
                                      **{k: v for k, v in filters.items() if v})
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "revops/audit.html",
                  {"form": form, "page": page, "query": query.urlencode()})



DATABASE_DOWN = (OperationalError, InterfaceError)


def page_not_found(request, exception):
    """``handler404``: an address under the API that names nothing (an id the route
    cannot read, a path no route has) is answered in the API's shape, JSON, as the
    API's own 404s are; every other address gets the site's page."""
    if request.path.startswith(("/api/", "/scim/")):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """Django's last resort for an uncaught exception (``handler500``). A database that
    went away mid-request is not a bug of ours: answer 503 with a short reason (JSON for
    the API), so the client retries and nobody sees a traceback; the next request opens
    a new connection."""
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_DOWN):
        message = "The database is unavailable for a moment. Nothing was saved; try again."
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": message}, status=503)
        else:
            response = HttpResponse(render_to_string("503.html", {"message": message}),
                                    status=503)
        response["Retry-After"] = "5"
        return response
    return defaults.server_error(request)


def favicon(request):
    """``/favicon.ico`` for the clients that ask for it without reading our ``<link>``
    tags: a temporary redirect, as the static file's name carries a hash in production."""
    return redirect(static("favicon.ico"))

