"""Korean catalogue entries of the hardening work (issue 11): the conflicts page's "from another device" marks and the
passphrase-change dialog. Merged into ``KO`` by ``catalog_ko``; same conventions (합니다체, mnemonic in parentheses)."""

KO_HARDENING: dict[str, str] = {
    # ---- conflicts page (ui/hq/conflicts_page.py)
    '{count} from another device': '다른 기기에서 온 판 {count}개',
    'two devices each recorded it first': '두 기기가 각각 처음 기록했다고 함',
    'from another device': '다른 기기에서 옴',
    'shown now': '현재 표시됨',
}
