"""RACI test data, built through the services so every row obeys the rules."""


from raci import services
from raci.models import Matrix
from revops.models import Door


def matrix(title="Revenue RACI", *, is_current=True):
    return services.matrix_create(title=title, is_current=is_current, actor=None, door=Door.CLI)


def row(m, name, cells, *, layer="process", description=""):
    return services.row_create(
        matrix=m, name=name, cells=cells, layer=layer, description=description,
        actor=None, door=Door.CLI,
    )


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


__all__ = ["Matrix", "bulk_rows", "fresh", "matrix", "row"]


def bulk_rows(m, count, *, start=0):
    """``count`` rows written in bulk (fast, for query-count tests); the database still
    holds the one-A rule."""
    from raci.models import Cell, Row
    from revops.models import Function, Layer

    functions = list(Function.objects.ordered())
    layers = Layer.values
    rows = Row.objects.bulk_create([
        Row(matrix=m, name=f"Bulk activity {start + i:05d}", layer=layers[i % 4],
            position=(start + i) * 10, accountable=functions[i % len(functions)])
        for i in range(count)
    ])
    Cell.objects.bulk_create([
        Cell(row=row, function=functions[(i + k) % len(functions)], letter=letter,
             accountable_id=row.accountable_id)
        for i, row in enumerate(rows)
        for k, letter in ((1, "R"), (2, "C"), (3, "I"))
    ])
    return rows
