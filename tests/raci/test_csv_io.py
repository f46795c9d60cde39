"""The RACI matrix as CSV, read and written without a database, table-driven."""

import csv
import io

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


def test_export_header_is_layer_name_description_then_function_slugs():
    text = csv_io.write_csv([], COLUMNS)
    assert text == "layer,name,description,revops,marketing,sales,cs\r\n"


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


def test_every_header_problem_is_reported_at_once():
    _, errors = csv_io.parse_csv("Sales,finance,SALES,bogus\n", COLUMNS)
    assert errors == [
        "line 1: the header has no 'name' column.",
        "line 1: the header has no 'layer' column.",
        "line 1: unknown function 'finance' and 'bogus'; "
        "the function columns are revops, marketing, sales, cs.",
        "line 1: column 'sales' appears twice.",
    ]


def test_every_bad_line_is_reported_by_number_with_every_problem_on_it():
    text = (
        "name,layer,sales,marketing\n"
        "Routing,process,A,R\n"
        ",strategy,A,\n"
        "routing,nowhere,Q,\n"
        "Two owners,,A,A/R\n"
        "Nobody,,R,\n"
        "Fine,systems,a/r,\n"
    )
    rows, errors = csv_io.parse_csv(text, COLUMNS)
    assert [r.name for r in rows] == ["Routing", "Fine"]
    assert errors == [
        "line 3 (line 3): the name is empty.",
        "line 4 (routing): the name 'routing' is already used on line 2; layer 'nowhere' is "
        "not one of strategy, process, systems, insights (or empty); 'Q' under sales is not "
        "a RACI letter (use R, A, C, I, A/R or leave it empty).",
        "line 5 (Two owners): Two owners must have exactly one Accountable; "
        "Marketing and Sales are both marked A.",
        "line 6 (Nobody): Nobody must have exactly one Accountable; no function is marked A.",
    ]


def test_a_name_is_taken_only_by_a_good_line():
    text = "name,layer,sales\nX,nowhere,A\nX,,A\n"
    rows, errors = csv_io.parse_csv(text, COLUMNS)
    assert [r.line for r in rows] == [3] and len(errors) == 1


@pytest.mark.parametrize("header, description", [
    ("name,layer,description,sales", "Plan"),
    ("name,layer,sales", None),  # no column: the rows keep the descriptions they have
])
def test_description_is_read_only_when_the_file_has_the_column(header, description):
    line = "X,,Plan,A" if "description" in header else "X,,A"
    rows, errors = csv_io.parse_csv(f"{header}\n{line}\n", COLUMNS)
    assert errors == [] and rows[0].description == description


def test_short_lines_are_padded_with_empty_cells():
    rows, errors = csv_io.parse_csv("name,layer,sales,cs\nX,,A\n", COLUMNS)
    assert errors == [] and rows[0].letters == {"sales": "A"}


def test_too_many_lines_stops_the_reading(monkeypatch):
    monkeypatch.setattr(csv_io, "MAX_IMPORT_LINES", 2)
    rows, errors = csv_io.parse_csv("name,layer,sales\nX,,A\nY,,A\nZ,,A\n", COLUMNS)
    assert [r.name for r in rows] == ["X", "Y"]
    assert errors == ["line 4: too many lines (at most 2)."]


def test_unreadable_csv_names_the_line():
    too_long = "Y" * (csv.field_size_limit() + 1)
    rows, errors = csv_io.parse_csv(f"name,layer,sales\nX,,A\n{too_long},,A\n", COLUMNS)
    assert [r.name for r in rows] == ["X"]
    assert errors[0].startswith("line 3: not readable as CSV")


def test_header_problems_and_read_header_are_usable_alone():
    assert csv_io.header_problems(["name", "layer", "Sales"], COLUMNS) == []
    header = csv_io.read_header(csv.reader(io.StringIO("Layer, Name ,sales\n")), COLUMNS)
    assert header == csv_io.Header(width=3, index={"layer": 0, "name": 1, "sales": 2},
                                   functions=[("sales", 2)])


def test_a_cell_longer_than_the_export_writes_is_refused_by_line_and_column():
    huge = "R" * (csv_io.CELL_MAX_LENGTH + 1)
    rows, errors = csv_io.parse_csv(f"name,layer,sales\nX,,A\nY,,{huge}\n", COLUMNS)
    assert [r.name for r in rows] == ["X"]
    assert errors == [f"line 3: the sales value is {len(huge):,} characters long; "
                      f"a cell holds at most {csv_io.CELL_MAX_LENGTH:,}."]
