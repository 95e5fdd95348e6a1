"""Render page 1 of a sample WGEID case and a sample sanctions dossier to PNG: ``python -m tools.screenshots_exports
OUTDIR``.

The PDFs are made by the real exports on a throwaway HQ vault (``fast`` key-derivation profile, in a temporary
directory erased afterwards) holding one invented testimony, then rendered with poppler's ``pdftoppm``; look at the
PNGs to check that Hangul is drawn with the embedded font and nothing is cut off.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SAMPLE = {
    "id": "0190f6b8-7a1c-7d2e-9f00-00000000abcd",
    "interview": {"date": "2024-05-02", "place": "Seoul", "language": "ko", "interviewer": "I-03"},
    "interviewee": {"pseudonym": "W-117", "relation": "sister"},
    "consent": {p: {"value": "granted", "anonymity": "full_name", "date": "2024-05-02"}
                for p in ("wgeid", "perpetrator_profiling", "government_partners")},
    "victims": [{
        "id": "v1", "names": [{"hangul": "류은별", "roman": "Ryu Un-byol", "system": "MR"}], "sex": "F",
        "birth": "1975~", "birth_text": "을묘년쯤", "origin": "함경북도 온성군", "categories": [6, 7], "status": "missing",
        "acts": [
            {"id": "a1", "type": "arrest", "date": "2011-09", "date_text": "2011년 9월 추석 무렵", "place": "Hyesan",
             "source": "first_hand",
             "perpetrators": [{"organ": "MSS_CITY_COUNTY", "unit": "온성군 보위부", "rank": "상위", "name": "김성만",
                               "description": "왼손에 화상 흉터", "identification": "named"}]},
            {"id": "a2", "type": "detention", "follows": "a1", "date": "2011-23", "place": "Onsong",
             "facility": "온성군 보위부 구류장", "facility_type": "kuryujang", "source": "hearsay",
             "perpetrators": [{"organ": "MSS_CITY_COUNTY", "unit": "온성군 보위부", "identification": "unit_only"}]}],
        "steps_taken": [{"date": "2012-03", "body": "대한적십자사", "action": "이산가족 생사확인 신청",
                         "response": "회신 없음"}],
    }],
}


def main(out_dir: Path) -> list[Path]:
    os.environ["INTAKE_KDF_PROFILE"] = "fast"
    from intake_app.exports import pipeline, settings, sources  # noqa: PLC0415 - after the KDF profile is set
    from intake_app.exports.base import ExportRequest  # noqa: PLC0415
    from intake_app.exports.dossier import load_subject  # noqa: PLC0415
    from intake_app.records.store import RecordStore  # noqa: PLC0415
    from intake_app.vault.vault import Vault  # noqa: PLC0415

    out_dir.mkdir(parents=True, exist_ok=True)
    made: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        vault, _ = Vault.create(root / "hq", "throwaway sample vault passphrase", "hq")
        with vault:
            RecordStore(vault).add_json(json.dumps(SAMPLE, ensure_ascii=False).encode("utf-8"))
            org = settings.save(vault, name="Transitional Justice Working Group", contact="cases@example.org")
            mention = f"{SAMPLE['id']}/v1"
            jobs = []
            for lang in ("en", "es"):
                jobs.append((f"export-wgeid-{lang}", ExportRequest(
                    format="wgeid", purpose="wgeid", mentions=(mention,), out_dir=root / f"w-{lang}",
                    subject=mention, options={"lang": lang, "organisation": org})))
            subject = load_subject(vault, "온성군 보위부")
            jobs.append(("export-dossier-en", ExportRequest(
                format="dossier", purpose="government_partners", mentions=subject.mentions, out_dir=root / "d",
                subject="온성군 보위부", person_of=sources.person_map(vault),
                options={"profile": subject, "organisation": org})))
            for name, request in jobs:
                result = pipeline.run_export(vault, request)
                pdf = next(f.path for f in result.files if f.name.endswith(".pdf"))
                command = [shutil.which("pdftoppm") or "pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1",
                           "-singlefile", str(pdf), str(out_dir / name)]
                subprocess.run(command, check=True)  # noqa: S603 - a fixed program on our own files
                made.append(out_dir / f"{name}.png")
    return made


if __name__ == "__main__":
    for path in main(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots/out")):
        sys.stdout.write(f"{path}\n")
