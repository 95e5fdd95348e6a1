"""Screenshots of the Statistics and Perpetrators pages (called by ``python -m tools.screenshots OUTDIR``).

An HQ vault gets 300 seeded synthetic testimonies (tests/stats/generator.py, the statistics tests' generator) and the
three testimonies of the profile test that name 온성군 보위부 and a 상위 with a burn scar, whose entries are linked.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QApplication

from intake_app.perpetrators.registry import Registry
from intake_app.records.store import RecordStore
from tests.perpetrators.test_profile_cli import DOCS, ONSONG
from tests.stats import generator
from tools import demo_bundles as demo
from tools.screen_wait import Save, wait_until
from ui.common.settings_store import UiSettings
from ui.session import Session


def _wait(app: QApplication, done: Callable[[], bool]) -> None:
    wait_until(app, done, 120.0)


def _archive(path: Path) -> None:
    hq = demo.create_vault(path, "hq")
    store = RecordStore(hq)
    for t in generator.corpus(seed=2026, n=300, duplicates=0):
        store.add_json(json.dumps(t.doc, ensure_ascii=False).encode())
    ids = [store.add_json(json.dumps(d, ensure_ascii=False).encode()).record_id for d in DOCS]
    registry = Registry(hq)
    person = registry.link([f"{ids[0]}/victim1/arrest1/p1", f"{ids[1]}/victim2/interrogation2/p2",
                            f"{ids[2]}/victim3/detention3/p3"], reason="same scar, rank and unit")
    registry.rename(person, "상위 (화상 흉터)")
    hq.lock()


def render_statistics(app: QApplication, out_dir: Path, lang: str, save: Save) -> list[Path]:
    """The Statistics page (organ at any stage, persons) and the Perpetrators page (the Onsong unit's profile)."""
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        _archive(tmp / "hq")
        session = Session(tmp / "hq", UiSettings(language=lang), tmp / "ui-settings.json")
        session.start()
        session.gate.unlocked.emit(demo.reopen(tmp / "hq"))
        pages, window = session.hq_pages, session.main_window
        assert pages is not None and window is not None
        window.resize(1280, 860)
        stats = pages.statistics
        drawn: list[bool] = []
        stats.refreshed.connect(lambda: drawn.append(True))
        pages.show("statistics")
        _wait(app, lambda: len(drawn) >= 1 and stats.job is None)
        stats.set_choice(dim="organ", unit="person")
        _wait(app, lambda: stats.result is not None and stats.result.by == ("organ",) and stats.job is None
              and stats.result.unit == "person")
        written.append(save(app, window, out_dir / f"{lang}-hq-8-statistics.png"))
        perps = pages.perpetrators
        pages.show("perpetrators")
        _wait(app, lambda: perps.model.row_of(ONSONG) >= 0)
        perps.select(ONSONG)
        _wait(app, lambda: perps.profile is not None and perps.profile["perpetrator"] == ONSONG)
        written.append(save(app, window, out_dir / f"{lang}-hq-9-perpetrators.png"))
        session.lock()
        session.shutdown()
    return written
