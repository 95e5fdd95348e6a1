"""One CSV row to the normalised content of a reference record (a small JSON object, see docs/archive-import.md).

Every cell that is used passes the interchange text rules (``intake_app.records.interchange``: no control or
bidirectional-control characters, NFC, length limits); a row that breaks them is refused with its number, the others go
on. Coded values (sex, categories, status, act type, organ) are matched to our vocabularies by code, or by their
English, Korean or Japanese label (or alias); an unknown value is kept as said under ``as_said`` and reported, never
guessed. Dates are read with the collection's display format (``--date-format``), a year alone stays a year.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
import re
from typing import Any

from intake_app.archive.mapping import FIELDS, KIND_OF, Mapping
from intake_app.records import interchange, vocabularies
from intake_app.records.edtf import DateError, parse_edtf
from intake_app.records.interchange_schema import is_blank

SEP = "|"


class RowRefused(Exception):
    """This row is not imported; ``reason`` says why (never the row's content)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# Japanese labels of the coded vocabularies an archive may use (the bundled vocabularies carry ko and en only).
JA_LABELS: dict[str, dict[str, str]] = {
    "sex": {"女": "F", "女性": "F", "男": "M", "男性": "M", "その他": "other", "不明": "unknown"},
    "whereabouts_status": {"行方不明": "missing", "拘禁認定": "acknowledged", "拘禁中目撃": "seen_in_detention",
                           "死亡": "deceased", "釈放": "released", "脱出": "escaped", "不明": "unknown"},
    "act_types": {"逮捕": "arrest", "拉致": "abduction", "捕虜": "capture_pow", "拘禁": "detention", "尋問": "interrogation",
                  "強制送還": "forced_repatriation", "引き渡し": "handover", "移送": "transfer", "判決": "sentencing",
                  "強制労働": "forced_labour", "拷問": "torture", "拘禁中の死亡": "death_in_custody", "処刑": "execution",
                  "最後の目撃": "last_seen", "解放": "release", "脱走": "escape"},
    "victim_categories": {"未送還国軍捕虜": "1", "朝鮮戦争拉致被害者": "2", "戦後拉致被害者": "3", "帰国者": "4",
                          "日本人拉致被害者": "5", "強制送還された脱北者": "6", "政治犯": "7", "宗教者": "8",
                          "海外派遣労働者": "9", "障害者": "10"},
}
_MONTHS = {m.casefold(): i for i, m in enumerate(calendar.month_name) if m} | {
    m.casefold(): i for i, m in enumerate(calendar.month_abbr) if m}
_LL = {"en": "MMMM D, YYYY", "ko": "YYYY년 M월 D일", "ja": "YYYY年M月D日"}
_TOKENS = re.compile(r"YYYY|MMMM|MMM|MM|M|DD|D|LL")
_GEO = re.compile(r"^\s*(-?\d{1,3}(?:\.\d+)?)\s*\|\s*(-?\d{1,3}(?:\.\d+)?)\s*$")


def code_for(vocab: str, text: str) -> str | None:
    entry = vocabularies.lookup(vocab, text)
    if entry is not None:
        return entry.code
    return JA_LABELS.get(vocab, {}).get(vocabularies.fold(text))


def _literal(text: str) -> str:
    """Format text between tokens: as written, spaces optional around and inside it."""
    return r"\s*" + r"\s*".join(re.escape(part) for part in text.split()) + r"\s*"


def _format_regex(fmt: str, lang: str) -> re.Pattern[str]:
    fmt = fmt.replace("LL", _LL.get(lang, _LL["en"]))
    out, pos = [], 0
    for m in _TOKENS.finditer(fmt):
        out.append(_literal(fmt[pos:m.start()]))
        out.append({"YYYY": r"(?P<y>\d{4})", "MMMM": r"(?P<mon>[^\W\d_]+)\.?", "MMM": r"(?P<mon>[^\W\d_]+)\.?",
                    "MM": r"(?P<m>\d{1,2})", "M": r"(?P<m>\d{1,2})", "DD": r"(?P<d>\d{1,2})",
                    "D": r"(?P<d>\d{1,2})"}[m.group()])
        pos = m.end()
    out.append(_literal(fmt[pos:]))
    return re.compile("^" + "".join(out) + "$")


def _one_date(text: str, fmt: str | None, lang: str) -> str:
    """One end of a date: an EDTF value. A bare year (or year-month) is kept at its precision."""
    text = text.strip()
    if re.fullmatch(r"\d{4}(-\d{2})?", text):
        return str(parse_edtf(text).edtf)
    if fmt is None:
        return str(parse_edtf(text).edtf)
    m = _format_regex(fmt, lang).match(text)
    if m is None:
        raise DateError(f"does not match the date format {fmt}")
    groups = m.groupdict()
    month = int(groups["m"]) if groups.get("m") else _MONTHS.get((groups.get("mon") or "").casefold(), 0)
    if not month:
        raise DateError("no month")
    day = int(groups["d"]) if groups.get("d") else None
    if day is None:
        return f"{int(groups['y']):04d}-{month:02d}"
    return dt.date(int(groups["y"]), month, day).isoformat()


def parse_date(text: str, fmt: str | None, lang: str) -> str:
    """A cell's date as EDTF: a single date, or a range ``from:to`` / ``from ~ to`` (either end may be open).

    A range that covers exactly one year, month or day is written at that precision (``1950-06-01:1950-06-30`` is
    ``1950-06``), so our own export's ranges come back as they were said."""
    try:
        return _one_date(text, fmt, lang)  # one date (an EDTF "1950~" is approximate, not a range)
    except (DateError, ValueError):
        pass
    if "~" in text:
        ends = text.split("~")
    elif ":" in text and (fmt is None or ":" not in fmt):
        ends = text.split(":")
    else:
        ends = [text]
    if len(ends) > 2:
        raise DateError("more than two ends")
    if len(ends) == 1:
        raise DateError("not a date")
    low, high = (_one_date(e, fmt, lang) if e.strip() else None for e in ends)
    if low is None and high is None:
        raise DateError("an empty range")
    if low is not None and high is not None:
        a, b = parse_edtf(low), parse_edtf(high)
        if a.lower == b.lower and a.upper == b.upper:
            return low
        if a.lower.month == 1 and a.lower.day == 1 and b.upper == dt.date(a.lower.year, 12, 31):
            return f"{a.lower.year:04d}"
        last = calendar.monthrange(a.lower.year, a.lower.month)[1]
        if a.lower.day == 1 and b.upper == dt.date(a.lower.year, a.lower.month, last):
            return f"{a.lower.year:04d}-{a.lower.month:02d}"
    return str(parse_edtf(f"{low or '..'}/{high or '..'}").edtf)


def _cells(mapping: Mapping, cells: list[str], field: str) -> list[str]:
    """The field's values: the first non-empty column (preferred language first), or all values when multi."""
    multi = FIELDS[field][0]
    out: list[str] = []
    for i in mapping.columns_of(field):
        cell = cells[i].strip()
        if _blank(cell):
            continue
        if not multi:
            return [cell]
        for raw in cell.split(SEP):
            part = raw.strip()
            if not _blank(part) and part not in out:
                out.append(part)
    return out


def _blank(text: str) -> bool:
    """Empty, or only spaces and invisible characters (the interchange rule); a leading letter or digit is not."""
    return not text or (not text[0].isalnum() and is_blank(text))


def _text(field: str, value: str) -> str:
    try:
        return str(interchange._string(field, value, FIELDS[field][1] if FIELDS[field][1] == "text" else "line"))
    except interchange.InterchangeError as exc:
        raise RowRefused(str(exc)) from None


def row_content(mapping: Mapping, cells: list[str], template: str, lang: str) -> dict[str, Any]:
    """The normalised content of one row, or RowRefused."""
    if len(cells) != len(mapping.header):
        raise RowRefused(f"has {len(cells)} cells, the header has {len(mapping.header)}")
    got: dict[str, list[str]] = {}
    for field in dict.fromkeys(mapping.fields.values()):
        values = [_text(field, v) for v in _cells(mapping, cells, field)]
        if values:
            got[field] = values
    unknown: list[dict[str, str]] = []
    content: dict[str, Any] = {"kind": KIND_OF[template], "template": template}
    for key in ("title", "source_id", "notes"):
        if key in got:
            content[key] = got[key][0]

    def coded(field: str, vocab: str) -> str | None:
        if field not in got:
            return None
        code = code_for(vocab, got[field][0])
        if code is None:
            unknown.append({"field": field, "value": got[field][0]})
        return code

    def date(field: str) -> tuple[str | None, str | None]:
        if field not in got:
            return None, None
        said = got[field][0]
        try:
            return parse_date(said, mapping.date_format, lang), said
        except (DateError, ValueError, OverflowError):
            fmt = mapping.date_format or "EDTF / YYYY-MM-DD"
            raise RowRefused(f"{field}: the date cannot be read with the format {fmt}") from None

    _person(got, content, template, coded, date, unknown)
    act = _act(got, date, coded)
    if act:
        content["acts"] = [act]
    perp = {k.split(".")[1]: got[k][0] for k in ("perpetrator.name", "perpetrator.unit", "perpetrator.rank")
            if k in got}
    if (organ := coded("perpetrator.organ", "organs")) is not None:
        perp["organ"] = organ
    if perp:
        content["perpetrator"] = perp
    if unknown:
        content["as_said"] = unknown
    return content


def _person(got: dict[str, list[str]], content: dict[str, Any], template: str, coded: Any, date: Any,
            unknown: list[dict[str, str]]) -> None:
    names = _names(got)
    if not names and template == "victims" and "title" in content:
        title = content["title"]
        names = [{"hangul": title} if re.search(r"[\uac00-\ud7a3]", title) else {"roman": title}]
    if names:
        content["names"] = names
    if (sex := coded("victim.sex", "sex")) is not None:
        content["sex"] = sex
    birth, birth_text = date("victim.birth")
    if birth is not None:
        content["birth"], content["birth_text"] = birth, birth_text
    if "victim.categories" in got:
        cats = []
        for value in got["victim.categories"]:
            code = code_for("victim_categories", value)
            if code is None:
                unknown.append({"field": "victim.categories", "value": value})
            elif int(code) not in cats:
                cats.append(int(code))
        if cats:
            content["categories"] = sorted(cats)
    if (status := coded("victim.status", "whereabouts_status")) is not None:
        content["status"] = status
    if "victim.home" in got:
        content["home"] = got["victim.home"][0]
        if (home := code_for("places", content["home"])) is not None:
            content["home_code"] = home


def _names(got: dict[str, list[str]]) -> list[dict[str, str]]:
    forms = {k: got.get(f"victim.name.{k}", []) for k in ("hangul", "roman", "hanja")}
    present = {k: v for k, v in forms.items() if v}
    if present and all(len(v) == 1 for v in present.values()):
        return [{k: v[0] for k, v in present.items()}]  # one person's one name in several scripts
    return [{k: value} for k, values in present.items() for value in values]


def _act(got: dict[str, list[str]], date: Any, coded: Any) -> dict[str, Any]:
    act: dict[str, Any] = {}
    if (kind := coded("act.type", "act_types")) is not None:
        act["type"] = kind
    when, said = date("act.date")
    if when is not None:
        act["date"] = when
        act["date_text"] = got["act.date_text"][0] if "act.date_text" in got else said
    if "act.place" in got:
        place = got["act.place"][0]
        if (geo := _GEO.match(place)) is not None:
            act["geo"] = [float(geo.group(1)), float(geo.group(2))]
        else:
            act["place"] = place
            if (code := code_for("places", place)) is not None:
                act["place_code"] = code
    for field, key in (("act.facility", "facility"),):
        if field in got:
            act[key] = got[field][0]
    for field, key in (("act.unit", "units"), ("act.victim", "victims"), ("act.perpetrators", "perpetrators")):
        if field in got:
            act[key] = got[field]
    return act


def canonical(content: dict[str, Any]) -> bytes:
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def content_sha256(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(content)).hexdigest()
