"""The perpetrator registry at HQ: which entries the coordinator grouped into which perpetrator.

Three kinds of perpetrator (docs/perpetrators.md):

- a **person** (``P-<uuid>``): entries linked by the coordinator; an individual entry never linked (one with a name,
  rank, role or description) is a person of its own, named by its entry id, as in the person registry;
- a **unit** (``unit:AGENCY/LEVEL/PLACE``): every entry whose organ/unit words parse to that unit, plus entries the
  coordinator linked to it (a link overrides the parse);
- a **facility** (``facility:<code>`` or ``facility:named:<words>``): every act naming it, plus linked acts.

Links, unlinks and "distinct" decisions are rows of the registry and entries of the audit log (who: this device; when;
why: the reason). They never alter a testimony: the registry is a layer above them.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from intake_app.consolidation.decisions import clean_name, clean_reason, unknown
from intake_app.errors import RefusedError, UsageError
from intake_app.perpetrators.entries import is_individual
from intake_app.perpetrators.units import parse_key
from intake_app.records import derived, vocabularies
from intake_app.records.derived import delete_keyed_by_record
from intake_app.records.ids import uuid7
from intake_app.vault.audit import AuditLog
from intake_app.vault.database import Connection, Transaction
from intake_app.vault.vault import Vault, utc_now

KINDS = ("person", "unit", "facility")
MAX_NAME = 512


def kind_of(perpetrator: str) -> str:
    """The kind a perpetrator id names: ``unit:…``, ``facility:…``, else a person (``P-…`` or an entry id)."""
    if perpetrator.startswith("unit:"):
        return "unit"
    if perpetrator.startswith("facility:"):
        return "facility"
    return "person"


class Registry:
    """Entries, links and decisions of one unlocked HQ vault."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self.conn = vault.conn
        self.audit = AuditLog(self.conn, vault.signing_key().public_key.key_id_hex)
        derived.catch_up(self.conn)  # perpetrator entries are kept by the stats index (wiring)

    # ---- reading
    def entry(self, entry: str) -> dict[str, Any]:
        row = self.conn.execute("SELECT data FROM perp_entries WHERE entry = ?", (entry,)).fetchone()
        if row is None:
            raise unknown("perpetrator entry", entry)
        data: dict[str, Any] = json.loads(row[0])
        return data

    def entries(self, where: str = "", params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        sql = "SELECT data FROM perp_entries " + where + " ORDER BY entry"  # noqa: S608 - where is a constant
        return [json.loads(r[0]) for r in self.conn.execute(sql, params)]

    def links(self) -> dict[tuple[str, str], str]:
        """(entry, kind) → perpetrator, for every link the coordinator made."""
        return {(str(e), str(k)): str(p) for e, k, p in
                self.conn.execute("SELECT entry, kind, perpetrator FROM perpetrator_links")}

    def perpetrators_of(self, data: dict[str, Any], links: dict[tuple[str, str], str]) -> dict[str, str]:
        """kind → perpetrator id for one entry."""
        out: dict[str, str] = {}
        entry = data["entry"]
        if "unit_text" in data:  # a perpetrator entry
            person = links.get((entry, "person"))
            if person is None and is_individual(data):
                person = entry
            if person is not None:
                out["person"] = person
            unit = links.get((entry, "unit")) or data.get("unit")
            if unit:
                out["unit"] = unit
        else:
            facility = links.get((entry, "facility")) or data.get("facility_key")
            if facility:
                out["facility"] = facility
        return out

    def members(self, perpetrator: str) -> list[dict[str, Any]]:
        """The entries that make up ``perpetrator`` (acts of a unit or facility, entries of a person)."""
        kind = kind_of(perpetrator)
        linked = [str(r[0]) for r in self.conn.execute(
            "SELECT entry FROM perpetrator_links WHERE perpetrator = ? AND kind = ?", (perpetrator, kind))]
        found: dict[str, dict[str, Any]] = {}
        for entry in linked:
            found[entry] = self.entry(entry)
        overridden = {str(r[0]) for r in self.conn.execute(
            "SELECT entry FROM perpetrator_links WHERE kind = ? AND perpetrator != ?", (kind, perpetrator))}
        derived: list[dict[str, Any]] = []
        if kind == "unit":
            derived = self.entries("WHERE unit = ?", (perpetrator,))
        elif kind == "facility":
            derived = [dict(d, facility_key=perpetrator) for d in
                       self.entries("WHERE facility = ? AND kind = 'facility'", (perpetrator,))]
        elif not perpetrator.startswith("P-") and perpetrator not in overridden:
            row = self.conn.execute("SELECT data FROM perp_entries WHERE entry = ? AND kind = 'perpetrator'",
                                    (perpetrator,)).fetchone()
            derived = [json.loads(row[0])] if row is not None and is_individual(json.loads(row[0])) else []
        for data in derived:
            if data["entry"] not in overridden:
                found.setdefault(data["entry"], data)
        return [found[k] for k in sorted(found)]

    def exists(self, perpetrator: str) -> bool:
        if self.members(perpetrator):
            return True
        return self.conn.execute("SELECT 1 FROM perpetrators WHERE id = ?", (perpetrator,)).fetchone() is not None

    def listing(self, kind: str | None = None) -> list[dict[str, Any]]:
        """Every perpetrator with its number of entries, acts and testimonies (persons, then units, then facilities)."""
        links = self.links()
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in self.conn.execute("SELECT kind, facility, data FROM perp_entries ORDER BY entry"):
            data = json.loads(row[2])
            if row[0] == "facility":
                data["facility_key"] = row[1]
            for k, perp in self.perpetrators_of(data, links).items():
                if kind is None or k == kind:
                    groups[perp].append(data)
        names = {str(i): n for i, n in self.conn.execute("SELECT id, name FROM perpetrators")}
        out: list[dict[str, Any]] = []
        for perp, members in groups.items():
            out.append({"perpetrator": perp, "kind": kind_of(perp), "name": names.get(perp),
                        "label": label_of(perp, members, names.get(perp)), "entries": len(members),
                        "acts": len({m["act"] for m in members}),
                        "testimonies": len({m["testimony"] for m in members})})
        order = {k: i for i, k in enumerate(KINDS)}
        out.sort(key=lambda p: (order[p["kind"]], -p["acts"], p["perpetrator"]))
        return out

    # ---- decisions
    def link(self, entries: list[str], perpetrator: str | None = None, reason: str | None = None) -> str:
        """Put ``entries`` into one perpetrator (a new person unless ``perpetrator`` names one); return its id."""
        reason = clean_reason(reason)
        if not entries or len(set(entries)) != len(entries):
            raise UsageError("name one or more different entries")
        datas = [self.entry(e) for e in entries]
        kind = kind_of(perpetrator) if perpetrator else "person"
        if kind == "unit" and perpetrator is not None and parse_key(perpetrator) is None:
            raise UsageError("a unit id is unit:ORGAN/LEVEL[/PLACE] with an organ code of the vocabulary")
        if kind == "facility" and perpetrator is not None and not _valid_facility(perpetrator):
            raise UsageError("a facility id is facility:CODE (facilities vocabulary) or facility:named:WORDS")
        wanted = "facility" if kind == "facility" else "perpetrator"
        for e, d in zip(entries, datas, strict=True):
            if ("unit_text" in d) != (wanted == "perpetrator"):
                raise UsageError(f"{e} is not a {'facility' if wanted == 'facility' else 'perpetrator'} entry")
        links = self.links()
        if perpetrator is None:
            current = {links[(e, "person")] for e in entries if (e, "person") in links}
            if len(current) > 1:
                raise RefusedError("these entries belong to different perpetrators already; name the one to keep "
                                   "with --perpetrator")
            perpetrator = current.pop() if current else f"P-{uuid7()}"
        elif kind == "person" and not perpetrator.startswith("P-"):
            raise UsageError("a person perpetrator id starts with P- (as printed by link)")
        elif kind == "person" and self.conn.execute("SELECT 1 FROM perpetrators WHERE id = ?",
                                                    (perpetrator,)).fetchone() is None:
            raise unknown("perpetrator", perpetrator)
        now = utc_now()
        with Transaction(self.conn):
            self.conn.execute("INSERT OR IGNORE INTO perpetrators (id, kind, name, created_at) VALUES (?, ?, NULL, ?)",
                              (perpetrator, kind, now))
            for e in entries:
                self.conn.execute("INSERT INTO perpetrator_links (entry, kind, perpetrator, linked_at) VALUES"
                                  " (?, ?, ?, ?) ON CONFLICT (entry, kind) DO UPDATE SET"
                                  " perpetrator = excluded.perpetrator, linked_at = excluded.linked_at",
                                  (e, kind, perpetrator, now))
            self.audit.append("perpetrator_link", now, perpetrator,
                              {"entries": sorted(entries), "kind": kind, "reason": reason})
        return perpetrator

    def unlink(self, entry: str, kind: str = "person", reason: str | None = None) -> str:
        """Take ``entry`` out of the perpetrator it was linked to (back to its own person, or its parsed unit)."""
        reason = clean_reason(reason)
        if kind not in KINDS:
            raise UsageError(f"kind must be one of {', '.join(KINDS)}")
        self.entry(entry)
        row = self.conn.execute("SELECT perpetrator FROM perpetrator_links WHERE entry = ? AND kind = ?",
                                (entry, kind)).fetchone()
        if row is None:
            raise RefusedError(f"{entry} is not linked to a {kind}")
        now = utc_now()
        with Transaction(self.conn):
            self.conn.execute("DELETE FROM perpetrator_links WHERE entry = ? AND kind = ?", (entry, kind))
            self.audit.append("perpetrator_unlink", now, str(row[0]), {"entry": entry, "kind": kind,
                                                                      "reason": reason})
        return str(row[0])

    def distinct(self, a: str, b: str, reason: str) -> None:
        """Record that entries ``a`` and ``b`` are not the same person: the pair is not proposed again."""
        cleaned = clean_reason(reason, required_for="these are not the same perpetrator")
        if a == b:
            raise UsageError("name two different entries")
        self.entry(a)
        self.entry(b)
        low, high = sorted((a, b))
        now = utc_now()
        with Transaction(self.conn):
            self.conn.execute("INSERT OR IGNORE INTO perpetrator_distinct (a, b, decided_at) VALUES (?, ?, ?)",
                              (low, high, now))
            self.audit.append("perpetrator_distinct", now, low, {"entries": [low, high], "reason": cleaned})

    def distinct_pairs(self) -> set[tuple[str, str]]:
        return {(str(a), str(b)) for a, b in self.conn.execute("SELECT a, b FROM perpetrator_distinct")}

    def rename(self, perpetrator: str, name: str) -> None:
        """The coordinator's preferred name for a perpetrator (shown in lists and profiles)."""
        cleaned = clean_name(name, limit=MAX_NAME)
        if cleaned is None:
            raise UsageError(f"a name is one printable line of at most {MAX_NAME} characters")
        name = cleaned
        now = utc_now()
        with Transaction(self.conn):
            self.conn.execute("INSERT INTO perpetrators (id, kind, name, created_at) VALUES (?, ?, ?, ?)"
                              " ON CONFLICT (id) DO UPDATE SET name = excluded.name",
                              (perpetrator, kind_of(perpetrator), name, now))
            self.audit.append("perpetrator_name", now, perpetrator, {"name": name})


def _valid_facility(key: str) -> bool:
    rest = key[len("facility:"):]
    if rest.startswith("named:"):
        return bool(rest[6:].strip())
    return rest in vocabularies.load("facilities")


def label_of(perpetrator: str, members: list[dict[str, Any]], name: str | None = None) -> dict[str, str]:
    """A short Korean and English label: the preferred name, else what the entries say."""
    if name:
        return {"ko": name, "en": name}
    kind = kind_of(perpetrator)
    if kind == "unit":
        unit = parse_key(perpetrator)
        if unit is not None:
            return {"ko": unit.label("ko"), "en": unit.label("en")}
    if kind == "facility":
        code = perpetrator[len("facility:"):]
        if code in vocabularies.load("facilities"):
            entry = vocabularies.load("facilities").get(code)
            return {"ko": entry.ko, "en": entry.en}
        words = next((m.get("facility") for m in members if m.get("facility")), code.removeprefix("named:"))
        return {"ko": str(words), "en": str(words)}
    parts: list[str] = []
    for key in ("name", "rank", "unit_text", "role"):
        value = next((m.get(key) for m in members if m.get(key)), None)
        if value:
            parts.append(str(value))
    text = " · ".join(parts) or perpetrator
    return {"ko": text, "en": text}


REGISTRY_TABLES = ("perpetrators", "perpetrator_links", "perpetrator_distinct")


def remove_testimonies(conn: Connection, record_ids: Sequence[str]) -> None:
    """Purge: the links and "not the same" decisions naming these testimonies' entries, and every perpetrator left
    with no link (its name came from them), in the caller's transaction."""
    linked = {str(r[0]) for r in conn.execute("SELECT DISTINCT perpetrator FROM perpetrator_links")}
    delete_keyed_by_record(conn, "perpetrator_links", ("entry",), record_ids)
    delete_keyed_by_record(conn, "perpetrator_distinct", ("a", "b"), record_ids)
    left = {str(r[0]) for r in conn.execute("SELECT DISTINCT perpetrator FROM perpetrator_links")}
    conn.executemany("DELETE FROM perpetrators WHERE id = ?", [(p,) for p in sorted(linked - left)])
