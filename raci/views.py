"""The browser UI of the RACI. Views ask the policy, call one service and render; the
grid's cells change through htmx without a page reload. Refusals and conflicts are
answered once for every page (``revops.middleware.ErrorPageMiddleware``), a service's
validation errors on its form (``revops.http.form_errors``) or, in the grid, in its
status line."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from raci import rules, selectors, services
from raci.forms import (
    LETTER_CHOICES,
    ImportConfirmForm,
    ImportForm,
    MatrixForm,
    ReassignForm,
    RowForm,
    SignOffForm,
)
from raci.models import Matrix, Row
from revops import policy, registry
from revops.http import form_errors
from revops.models import Door, Function


def _grid_context(request, matrix, *, page=None):
    user = request.user
    return {
        "matrix": matrix,
        **selectors.grid(matrix, page=page),
        "legend": rules.LEGEND,
        "letter_choices": LETTER_CHOICES,
        # An archived matrix is read-only: its services refuse, so nothing offers to write.
        "can_edit": matrix.archived_at is None and policy.can_administer(user),
        "signable": set() if matrix.archived_at else policy.headed_function_ids(user),
    }


def _in_grid(row):
    """Where the grid draws ``row``: its matrix's page holding it, at the row."""
    page = selectors.grid_page_of(row)
    return (reverse("raci:matrix", args=[row.matrix_id]) + (f"?page={page}" if page > 1 else "")
            + f"#row-{row.pk}")


@login_required
def row_in_grid(request, pk):
    """A link to one row that lands on it, whichever page of the grid draws it."""
    return redirect(_in_grid(get_object_or_404(Row, pk=pk)))


@login_required
def index(request):
    """The current matrix; with none yet, leads are offered to create one."""
    matrix = selectors.current_matrix()
    if matrix is None:
        return render(request, "raci/empty.html", {
            "form": MatrixForm(), "can_edit": policy.can_administer(request.user),
            "matrices": list(Matrix.objects.all()),
        })
    return _grid_page(request, matrix)


@login_required
def matrix_detail(request, pk):
    return _grid_page(request, get_object_or_404(Matrix, pk=pk))


def _grid_page(request, matrix):
    context = _grid_context(request, matrix, page=request.GET.get("page", ""))
    context["matrices"] = list(Matrix.objects.all())
    context["more_panels"] = registry.panels("raci.grid", matrix=matrix, user=request.user)
    return render(request, "raci/grid.html", context)


@login_required
def matrix_print(request, pk):
    matrix = get_object_or_404(Matrix, pk=pk)
    return render(request, "raci/print.html", _grid_context(request, matrix))


@login_required
@require_POST
def matrix_create(request):
    policy.require_administer(request.user)
    form = MatrixForm(request.POST)
    if form.is_valid():
        with form_errors(form):
            matrix = services.matrix_create(title=form.cleaned_data["title"],
                                            actor=request.user, door=Door.UI)
            return redirect("raci:matrix", pk=matrix.pk)
    return render(request, "raci/empty.html", {"form": form, "can_edit": True,
                                               "matrices": list(Matrix.objects.all())},
                  status=400)


@login_required
@require_POST
def matrix_make_current(request, pk):
    policy.require_administer(request.user)
    matrix = get_object_or_404(Matrix, pk=pk)
    services.matrix_update(matrix=matrix, is_current=True, actor=request.user, door=Door.UI)
    messages.success(request, f"{matrix.title} is now the current matrix.")
    return redirect("raci:index")


# The grid's htmx endpoints --------------------------------------------------------------


def _row_response(request, row, *, status_message="", error="", dialog="", focus_slug=None):
    """The row's new <tr>, plus out-of-band updates of the lint panel, the sign-off
    strip, the version, the status line and the dialog."""
    matrix = Matrix.objects.get(pk=row.matrix_id)
    context = _grid_context(request, matrix)
    grid_row = next(g for group in context["groups"] for g in group.rows if g.row.pk == row.pk)
    html = render_to_string("raci/_row_update.html", {
        **context, "g": grid_row, "oob": True, "status_message": status_message,
        "error": error, "dialog": dialog, "focus_slug": focus_slug,
    }, request=request)
    return HttpResponse(html)


def _htmx_or_redirect(request, response, row):
    if request.htmx:
        return response
    return redirect(_in_grid(row))


@login_required
@require_POST
def cell_set(request, pk, slug):
    policy.require_administer(request.user)
    row = get_object_or_404(Row, pk=pk)
    function = get_object_or_404(Function, slug=slug)
    letter = request.POST.get("letter", "")
    try:
        services.cell_set(row=row, function=function, letter=letter, actor=request.user,
                          door=Door.UI)
    except ValidationError as exc:
        codes = {e.code for e in exc.error_dict.get("letter", [])}
        if "second_accountable" in codes:
            row = Row.objects.select_related("accountable").get(pk=row.pk)
            dialog = render_to_string("raci/_reassign_dialog.html", {
                "row": row, "to": function, "letter": rules.normalize_letter(letter),
                "form": ReassignForm(initial={"previous_becomes": "R"}),
            }, request=request)
            response = _row_response(request, row, dialog=dialog)
        else:
            response = _row_response(request, row, error=" ".join(exc.messages))
        if not request.htmx:
            messages.error(request, " ".join(exc.messages))
        return _htmx_or_redirect(request, response, row)
    shown = rules.normalize_letter(letter) or "nothing"
    return _htmx_or_redirect(request, _row_response(
        request, row, status_message=f"{function.name} is now {shown} on {row.name}."), row)


@login_required
def row_fragment(request, pk):
    """The row as it is (the reassign dialog's Cancel)."""
    row = get_object_or_404(Row, pk=pk)
    return _row_response(request, row, status_message="Nothing changed.",
                         focus_slug=request.GET.get("focus"))


@login_required
@require_POST
def row_reassign(request, pk):
    policy.require_administer(request.user)
    row = get_object_or_404(Row.objects.select_related("accountable"), pk=pk)
    form = ReassignForm(request.POST)
    error = ""
    if form.is_valid():
        to = Function.objects.filter(slug=form.cleaned_data["to"]).first()
        previous = row.accountable
        try:
            if to is None:
                raise ValidationError({"to": f"Unknown function {form.cleaned_data['to']!r}."})
            services.row_reassign(
                row=row, to=to, previous_becomes=form.cleaned_data["previous_becomes"],
                letter=form.cleaned_data["letter"], actor=request.user, door=Door.UI,
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            becomes = form.cleaned_data["previous_becomes"] or "nothing"
            message = f"{to.name} is now accountable for {row.name}; {previous.name} is {becomes}."
            if not request.htmx:
                messages.success(request, message)
            response = _row_response(request, row, status_message=message, focus_slug=to.slug)
            return _htmx_or_redirect(request, response, row)
    else:
        error = "Choose what the previous Accountable becomes."
    if not request.htmx:
        messages.error(request, error)
    return _htmx_or_redirect(request, _row_response(request, row, error=error), row)


# Rows -----------------------------------------------------------------------------------


def _functions():
    return list(Function.objects.ordered())


@login_required
@require_http_methods(["GET", "POST"])
def row_create(request, pk):
    policy.require_administer(request.user)
    matrix = get_object_or_404(Matrix, pk=pk)
    form = RowForm(request.POST or None, functions=_functions(),
                   initial={"layer": request.GET.get("layer", "")})
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            row = services.row_create(matrix=matrix, cells=form.cells(), actor=request.user,
                                      door=Door.UI, **form.row_fields())
            messages.success(request, f"Added {row.name}.")
            return redirect(_in_grid(row))
    return render(request, "raci/row_form.html", {"form": form, "matrix": matrix,
                                                  "legend": rules.LEGEND},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def row_edit(request, pk):
    policy.require_administer(request.user)
    row = get_object_or_404(selectors.rows_for_grid(), pk=pk)
    governed = registry.panels("item.governed", item=row, user=request.user)
    if governed and request.method == "GET":
        # A row of a governed matrix is changed through a proposal.
        return redirect(governed[0]["propose_url"])
    letters = selectors.letters_of(row)
    functions = _functions()
    initial = {"name": row.name, "layer": row.layer, "description": row.description,
               **{f"letter_{f.slug}": letters.get(f.slug, "") for f in functions}}
    form = RowForm(request.POST or None, functions=functions, initial=initial)
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            services.row_update(row=row, cells=form.cells(), actor=request.user, door=Door.UI,
                                **form.row_fields())
            messages.success(request, f"Saved {form.cleaned_data['name']}.")
            return redirect(_in_grid(row))
    return render(request, "raci/row_form.html", {"form": form, "matrix": row.matrix,
                                                  "row": row, "legend": rules.LEGEND},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def row_delete(request, pk):
    policy.require_administer(request.user)
    row = get_object_or_404(Row.objects.select_related("matrix"), pk=pk)
    if request.method == "POST":
        services.row_delete(row=row, actor=request.user, door=Door.UI)
        messages.success(request, f"Deleted {row.name}.")
        return redirect("raci:matrix", pk=row.matrix_id)
    return render(request, "raci/row_confirm_delete.html", {"row": row})


@login_required
@require_POST
def row_move(request, pk):
    policy.require_administer(request.user)
    row = get_object_or_404(Row, pk=pk)
    try:
        services.row_move(row=row, direction=request.POST.get("direction", ""),
                          actor=request.user, door=Door.UI)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(_in_grid(row))


# Sign-off -------------------------------------------------------------------------------


@login_required
@require_POST
def signoff(request, pk):
    """A head signs the version they read off for their function: refused (403) before
    the form is read for whoever heads none; the service refuses a function they do not
    head, and a version that moved on (409)."""
    matrix = get_object_or_404(Matrix, pk=pk)
    policy.require_head(request.user)
    form = SignOffForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Sign off a function and a version.")
        return redirect("raci:matrix", pk=pk)
    function = get_object_or_404(Function, slug=form.cleaned_data["function"])
    version = form.cleaned_data["version"]
    services.signoff_create(matrix=matrix, function=function, actor=request.user,
                            door=Door.UI, version=version)
    messages.success(request, f"Signed off version {version} for {function.name}.")
    return redirect(f"{reverse('raci:matrix', args=[pk])}#raci-signoffs")


@login_required
def changes_since(request, pk, slug):
    matrix = get_object_or_404(Matrix, pk=pk)
    function = get_object_or_404(Function, slug=slug)
    signoff, lines = selectors.changes_since_signoff(matrix, function)
    return render(request, "raci/changes.html", {
        "matrix": matrix, "function": function, "signoff": signoff, "lines": lines,
    })


# CSV ------------------------------------------------------------------------------------


@login_required
def export_csv(request, pk):
    matrix = get_object_or_404(Matrix, pk=pk)
    response = HttpResponse(selectors.csv_export(matrix), content_type="text/csv")
    name = f"raci-{matrix.pk}-v{matrix.version}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_csv(request, pk):
    """Step 1: upload. Step 2: the preview (nothing written). Step 3: confirm."""
    policy.require_administer(request.user)
    matrix = get_object_or_404(Matrix, pk=pk)
    if request.method == "POST" and "confirm" in request.POST:
        confirm = ImportConfirmForm(request.POST)
        if confirm.is_valid():
            try:
                plan = services.matrix_import(
                    matrix=matrix, text=confirm.cleaned_data["text"], actor=request.user,
                    door=Door.UI, expected_version=confirm.cleaned_data["version"],
                )
            except services.VersionMoved as moved:
                messages.error(request, f"{moved} Upload the file again to see a new preview.")
                return redirect("raci:import", pk=pk)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                return redirect("raci:import", pk=pk)
            if plan.is_noop:
                messages.info(request, "The file matches the matrix; nothing changed.")
            else:
                messages.success(request, (
                    f"Imported: {len(plan.created)} added, {len(plan.updated)} changed, "
                    f"{len(plan.deleted)} removed."))
            return redirect("raci:matrix", pk=pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        text = _read_upload(form)
        if text is not None:
            plan = services.import_plan(matrix=matrix, text=text)
            return render(request, "raci/import_preview.html", {
                "matrix": matrix, "plan": plan,
                "confirm": ImportConfirmForm(initial={"text": text, "version": matrix.version}),
            }, status=400 if plan.errors else 200)
    return render(request, "raci/import.html", {"matrix": matrix, "form": form},
                  status=400 if form.errors else 200)


def _read_upload(form):
    with form_errors(form):
        return services.read_upload(form.cleaned_data["file"])
    return None
