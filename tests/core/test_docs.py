"""The docs' rule → file table stays true: every file it names exists and every function
or object it names is in one of that row's files, so a rename cannot leave a newcomer
reading a map to code that is gone."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NAME = re.compile(r"^[A-Za-z_][\w.]*$")


def _rule_rows():
    text = (ROOT / "docs" / "architecture.md").read_text()
    table = text.split("| rule | file | function or object |", 1)[1].split("\n\n", 1)[0]
    for line in table.strip().splitlines()[1:]:
        rule, files, names = (cell.strip() for cell in line.strip("|").split(" | ", 2))
        yield rule, files, names


def _ticked(cell):
    return re.findall(r"`([^`]+)`", cell)


@pytest.mark.parametrize(("rule", "files", "names"), list(_rule_rows()),
                         ids=lambda value: value[:40] if isinstance(value, str) else None)
def test_every_named_file_exists_and_holds_what_the_row_names(rule, files, names):
    # A row may name more files among its functions ("used by `x.py` `f`").
    paths = [ROOT / path for path in _ticked(files)
             + [n for n in _ticked(names) if n.endswith(".py")]]
    assert paths, f"{rule}: no file named"
    missing = [str(path.relative_to(ROOT)) for path in paths if not path.exists()]
    assert not missing, f"{rule}: {missing} do not exist"
    text = "\n".join(path.read_text() for path in paths if path.is_file())
    absent = [name for name in _ticked(names) if NAME.match(name) and not name.endswith(".py")
              and not re.search(rf"\b{re.escape(name.rsplit('.', 1)[-1])}\b", text)]
    assert not absent, f"{rule}: {absent} are not in {[p.name for p in paths]}"
