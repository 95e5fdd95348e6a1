"""A statistics table for release drawn as an SVG bar chart (docs/exports.md §8), by the ``stats`` exporter when the
request asks for ``options["chart"] = "svg"`` (the HQ Statistics page's "Chart as SVG…").

It draws exactly what the CSV for the same purpose would hold (:meth:`StatsResult.released_lines`): only the
released mentions are counted, and a suppressed cell is drawn as an empty, dashed bar marked "suppressed", with no
length that could give its count back. It is plain text built here, without Qt, so it runs in the export pipeline on
the DB worker like every other exporter; every label is escaped for XML and cleaned of control characters.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from intake_app.display import clean_text
from intake_app.stats.query import StatsResult

MAX_BARS = 40  # as the page's chart: more buckets are in the CSV only
_ROW, _LABEL_W, _BAR_W, _TOP = 22, 260, 420, 56


def _text(value: object) -> str:
    return escape(clean_text(str(value))[:60], {'"': "&quot;"})


def svg(table: StatsResult, min_cell: int, title: str, lang: str = "en") -> bytes:
    """The bar chart of ``table``'s buckets as released with ``min_cell`` (``lang`` picks the label: ko or en)."""
    lines, total = table.released_lines(min_cell)
    buckets = lines[:-2][:MAX_BARS]
    label_at = -2 if lang == "ko" else -1
    top = max([n for _, n in buckets if n is not None] + [1])
    height = _TOP + _ROW * len(buckets) + 60
    width = _LABEL_W + _BAR_W + 120
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
           f"<title>{_text(title)}</title>",
           f'<text x="8" y="20" font-size="15">{_text(title)}</text>',
           f'<text x="8" y="40" fill="#444">{_text(_caption(table, total, min_cell))}</text>']
    for i, (key, count) in enumerate(buckets):
        y = _TOP + i * _ROW
        out.append(f'<text x="{_LABEL_W - 6}" y="{y + 15}" text-anchor="end">{_text(key[label_at])}</text>')
        if count is None:
            out.append(f'<rect x="{_LABEL_W}" y="{y + 3}" width="{_BAR_W // 4}" height="{_ROW - 6}" fill="none" '
                       'stroke="#888" stroke-dasharray="4 3"/>')
            out.append(f'<text x="{_LABEL_W + _BAR_W // 4 + 6}" y="{y + 15}" fill="#666">suppressed</text>')
        else:
            w = round(_BAR_W * count / top)
            out.append(f'<rect x="{_LABEL_W}" y="{y + 3}" width="{w}" height="{_ROW - 6}" fill="#3b6ea5"/>')
            out.append(f'<text x="{_LABEL_W + w + 6}" y="{y + 15}">{count}</text>')
    unknown, spans = lines[-2][1], lines[-1][1]
    foot = _TOP + _ROW * len(buckets) + 24
    out.append(f'<text x="8" y="{foot}" fill="#444">unknown: {"suppressed" if unknown is None else unknown}; '
               f'spans buckets: {"suppressed" if spans is None else spans}</text>')
    out.append("</svg>\n")
    return "\n".join(out).encode("utf-8")


def _caption(table: StatsResult, total: int | None, min_cell: int) -> str:
    shown = "suppressed" if total is None else str(total)
    return (f"{table.unit} units, denominator {shown}; only mentions released for this purpose are counted; "
            f"counts below {min_cell} are suppressed")
