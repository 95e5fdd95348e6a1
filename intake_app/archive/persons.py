"""Reference persons in the person registry: a reference record of kind ``person`` is the mention ``REF_ID/ref``.

Its comparison features are computed by the same code as a testimony's (``intake_app.persons.features``), from a
victim built out of the record's content plus the acts of the same source's cases that name it by title (Uwazi's
relationship columns hold titles; ``reference_act_victims``). They are filed in the same blocking index
(``person_mentions`` and ``person_keys``, record id = the reference record id), so candidate pairs between field
mentions and reference persons come from the same self-join, scored by the same rules. The features carry ``src``
(the source name) so every screen can mark a reference person. A reference person has no interviewee and no
relation: the "same interviewee" rule never applies to it.
"""

from __future__ import annotations

import json
from typing import Any

from intake_app.archive import store
from intake_app.persons.blocking import SplitState, file_mentions
from intake_app.persons.features import features, place_key, years
from intake_app.persons.mentions import Mention
from intake_app.records.edtf import parse_edtf
from intake_app.records.interchange_model import Act, Interview, Interviewee, Name, Testimony, Victim
from intake_app.vault.database import Connection

VICTIM_ID = "ref"
_STAND_IN = Testimony(interview=Interview(date=parse_edtf("2000"), language="ko", interviewer="reference"),
                      interviewee=Interviewee(pseudonym=""))


def mention_of(record_id: str) -> str:
    return f"{record_id}/{VICTIM_ID}"


def victim_of(content: dict[str, Any], *, untyped: bool = False) -> Victim:
    """The record's content as a victim; acts without a known type are left out, or kept with type "" (``untyped``,
    for the statistics' dates). The comparison features keep them either way."""
    acts = tuple(Act(type=a.get("type", ""), date=parse_edtf(a["date"]) if a.get("date") else None,
                     date_text=a.get("date_text"), place=a.get("place"), place_code=a.get("place_code"),
                     facility=a.get("facility"), id=f"a{i + 1}")
                 for i, a in enumerate(content.get("acts", [])) if untyped or a.get("type"))
    return Victim(id=VICTIM_ID, names=tuple(Name(**n) for n in content.get("names", [])), sex=content.get("sex"),
                  birth=parse_edtf(content["birth"]) if content.get("birth") else None,
                  birth_text=content.get("birth_text"), origin=content.get("home"),
                  origin_place=content.get("home_code"), categories=tuple(content.get("categories", [])),
                  status=content.get("status"), acts=acts, notes=content.get("notes"))


def stand_in_mention(record_id: str, source: str, content: dict[str, Any]) -> Mention:
    """A Mention for code that reads mentions (``persons show``); its testimony is a marked stand-in, never stored."""
    testimony = Testimony(interview=_STAND_IN.interview, interviewee=Interviewee(pseudonym=f"reference: {source}"))
    return Mention(mention_of(record_id), record_id, VICTIM_ID, victim_of(content), testimony)


def find_reference_mention(conn: Connection, record_id: str) -> Mention | None:
    """The stand-in mention of reference person ``record_id``, or None (registered with
    ``persons.mentions.register_reference_finder`` by ``intake_app.wiring``)."""
    held = store.current(conn, record_id)
    if held is None or held[1] != "person":
        return None
    return stand_in_mention(record_id, held[0], held[2])


def reference_features(record_id: str, source: str, content: dict[str, Any]) -> dict[str, Any]:
    feat = features(Mention(mention_of(record_id), record_id, VICTIM_ID, victim_of(content), _STAND_IN))
    feat["acts"] = [[a.get("type"), place_key(a.get("place_code"), a.get("place")),
                     years(parse_edtf(a["date"])) if a.get("date") else None, place_key(None, a.get("facility"),
                                                                                       "facilities")]
                    for a in content.get("acts", [])]
    feat["iv"], feat["rel"], feat["src"] = "", None, source
    return feat


def index(conn: Connection, record_id: str, source: str, content: dict[str, Any],
          split: SplitState | None = None, *, replace: bool = True) -> None:
    """File (or re-file, ``replace``) one reference person in the blocking index, inside the caller's transaction."""
    mention = mention_of(record_id)
    if replace:
        conn.execute("DELETE FROM person_keys WHERE num IN (SELECT num FROM person_mentions WHERE mention = ?)", (mention,))
        conn.execute("DELETE FROM person_mentions WHERE mention = ?", (mention,))
    linked = [a for (raw,) in conn.execute(
        """SELECT v.content FROM reference_act_victims l JOIN reference_records r ON r.id = l.act
           JOIN reference_versions v ON v.record_id = r.id AND v.version = r.version
           WHERE l.source = ? AND l.title = ? ORDER BY r.id""", (source, content.get("title")))
        for a in json.loads(raw).get("acts", [])] if content.get("title") else []
    feat = reference_features(record_id, source, {**content, "acts": [*content.get("acts", []), *linked]})
    file_mentions(conn, [feat], split)


def reindex_titles(conn: Connection, source: str, titles: set[str], split: SplitState) -> None:
    """Re-file the reference persons of ``source`` titled ``titles`` (their acts, from the cases template, changed)."""
    for title in sorted(titles):
        rows = conn.execute("""SELECT r.id, v.content FROM reference_records r JOIN reference_versions v
                               ON v.record_id = r.id AND v.version = r.version
                               WHERE r.source = ? AND r.title = ? AND r.kind = 'person'""", (source, title)).fetchall()
        for record_id, raw in rows:
            index(conn, str(record_id), source, json.loads(raw), split)
