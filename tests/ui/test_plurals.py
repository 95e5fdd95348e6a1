"""English counts agree with their noun (issue 13.11: "1 testimonies", "1 unsaved drafts", "1 attached files")."""

from __future__ import annotations

from ui.common.plural import PHRASES, counted
from ui.i18n import set_language


def test_one_is_singular_and_every_other_count_plural() -> None:
    assert counted("testimonies", 1) == "1 testimony"
    assert counted("testimonies", 0) == "0 testimonies"
    assert counted("testimonies", 2) == "2 testimonies"
    assert counted("attached_files", 1) == "1 attached file"
    for one, many in PHRASES.values():
        assert one != many and one.format(count=1) != many.format(count=1)


def test_korean_uses_one_form() -> None:
    set_language("ko")
    assert counted("testimonies", 1) == "증언 1건" and counted("testimonies", 3) == "증언 3건"
