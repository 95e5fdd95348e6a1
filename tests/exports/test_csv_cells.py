"""The one CSV escaping function (issue 23, finding 6) beside Uwazi's thesaurus nesting syntax, on the real thesauri: a
nested value keeps its structural "-" and its label is still escaped."""

from __future__ import annotations

import csv
import io

from intake_app import csv_cells
from intake_app.exports.uwazi import thesauri


def test_every_thesaurus_cell_is_a_label_or_a_nested_label() -> None:
    for name, data in thesauri():
        for row in list(csv.reader(io.StringIO(data.decode("utf-8"))))[1:]:
            for value in row:
                body = value[1:] if value.startswith("-") else value
                assert not body.startswith(csv_cells.FORMULA_STARTS), (name, value)
    places = dict(thesauri())["thesaurus-places.csv"].decode("utf-8").splitlines()
    assert "-Onsong,-온성" in places


def test_text_cells_escape_as_cell_does() -> None:
    from intake_app import csv_cells

    values = [start + "x" for start in csv_cells.FORMULA_STARTS] + ["", "plain", "a=b", "'quoted", " =spaced"]
    assert csv_cells.text_cells(values) == [csv_cells.cell(v) for v in values]
    assert all(out.startswith("'") for out in csv_cells.text_cells([s + "1" for s in csv_cells.FORMULA_STARTS]))
