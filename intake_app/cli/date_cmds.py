"""``intake dates interpret``: how a date as said is understood (EDTF value, bounds, explanation in Korean and English)."""

from __future__ import annotations

import argparse
import datetime as dt

from intake_app.cli.context import Context
from intake_app.errors import RefusedError, UsageError
from intake_app.records import dates

SubParsers = argparse._SubParsersAction  # argparse exposes no public name for it


def register(sub: SubParsers[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    d = sub.add_parser("dates", help="understand dates as people say them", parents=[common])
    dsub = d.add_subparsers(dest="dates_command", required=True, metavar="COMMAND")
    p = dsub.add_parser("interpret", help="the EDTF value and bounds of a date as said (exit 1: not understood)",
                        parents=[common])
    p.add_argument("text", help='the date as said, e.g. "음력 1998년 3월 5일", "고난의 행군 때", "when he was 20"')
    p.add_argument("--birth", metavar="EDTF", help="the victim's birth date, for ages (스무 살 때)")
    p.add_argument("--interview-date", metavar="DATE",
                   help="the interview date (EDTF), for 작년, 3년 전, two-digit years (default: today)")
    p.set_defaults(func=cmd_interpret)


def _bound(day: dt.date, open_end: dt.date) -> str | None:
    return None if day == open_end else day.isoformat()


def cmd_interpret(ctx: Context) -> int:
    for option, value in (("--birth", ctx.opt("birth")), ("--interview-date", ctx.opt("interview_date"))):
        if value is not None:
            try:
                dates.parse_edtf(value)
            except dates.DateError as exc:
                raise UsageError(f"{option} is not a date of the supported EDTF subset: {exc}") from None
    try:
        found = dates.interpret(ctx.opt("text"), birth=ctx.opt("birth"), interview_date=ctx.opt("interview_date"))
    except dates.DateError as exc:
        raise UsageError(str(exc)) from None
    if found is None:
        hint = " (an age needs --birth)" if dates.mentions_age(ctx.opt("text")) and not ctx.opt("birth") else ""
        raise RefusedError(f"the date was not understood{hint}; it would be kept as said, with no EDTF value")
    lower, upper = _bound(found.date.lower, dt.date.min), _bound(found.date.upper, dt.date.max)
    doc = {"edtf": found.edtf, "lower": lower, "upper": upper,
           "explanation": {"ko": found.explanation_ko, "en": found.explanation_en}}
    ctx.emit(doc, f"{found.edtf}  [{lower or '..'} – {upper or '..'}]  {found.explanation_en}")
    return 0
