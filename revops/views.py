from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from revops import selectors, services
from revops.forms import ApiTokenForm, AuditFilterForm
from revops.http import add_service_errors
from revops.models import ApiToken, Door


@login_required
def api_tokens(request):
    """A user's own tokens: make one (shown once), see prefixes and use, revoke."""
    form = ApiTokenForm(request.POST or None)
    raw = None
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.api_token_create(
                actor=request.user, door=Door.UI, user=request.user,
                name=form.cleaned_data["name"], scope=form.cleaned_data["scope"],
                expires_on=form.cleaned_data["expires_at"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            form = ApiTokenForm()
            messages.success(request, f"Token {token.prefix}… created. Copy it now.")
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "revops/api_tokens.html",
                  {"form": form, "tokens": tokens, "raw": raw},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def api_token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.api_token_revoke(actor=request.user, door=Door.UI, token=token)
    messages.success(request, f"Token {token.prefix}… revoked.")
    return redirect("api-tokens")


@login_required
def audit_trail(request):
    form = AuditFilterForm(request.GET or None, object_types=selectors.audit_object_types())
    filters = form.cleaned_data if form.is_valid() else {}
    entries = selectors.audit_entries(**{k: v for k, v in filters.items() if v})
    page = Paginator(entries.select_related(None), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "revops/audit.html",
                  {"form": form, "page": page, "query": query.urlencode()})

