"""The RACI matrix: rows of activities, one column per function, exactly one A per row.

"Exactly one Accountable per row" is held by the shape of the tables, not by code:

* the row itself names its accountable function (``Row.accountable``, NOT NULL), so a
  row cannot have zero A's and has no place to put a second one;
* every other letter lives in ``Cell`` (R, C or I only, one per function and row), and
  a cell repeats its row's accountable function so that a CHECK can refuse a cell for
  the function that already holds the A. On PostgreSQL a composite foreign key
  ``(row_id, accountable_id) → row(id, accountable_id) ON UPDATE CASCADE`` keeps that
  copy true (and serialises concurrent writers on the row); on SQLite triggers do the
  same (migration 0002).

So no door — UI, API, console, shell, CSV, or two requests at once — can store a row
with no A, two A's, or an A plus another letter for the same function.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from revops.constraints import register
from revops.models import Function, Layer


class Letter(models.TextChoices):
    """What a function is on a row. A and A/R are carried by the row, the rest by cells."""

    RESPONSIBLE = "R", "Responsible"
    ACCOUNTABLE = "A", "Accountable"
    CONSULTED = "C", "Consulted"
    INFORMED = "I", "Informed"
    ACCOUNTABLE_RESPONSIBLE = "A/R", "Accountable and responsible"


CELL_LETTERS = ("R", "C", "I")


class MatrixQuerySet(models.QuerySet):
    def current(self):
        return self.filter(is_current=True).first()

    def live(self):
        return self.filter(archived_at__isnull=True)

    def archived(self):
        return self.filter(archived_at__isnull=False)


class Matrix(models.Model):
    """A RACI matrix. ``version`` moves on with every change to what the heads sign off
    (``raci.rules.SIGNED_FIELDS``); a description or the rows' order is not part of it."""

    title = models.CharField(max_length=120)
    version = models.PositiveIntegerField(default=1)
    is_current = models.BooleanField(
        default=False, help_text="The matrix shown at /raci/ and used by the readiness report."
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    archived_at = models.DateTimeField(
        null=True, blank=True, editable=False,
        help_text="When the model it belongs to was replaced; an archived matrix is read-only.",
    )
    governed = models.BooleanField(
        default=False, help_text="Its rows change only through proposals (change control).")

    objects = MatrixQuerySet.as_manager()

    class Meta:
        ordering = ["-is_current", "title", "id"]
        verbose_name_plural = "matrices"
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=models.Q(is_current=True),
                name="raci_matrix_one_current",
            ),
        ]

    def __str__(self):
        return self.title


class RowQuerySet(models.QuerySet):
    def in_grid_order(self):
        """Rows grouped by layer (in layer order, unlayered last), then by position."""
        order = models.Case(
            *[models.When(layer=value, then=i) for i, value in enumerate(Layer.values)],
            default=len(Layer.values),
            output_field=models.IntegerField(),
        )
        return self.annotate(layer_order=order).order_by("layer_order", "position", "id")


#: The longest description a row holds. The CSV export and import are held to it
#: (``raci.csv_io.CELL_MAX_LENGTH``), so whatever is stored can go out and back in.
DESCRIPTION_MAX_LENGTH = 20_000


class Row(models.Model):
    """An activity or decision. It carries its one Accountable function itself."""

    matrix = models.ForeignKey(Matrix, on_delete=models.CASCADE, related_name="rows")
    layer = models.CharField(max_length=20, choices=Layer.choices, blank=True)
    name = models.CharField(max_length=200)
    # A validator, not max_length: a TextField's max_length is no column width, and
    # changing it would make SQLite rebuild the table under its triggers.
    description = models.TextField(
        blank=True, validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH)]
    )
    position = models.PositiveIntegerField(default=0)
    accountable = models.ForeignKey(
        Function, on_delete=models.PROTECT, related_name="accountable_rows"
    )
    accountable_also_responsible = models.BooleanField(
        default=False, help_text="The accountable function also does the work (A/R)."
    )
    # Search (revops.search.refresh_vectors): these fields' words, PostgreSQL only.
    SEARCH_WEIGHTS = {"name": "A", "description": "C"}
    search_vector = SearchVectorField(null=True, editable=False)

    objects = RowQuerySet.as_manager()

    class Meta:
        ordering = ["matrix", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                "matrix", Lower("name"), name="raci_row_unique_name_per_matrix"
            ),
            models.CheckConstraint(
                condition=~models.Q(name=""), name="raci_row_name_not_empty"
            ),
            models.CheckConstraint(
                condition=models.Q(layer__in=["", *Layer.values]), name="raci_row_layer_valid"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def accountable_letter(self):
        return "A/R" if self.accountable_also_responsible else "A"


class Cell(models.Model):
    """R, C or I for one function on one row. Never the row's accountable function."""

    row = models.ForeignKey(Row, on_delete=models.CASCADE, related_name="cells")
    function = models.ForeignKey(Function, on_delete=models.PROTECT, related_name="raci_cells")
    letter = models.CharField(max_length=1, choices=[(v, v) for v in CELL_LETTERS])
    # A copy of row.accountable, kept true by the database (see the module docstring).
    accountable = models.ForeignKey(
        Function, on_delete=models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        ordering = ["row", "function__position"]
        constraints = [
            models.UniqueConstraint(fields=["row", "function"], name="raci_cell_one_per_function"),
            models.CheckConstraint(
                condition=models.Q(letter__in=CELL_LETTERS), name="raci_cell_letter_r_c_or_i"
            ),
            models.CheckConstraint(
                condition=~models.Q(function=models.F("accountable")),
                name="raci_cell_not_the_accountable",
            ),
        ]

    def __str__(self):
        return f"{self.row}: {self.function} {self.letter}"

    def save(self, *args, **kwargs):
        if self.accountable_id is None and self.row_id is not None:
            self.accountable_id = Row.objects.values_list("accountable_id", flat=True).get(
                pk=self.row_id
            )
        super().save(*args, **kwargs)


class SignOff(models.Model):
    """A function head's "this RACI is right for my function" at one matrix version.

    ``snapshot`` keeps the rows as they were signed, so the grid can show what changed
    since. A sign-off counts only while its signer heads the function: after a hand-over
    the successor signs the same version again (once per signer), and the former head's
    stays in the history.
    """

    matrix = models.ForeignKey(Matrix, on_delete=models.CASCADE, related_name="signoffs")
    function = models.ForeignKey(Function, on_delete=models.CASCADE, related_name="raci_signoffs")
    version = models.PositiveIntegerField()
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_by_name = models.CharField(max_length=150)
    signed_at = models.DateTimeField(default=timezone.now)
    snapshot = models.JSONField(default=list)

    class Meta:
        ordering = ["matrix", "function__position", "-version"]
        verbose_name = "sign-off"
        constraints = [
            models.UniqueConstraint(
                fields=["matrix", "function", "version", "signed_by"],
                name="raci_signoff_once_per_version",
            ),
        ]

    def __str__(self):
        return f"{self.function} signed {self.matrix} v{self.version}"


register(
    {
        "raci_matrix_one_current": "Only one matrix can be the current one.",
        "raci_row_unique_name_per_matrix": "This matrix already has a row with that name.",
        "raci_row_name_not_empty": "A row needs a name.",
        "raci_row_layer_valid": "Unknown layer; use strategy, process, systems or insights.",
        "raci_cell_one_per_function": "A function has at most one letter per row.",
        # SQLite names the columns of a unique constraint, not the constraint.
        "raci_cell.row_id, raci_cell.function_id": "A function has at most one letter per row.",
        "raci_cell_letter_r_c_or_i": "A cell holds R, C or I; the A lives on the row.",
        "raci_cell_not_the_accountable": (
            "Every row must have exactly one Accountable: the accountable function "
            "cannot hold a second letter on the same row."
        ),
        "raci_cell_accountable_matches_row": (
            "Every row must have exactly one Accountable: a cell must agree with its "
            "row on who that is."
        ),
        "raci_signoff_once_per_version": "This head already signed off this version.",
    }
)
