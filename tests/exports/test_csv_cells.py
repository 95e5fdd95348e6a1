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


def test_written_cells_are_what_the_csv_writer_writes() -> None:
    """``csv_cells.written`` against ``csv.writer`` of ``cell`` (the dialect every export uses) for every code
    point, alone, inside text and doubled, after a first cell (a row of one empty cell is the writer's special case,
    never asked of ``written``), and for the formula starts and the characters that need quoting together."""
    sink = io.StringIO()
    writer = csv.writer(sink, lineterminator="\r\n")
    values = [v for cp in range(0x110000) if not 0xD800 <= cp < 0xE000
              for c in (chr(cp),) for v in (c, f"a{c}b", c + c)]
    values += [s + tail for s in csv_cells.FORMULA_STARTS for tail in ("", "x", '"', ",", "\r\n", 'a,"b"\n')]
    values += ["", "plain", 'say "hi", then\r\nleave', '""', ",", "'", "'=x"]
    for start in range(0, len(values), 4096):
        chunk = values[start:start + 4096]
        sink.seek(0)
        sink.truncate()
        writer.writerows(["x", csv_cells.cell(v)] for v in chunk)
        assert "".join(f"x,{csv_cells.written(v)}\r\n" for v in chunk) == sink.getvalue()
    assert csv_cells.written("=1") == "'=1" and csv_cells.written('a,"b"') == '"a,""b"""'
