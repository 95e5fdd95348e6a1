"""Benchmark vault search: bigram FTS5 index against plain substring scans, on a real SQLCipher vault.

    .venv/bin/python bench/search.py [--docs 100000] [--seed 7] [--cache DIR] [--rebuild]

Builds (or reuses, from a private cache directory) a SQLCipher 4 database holding N synthetic Korean testimonies,
then times ``SearchIndex.search(q, limit=50)`` per query class against, in the same run, an SQL ``instr()`` scan over
the stored text and the Python ``reference_scan``; it also checks that the index returns exactly the reference set.
The corpus is synthetic (generated from a vocabulary, fixed seed), never real testimony; the cache key is derived
from the seed, so nothing secret is written.
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

import sqlcipher3

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._report import CACHE
from intake_app.search.index import SEARCH_SCHEMA, SearchIndex, reference_scan
from intake_app.search.tokens import normalize

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


def open_vault(path: Path, key_hex: str) -> sqlcipher3.Connection:
    conn = sqlcipher3.connect(str(path), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{key_hex}'\"")
    conn.execute("PRAGMA cipher_page_size = 8192")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA temp_store=MEMORY")
    return conn


def build(path: Path, key_hex: str, docs: int, seed: int) -> float:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    conn = open_vault(path, key_hex)
    for statement in SEARCH_SCHEMA:
        conn.execute(statement)
    index = SearchIndex(conn)
    rng = random.Random(seed)
    started = time.perf_counter()
    batch = 1000
    for start in range(0, docs, batch):
        conn.execute("BEGIN")
        for n in range(start, min(docs, start + batch)):
            index.upsert(f"doc-{n:07d}", make_testimony(rng))
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return elapsed


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _row(label: str, values: list[float]) -> str:
    return (
        f"{label:<26} p50 {statistics.median(values) * 1000:9.1f} ms  p95 {_pct(values, 0.95) * 1000:9.1f} ms"
        f"  max {max(values) * 1000:9.1f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each query against the index")
    parser.add_argument("--cache", type=Path, default=CACHE / "search", help="folder for the corpus kept between runs "
                        "(default: %(default)s)")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--cache-mib", type=int, default=0, help="PRAGMA cache_size for the query phase (0: default)")
    args = parser.parse_args()

    args.cache.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = args.cache / f"vault-{args.docs}-{args.seed}.db"
    key_hex = hashlib.sha256(f"search-bench-{args.seed}".encode()).hexdigest()
    if args.rebuild or not path.exists():
        seconds = build(path, key_hex, args.docs, args.seed)
        print(f"build: {args.docs} testimonies in {seconds:.1f} s ({seconds / args.docs * 1000:.2f} ms each)")
    else:
        print(f"build: reusing {path} (pass --rebuild to time the build)")
    conn = open_vault(path, key_hex)
    if args.cache_mib:
        conn.execute(f"PRAGMA cache_size = -{args.cache_mib * 1024}")
    print("page cache:", conn.execute("PRAGMA cache_size").fetchone()[0], "(negative: KiB)")
    index = SearchIndex(conn)
    size = os.path.getsize(path)
    text_bytes, chars = conn.execute(
        "SELECT sum(length(CAST(fields AS BLOB))), sum(length(fields)) FROM search_text"
    ).fetchone()
    print(
        f"db size: {size / 2**20:.1f} MiB = {size / chars:.1f} bytes per stored character;"
        f" of which stored field text (UTF-8 JSON) {text_bytes / 2**20:.1f} MiB"
    )

    for table in ("search_bigram", "search_char", "search_short"):
        data, docsize = (
            conn.execute(f"SELECT sum(length(block)) FROM {table}_data").fetchone()[0],
            conn.execute(f"SELECT sum(length(sz)) FROM {table}_docsize").fetchone()[0],
        )
        print(f"  {table}: segments {data / 2**20:.1f} MiB ({data / chars:.2f} bytes/char), sizes {docsize / 2**20:.1f} MiB")
    rng = random.Random(args.seed + 1)
    single: list[float] = []
    for n in range(30):
        fields = make_testimony(rng)
        t0 = time.perf_counter()
        conn.execute("BEGIN")
        index.upsert(f"doc-{n * 3331 % args.docs:07d}", fields)
        conn.execute("COMMIT")
        single.append(time.perf_counter() - t0)
    print(_row("one upsert + COMMIT", single), "(replacing a document, synchronous=FULL)")
    print("loading documents for the Python reference scan ...")
    docs = [
        (doc_id, json.loads(fields))
        for doc_id, fields in conn.execute("SELECT doc_id, fields FROM search_doc JOIN search_text USING (id)")
    ]
    normalized = [(doc_id, [normalize(t) for t in f.values()]) for doc_id, f in docs]

    print(f"\n{'class / query':<26} {'matches':>8}")
    totals_index: list[float] = []
    totals_cpu: list[float] = []
    all_sql: list[float] = []
    for label, queries in QUERIES.items():
        t_index: list[float] = []
        t_cpu: list[float] = []
        t_count: list[float] = []
        t_sql: list[float] = []
        t_py: list[float] = []
        for query in queries:
            expected = reference_scan(docs, query)
            got = index.matching_ids(query)
            if got != expected or index.count(query) != len(expected):
                print(f"MISMATCH for query class {label}: index {len(got)} vs reference {len(expected)}")
                return 1
            for _ in range(args.repeat):
                t0, c0 = time.perf_counter(), time.thread_time()
                index.search(query, limit=50)
                t_index.append(time.perf_counter() - t0)
                t_cpu.append(time.thread_time() - c0)
            t0 = time.perf_counter()
            index.count(query)
            t_count.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            conn.execute(
                "SELECT id FROM search_text WHERE instr(lower(fields), ?) > 0 LIMIT 50", (query.lower(),)
            ).fetchall()
            sql_limited = time.perf_counter() - t0
            t0 = time.perf_counter()
            conn.execute("SELECT count(*) FROM search_text WHERE instr(lower(fields), ?) > 0", (query.lower(),)).fetchone()
            t_sql.append(max(sql_limited, time.perf_counter() - t0))
            needle = normalize(query)
            t0 = time.perf_counter()
            _ = [d for d, fields in normalized if any(needle in f for f in fields)]
            t_py.append(time.perf_counter() - t0)
            print(f"  {query:<24} {len(expected):>8}")
        totals_index.extend(t_index)
        totals_cpu.extend(t_cpu)
        all_sql.extend(t_sql)
        print(_row(f"{label}: index search", t_index))
        print(_row(f"{label}: (its CPU time)", t_cpu))
        print(_row(f"{label}: index count", t_count))
        print(_row(f"{label}: SQL instr scan", t_sql))
        print(_row(f"{label}: Python scan", t_py))
        print(
            f"{'':<26} ratio p95 SQL scan / index = {_pct(t_sql, 0.95) / _pct(t_index, 0.95):.0f}x,"
            f" Python scan / index = {_pct(t_py, 0.95) / _pct(t_index, 0.95):.0f}x\n"
        )
    print(_row("ALL queries: index search", totals_index))
    from bench._report import figure  # noqa: PLC0415 - the repo is on sys.path

    p95 = _pct(totals_index, 0.95) * 1000
    figure(f"search p95 at {args.docs} testimonies (limit 50)", p95, "ms", reference="SQL instr() scan p95",
           reference_value=_pct(all_sql, 0.95) * 1000, target="<= 50 ms", ok=p95 <= 50)
    print(_row("ALL queries: (CPU time)", totals_cpu))
    print(f"load average during the run: {os.getloadavg()}")
    conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
