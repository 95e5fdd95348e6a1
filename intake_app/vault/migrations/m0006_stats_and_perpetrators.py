"""Issue 15: the statistics fact table and the perpetrator registry.

The fact table is derived data: one row per (dimension, value, mention), rebuilt from a testimony's current revision
whenever that revision changes (``intake_app.stats.facts.sync``), so it never needs a data migration of its own: this
step creates it empty and the first query fills it. The perpetrator registry holds the coordinator's decisions only
(links, distinct pairs, preferred names); the claims are computed from the testimonies, which are never rewritten.
"""

from intake_app.vault.database import Connection

STATEMENTS = (
    # One row per testimony the facts were built from, with the revision they reflect: a record whose current
    # revision differs (a save, an import, a resolved conflict, a delete) is rebuilt at the next sync.
    """CREATE TABLE stat_testimonies (
         tid INTEGER PRIMARY KEY,
         record_id TEXT NOT NULL UNIQUE,
         rev TEXT NOT NULL
       ) STRICT""",
    # A mention: a victim of a testimony (victim = its stable id, mid > 0) or the testimony itself (victim = '',
    # mid = -tid), so "victims only" is the condition mid > 0 on the facts' own key.
    """CREATE TABLE stat_mentions (
         mid INTEGER PRIMARY KEY,
         tid INTEGER NOT NULL REFERENCES stat_testimonies (tid),
         victim TEXT NOT NULL,
         UNIQUE (tid, victim)
       ) STRICT""",
    # The facts, clustered by (dim, value): a single-dimension query is one range scan of one B-tree, counted in SQL.
    # tid (the testimony of the mention) is repeated here so testimonies are counted without a join.
    """CREATE TABLE stat_facts (
         dim TEXT NOT NULL,
         value TEXT NOT NULL,
         mid INTEGER NOT NULL,
         tid INTEGER NOT NULL,
         PRIMARY KEY (dim, value, mid)
       ) STRICT, WITHOUT ROWID""",
    "CREATE INDEX stat_facts_by_mention ON stat_facts (mid, dim)",
    "CREATE INDEX stat_facts_by_testimony ON stat_facts (tid, dim)",
    # Derived like the facts: every perpetrator entry (TID/VID/AID/PID) and facility named by an act (TID/VID/AID) of
    # the current revisions, with its unit or facility key and what the profile shows (JSON), for the registry.
    """CREATE TABLE perp_entries (
         entry TEXT PRIMARY KEY,
         tid INTEGER NOT NULL,
         kind TEXT NOT NULL CHECK (kind IN ('perpetrator', 'facility')),
         unit TEXT,
         facility TEXT,
         data TEXT NOT NULL
       ) STRICT""",
    "CREATE INDEX perp_entries_by_testimony ON perp_entries (tid)",
    "CREATE INDEX perp_entries_by_unit ON perp_entries (unit) WHERE unit IS NOT NULL",
    "CREATE INDEX perp_entries_by_facility ON perp_entries (facility) WHERE facility IS NOT NULL",
    # Perpetrator registry: a perpetrator (person, unit or facility) the coordinator named or linked entries to.
    """CREATE TABLE perpetrators (
         id TEXT PRIMARY KEY,
         kind TEXT NOT NULL CHECK (kind IN ('person', 'unit', 'facility')),
         name TEXT,
         created_at TEXT NOT NULL
       ) STRICT""",
    # entry = TID/VID/AID/PID (a perpetrator entry) or TID/VID/AID (an act's facility); one link per entry and kind.
    """CREATE TABLE perpetrator_links (
         entry TEXT NOT NULL,
         kind TEXT NOT NULL,
         perpetrator TEXT NOT NULL REFERENCES perpetrators (id),
         linked_at TEXT NOT NULL,
         PRIMARY KEY (entry, kind)
       ) STRICT""",
    "CREATE INDEX perpetrator_links_by_perpetrator ON perpetrator_links (perpetrator)",
    # "Not the same": the pair (a < b) is never proposed again.
    """CREATE TABLE perpetrator_distinct (
         a TEXT NOT NULL,
         b TEXT NOT NULL,
         decided_at TEXT NOT NULL,
         PRIMARY KEY (a, b),
         CHECK (a < b)
       ) STRICT""",
)


def upgrade(conn: Connection) -> None:
    for statement in STATEMENTS:
        conn.execute(statement)
