"""Issue 30: how many mentions carry each name key and each corroborating value, kept up to date by triggers.

``person_counts (key, n)`` is derived from ``person_mentions``: for every mention, +1 on ``*`` (all mentions), on each
of its name keys (``name:…``, ``hangul:…``, ``hanja:…``, ``roman:…``), on ``born:<year>`` when its birth year is exact,
on ``place:<place>`` for its home place and each act's place (once per distinct place), and on ``facility:<facility>``
for each act's facility, on ``cat:<code>`` for each victim category. The candidate score weighs an agreement by
how rare the agreeing value is
(docs/persons.md, "Frequency weights"), so the counts must follow every change of the index whoever writes it
(``refresh_index``, the purge, an archive's reference persons): the triggers count on insert and uncount on delete,
and a row whose count falls to 0 is removed. Nothing is rebuilt per query. Filled here from the rows already indexed.
"""

from intake_app.vault.database import Connection

_VALUES = (
    "SELECT '*' AS k UNION SELECT value FROM json_each(@F, '$.nk')"
    " UNION SELECT 'born:' || json_extract(@F, '$.by[0]') WHERE json_extract(@F, '$.by[0]') = json_extract(@F, '$.by[1]')"
    " UNION SELECT 'place:' || json_extract(@F, '$.home') WHERE json_extract(@F, '$.home') IS NOT NULL"
    " UNION SELECT 'place:' || json_extract(value, '$[1]') FROM json_each(@F, '$.acts')"
    " WHERE json_extract(value, '$[1]') IS NOT NULL"
    " UNION SELECT 'facility:' || json_extract(value, '$[3]') FROM json_each(@F, '$.acts')"
    " WHERE json_extract(value, '$[3]') IS NOT NULL"
    " UNION SELECT 'cat:' || value FROM json_each(@F, '$.cat')"
)


def values(f: str) -> str:
    """The SELECT of the counted keys of one mention's features (``NEW.features``, ``OLD.features``, ``:f``), each
    once."""
    return _VALUES.replace("@F", f)


STATEMENTS = (
    "CREATE TABLE IF NOT EXISTS person_counts (key TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID",
    f"""CREATE TRIGGER IF NOT EXISTS person_counts_add AFTER INSERT ON person_mentions BEGIN
        INSERT INTO person_counts (key, n) SELECT k, 1 FROM ({values('NEW.features')}) WHERE k IS NOT NULL
            ON CONFLICT (key) DO UPDATE SET n = n + 1; END""",  # noqa: S608 - no input in it
    f"""CREATE TRIGGER IF NOT EXISTS person_counts_remove AFTER DELETE ON person_mentions BEGIN
        UPDATE person_counts SET n = n - 1 WHERE key IN ({values('OLD.features')});
        DELETE FROM person_counts WHERE n <= 0 AND key IN ({values('OLD.features')}); END""",  # noqa: S608
    f"""CREATE TRIGGER IF NOT EXISTS person_counts_change AFTER UPDATE OF features ON person_mentions BEGIN
        UPDATE person_counts SET n = n - 1 WHERE key IN ({values('OLD.features')});
        DELETE FROM person_counts WHERE n <= 0 AND key IN ({values('OLD.features')});
        INSERT INTO person_counts (key, n) SELECT k, 1 FROM ({values('NEW.features')}) WHERE k IS NOT NULL
            ON CONFLICT (key) DO UPDATE SET n = n + 1; END""",  # noqa: S608 - no input in it
)


def upgrade(conn: Connection) -> None:
    for statement in STATEMENTS:
        conn.execute(statement)
    conn.execute("DELETE FROM person_counts")
    for (features,) in conn.execute("SELECT features FROM person_mentions").fetchall():
        conn.execute(f"INSERT INTO person_counts (key, n) SELECT k, 1 FROM ({values(':f')}) WHERE k IS NOT NULL"  # noqa: S608
                     " ON CONFLICT (key) DO UPDATE SET n = n + 1", {"f": features})
