"""Benchmark vault search: the FTS5 n-gram index against a brute-force substring scan, on a real SQLCipher vault.

    .venv/bin/python bench/search.py [--docs 20000 100000] [--seed 7] [--repeat 5] [--cache DIR] [--rebuild]
                                     [--sql-scan] [--cache-mib N]

For each size, builds (or reuses, from a private cache folder) a SQLCipher 4 database holding N synthetic Korean
testimonies, opened as the vault opens its database (same pragmas, 64 MiB page cache), then times
``SearchIndex.search(q, limit=50)`` per query class, wall and CPU time, against a brute-force scan measured in the same
run: Python's substring test over every document's fields, already normalised and in memory (the fastest a scan can
be; ``--sql-scan`` adds an SQL ``instr()`` scan over the stored text). It checks that the index returns exactly the
scan's set for every query, and prints one figure per class (p95, target <= 15 ms) with the load average beside it.
The corpus is synthetic (generated from a vocabulary, fixed seed), never real testimony; the key is derived from the
seed and the file name from the seed and the search schema, so a cache built by another schema is never reused.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._report import CACHE, figure, private_dir
from intake_app.search.index import SEARCH_SCHEMA, SearchIndex
from intake_app.search.tokens import normalize, presence_tokens, quad_column
from intake_app.vault.database import Connection, open_encrypted

SURNAMES = (
    "김이박최정강조윤장임한오서신권황안송류홍전고문양손배백허유남심노하곽성차주우구민"
    "진나지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용"
)
GIVEN = "철영순희수민정성호진경숙자남혁광명국일용석춘화옥금복동길만학원태선미란향련애림별"
PROVINCES = ["함경북도", "양강도", "함경남도", "자강도", "평안북도", "황해남도", "강원도", "평양시"]
PLACES = [
    "온성군",
    "회령시",
    "무산군",
    "청진시",
    "혜산시",
    "새별군",
    "경원군",
    "종성",
    "남양",
    "삼지연시",
    "신의주시",
    "김책시",
    "함흥시",
    "단천시",
    "길주군",
    "명천군",
    "연사군",
    "대홍단군",
    "보천군",
    "운흥군",
    "길림성 연길시",
    "도문시",
    "훈춘시",
    "장백현",
    "단동시",
    "심양",
    "화룡시",
    "용정시",
]
ORGANS = [
    "국가보위성",
    "보위부",
    "도 보위부",
    "군 보위부",
    "인민보안성",
    "안전부",
    "보안서",
    "보안원",
    "안전원",
    "중국 공안",
    "공안국",
    "변방대",
    "국경경비대",
    "검찰소",
    "재판소",
    "집결소",
    "노동단련대",
    "교화소",
    "관리소",
    "구류장",
    "예심과",
    "반탐과",
    "보위지도원",
    "경찰",
]
ACTS = [
    "체포되었다",
    "끌려갔다",
    "강제북송되었다",
    "조사를 받았다",
    "구타를 당했다",
    "행방불명되었다",
    "넘겨졌다",
    "이송되었다",
    "수감되었다",
    "사망했다는 소식을 들었다",
    "다시는 돌아오지 않았다",
    "재판 없이 보내졌다",
]
NOUNS = [
    "어머니",
    "아버지",
    "남편",
    "아내",
    "아들",
    "딸",
    "오빠",
    "언니",
    "동생",
    "삼촌",
    "이웃",
    "친구",
    "브로커",
    "밀수꾼",
    "장사꾼",
    "교회",
    "성경",
    "전화",
    "돈",
    "쌀",
    "옥수수",
    "장마당",
    "기차",
    "트럭",
    "강",
    "두만강",
    "압록강",
    "산",
    "집",
    "학교",
    "공장",
    "탄광",
    "농장",
    "병원",
    "감옥",
    "사진",
    "편지",
    "손전화",
    "한국 드라마",
]
CONNECTIVES = ["그 후", "그때", "며칠 뒤", "다음 해", "그날 밤", "새벽에", "겨울에", "봄에", "얼마 후", "결국"]
ROMAN = ["Kim", "Lee", "Park", "Choi", "Ryu", "Han", "Jang", "Oh", "Song", "Hong"]
ROMAN_GIVEN = ["Chol-su", "Young-hee", "Un-hee", "Myong-chol", "Song-ho", "Kyong-suk", "Hyok", "Il-nam"]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))


def _sentence(rng: random.Random) -> str:
    year = rng.randint(1990, 2023)
    kind = rng.randrange(7)
    if kind == 0:
        return f"{year}년 {rng.randint(1, 12)}월 {rng.choice(PLACES)}에서 {rng.choice(ORGANS)}에 {rng.choice(ACTS)}."
    if kind == 1:
        return f"{rng.choice(CONNECTIVES)} {_name(rng)}의 {rng.choice(NOUNS)}가 {rng.choice(ORGANS)}에 {rng.choice(ACTS)}."
    if kind == 2:
        where = f"{rng.choice(PROVINCES)} {rng.choice(PLACES)} {rng.choice(ORGANS)}"
        return f"{where}에서 {rng.choice(NOUNS)} 때문에 조사를 받았다."
    if kind == 3:
        return f"탈북하여 {rng.choice(PLACES)}에 있다가 {rng.choice(ORGANS)}에게 잡혔고 {rng.choice(ACTS)}."
    if kind == 4:
        return f"{rng.choice(NOUNS)}을 팔러 {rng.choice(PLACES)}에 갔다가 {rng.choice(CONNECTIVES)} {rng.choice(ACTS)}."
    if kind == 5:
        return f"({rng.choice(ROMAN)} {rng.choice(ROMAN_GIVEN)}, {year}) {rng.choice(NOUNS)}와 함께 {rng.choice(ACTS)}."
    return f"{_name(rng)} 씨는 {rng.choice(ORGANS)} 소속 {rng.choice(('상위', '중위', '소좌', '대위'))}였다고 했다."


def make_testimony(rng: random.Random) -> dict[str, str]:
    """One synthetic testimony: a narrative of ~300-2000 characters and a few short fields."""
    target = rng.randint(300, 2000)
    parts: list[str] = []
    size = 0
    while size < target:
        sentence = _sentence(rng)
        parts.append(sentence)
        size += len(sentence) + 1
    surname = rng.randrange(len(ROMAN))
    return {
        "narrative": " ".join(parts),
        "victim_name_hangul": _name(rng),
        "victim_name_roman": f"{ROMAN[surname]} {rng.choice(ROMAN_GIVEN)}",
        "place_last_seen": f"{rng.choice(PROVINCES)} {rng.choice(PLACES)}",
        "perpetrator_unit": rng.choice(ORGANS),
        "description": f"{rng.choice(ACTS)} {rng.randint(1990, 2023)}",
    }


QUERIES: dict[str, list[str]] = {
    "1-syllable": ["김", "류", "혜", "옥", "뷁", "맹", "강", "의"],
    "2-syllable": ["경찰", "보위", "탈북", "온성", "공안", "북송", "회령", "장마", "두만", "철수"],
    "3+-syllable": ["보위부", "온성군 보위부", "노동단련대", "집결소에서", "강제북송되었다", "함경북도 회령시", "탈북하여"],
    "latin/digits": ["Kim", "Ryu Un", "chol-su", "1998", "Hong Hyok", "1998년 3월"],
    "rare/absent": ["홍길동", "뷁뷁", "평양시 보위부 반탐과", "zzq", "김정숙 씨는"],
}


TARGET_MS = 15.0


def schema_tag() -> str:
    """Names the index layout a cached corpus was built with: the schema and the tokens of a probe text."""
    probe = [normalize("온성군 보위부 Kim 1998")]
    text = "\n".join([*SEARCH_SCHEMA, quad_column(probe), " ".join(sorted(presence_tokens(probe, 3).split()))])
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def build(path: Path, key: bytes, docs: int, seed: int) -> tuple[float, float]:
    """Index ``docs`` synthetic testimonies into a new database at ``path``; returns (wall, CPU) seconds."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    conn = open_encrypted(path, key, create=True)
    for statement in SEARCH_SCHEMA:
        conn.execute(statement)
    index = SearchIndex(conn)
    rng = random.Random(seed)
    started, cpu = time.perf_counter(), time.process_time()
    batch = 1000
    for start in range(0, docs, batch):
        conn.execute("BEGIN")
        for n in range(start, min(docs, start + batch)):
            index.upsert(f"doc-{n:07d}", make_testimony(rng))
        conn.execute("COMMIT")
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return elapsed, cpu


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _row(label: str, values: list[float]) -> str:
    return (
        f"{label:<30} p50 {statistics.median(values) * 1000:8.1f} ms  p95 {_pct(values, 0.95) * 1000:8.1f} ms"
        f"  max {max(values) * 1000:8.1f} ms"
    )


def _load() -> str:
    return "load average " + " / ".join(f"{x:.1f}" for x in os.getloadavg())


def _sizes(conn: Connection, path: Path) -> None:
    size = os.path.getsize(path)
    text_bytes, chars = conn.execute(
        "SELECT sum(length(CAST(fields AS BLOB))), sum(length(fields)) FROM search_text"
    ).fetchone()
    print(f"db size: {size / 2**20:.1f} MiB = {size / chars:.1f} bytes per stored character;"
          f" stored field text (UTF-8 JSON) {text_bytes / 2**20:.1f} MiB")
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE name LIKE 'search%' AND sql LIKE '%fts5%'"):
        data = conn.execute(f"SELECT sum(length(block)) FROM {table}_data").fetchone()[0] or 0
        print(f"  {table}: {data / 2**20:.1f} MiB ({data / chars:.2f} bytes/char)")


def run_size(args: argparse.Namespace, docs: int) -> bool | None:
    """Measure one corpus size: whether every class met the target, or None if the index disagreed with the scan."""
    path = args.cache / f"vault-{docs}-{args.seed}-{schema_tag()}.db"
    key = hashlib.sha256(f"search-bench-{args.seed}".encode()).digest()
    print(f"\n##### {docs} testimonies ({_load()})")
    if args.rebuild or not path.exists():
        wall, cpu = build(path, key, docs, args.seed)
        print(f"build: {docs} testimonies in {wall:.1f} s wall, {cpu:.1f} s CPU ({wall / docs * 1000:.2f} ms each;"
              f" {_load()})")
    else:
        print(f"build: reusing {path} (pass --rebuild to time the build)")
    conn = open_encrypted(path, key)
    if args.cache_mib:
        conn.execute(f"PRAGMA cache_size = -{args.cache_mib * 1024}")
    print("page cache:", conn.execute("PRAGMA cache_size").fetchone()[0], "(negative: KiB)")
    index = SearchIndex(conn)
    _sizes(conn, path)
    rng = random.Random(args.seed + 1)
    single: list[float] = []
    for n in range(30):
        fields = make_testimony(rng)
        t0 = time.perf_counter()
        conn.execute("BEGIN")
        index.upsert(f"doc-{n * 3331 % docs:07d}", fields)
        conn.execute("COMMIT")
        single.append(time.perf_counter() - t0)
    print(_row("one upsert + COMMIT", single), "(replacing a document, synchronous=FULL)")
    print("loading and normalising every document for the brute-force scan ...")
    scanned = [
        (doc_id, [normalize(text) for text in json.loads(fields).values()])
        for doc_id, fields in conn.execute("SELECT doc_id, fields FROM search_doc JOIN search_text USING (id)")
    ]

    every_ok = True
    all_wall: list[float] = []
    all_scan: list[float] = []
    for label, queries in QUERIES.items():
        t_wall: list[float] = []
        t_cpu: list[float] = []
        t_count: list[float] = []
        t_scan: list[float] = []
        t_sql: list[float] = []
        counts = []
        for query in queries:
            for _ in range(args.repeat):  # timed before anything else reads this query's postings
                t0, c0 = time.perf_counter(), time.thread_time()
                index.search(query, limit=50)
                t_wall.append(time.perf_counter() - t0)
                t_cpu.append(time.thread_time() - c0)
            needle = normalize(query)
            t0 = time.perf_counter()
            expected = {doc_id for doc_id, texts in scanned if any(needle in text for text in texts)}
            t_scan.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            count = index.count(query)
            t_count.append(time.perf_counter() - t0)
            if index.matching_ids(query) != expected or count != len(expected):
                print(f"MISMATCH for {query!r}: index {count} vs scan {len(expected)}")
                return None
            if args.sql_scan:
                t0 = time.perf_counter()
                conn.execute("SELECT count(*) FROM search_text WHERE instr(lower(fields), ?) > 0",
                             (query.lower(),)).fetchone()
                t_sql.append(time.perf_counter() - t0)
            counts.append(len(expected))
        print(f"{label}: {', '.join(f'{q} ({c})' for q, c in zip(queries, counts, strict=True))}")
        print(_row("  index search, wall", t_wall), f"({_load()})")
        print(_row("  index search, CPU", t_cpu))
        print(_row("  index count(), wall", t_count))
        print(_row("  brute-force scan, wall", t_scan))
        if t_sql:
            print(_row("  SQL instr() scan, wall", t_sql))
        p95, scan95 = _pct(t_wall, 0.95) * 1000, _pct(t_scan, 0.95) * 1000
        print(f"  p95 scan / index = {scan95 / p95:.0f}x; all {len(counts)} queries equal the scan")
        figure(f"search p95, {label}, {docs} testimonies (limit 50)", p95, "ms",
               reference="brute-force substring scan p95", reference_value=scan95, target=f"<= {TARGET_MS:g} ms",
               ok=p95 <= TARGET_MS, note=f"CPU p95 {_pct(t_cpu, 0.95) * 1000:.1f} ms; {_load()}")
        every_ok &= p95 <= TARGET_MS
        all_wall.extend(t_wall)
        all_scan.extend(t_scan)
    print(_row("ALL queries: index search", all_wall), f"({_load()})")
    conn.close()
    return every_ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, nargs="+", default=[20_000, 100_000], help="corpus sizes, in testimonies")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each query against the index")
    parser.add_argument("--cache", type=Path, default=CACHE / "search", help="folder for the corpora kept between runs "
                        "(default: %(default)s)")
    parser.add_argument("--rebuild", action="store_true", help="build the corpus again (and time the build)")
    parser.add_argument("--sql-scan", action="store_true", help="also time an SQL instr() scan of the stored text")
    parser.add_argument("--cache-mib", type=int, default=0, help="PRAGMA cache_size for the query phase (0: the "
                        "vault's own)")
    args = parser.parse_args()
    os.umask(0o077)
    private_dir(args.cache)
    results = [run_size(args, docs) for docs in args.docs]
    if None in results:
        return 1
    print(f"\n{_load()}; every class within {TARGET_MS:g} ms at p95: {all(results)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
