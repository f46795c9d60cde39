"""The RACI matrix as CSV, read and written without a database, table-driven."""

import pytest

from raci import csv_io, rules

COLUMNS = [rules.Column("revops", "RevOps"), rules.Column("marketing", "Marketing"),
           rules.Column("sales", "Sales"), rules.Column("cs", "Customer Success", False)]


def test_csv_round_trip_keeps_quotes_commas_newlines_and_formula_guards():
    rows = [rules.snapshot_row(name='=HYPERLINK("x")', layer="strategy",
                               description='Plan, "coverage"\nand capacity',
                               letters={"sales": "A", "cs": "R"})]
    text = csv_io.write_csv(rows, COLUMNS)
    assert "'=HYPERLINK" in text
    parsed, errors = csv_io.parse_csv(text, COLUMNS)
    assert errors == []
    assert (parsed[0].name, parsed[0].description, parsed[0].letters) == (
        '=HYPERLINK("x")', 'Plan, "coverage"\nand capacity', {"sales": "A", "cs": "R"})


@pytest.mark.parametrize("text, error", [
    ("", "line 1: the file is empty"),
    ("layer,sales\n", "line 1: the header has no 'name' column."),
    ("name,layer,sales,sales\n", "line 1: column 'sales' appears twice."),
    ("name,layer,sales\nX,process,A,extra\n", "line 2: 4 values but the header has 3."),
    ("name,layer,sales\nX,Process and workflow,A\nY,,q\n",
     "line 3 (Y): 'q' under sales is not a RACI letter (use R, A, C, I, A/R or leave it empty)."),
])
def test_parse_csv_errors(text, error):
    _, errors = csv_io.parse_csv(text, COLUMNS)
    assert errors[0].startswith(error)


def test_parse_csv_accepts_layer_labels_and_skips_blank_lines():
    rows, errors = csv_io.parse_csv("Name,Layer,Sales\n\nX,Process and workflow,A\n", COLUMNS)
    assert errors == [] and rows[0].layer == "process" and rows[0].line == 3
