"""Korean catalogue entries of the hardening work (issue 11): the conflicts page's "from another device" marks and the
passphrase-change dialog. Merged into ``KO`` by ``catalog_ko``; same conventions (합니다체, mnemonic in parentheses)."""

KO_HARDENING: dict[str, str] = {
    # ---- conflicts page (ui/hq/conflicts_page.py)
    '{count} from another device': '다른 기기에서 온 판 {count}개',
    'two devices each recorded it first': '두 기기가 각각 처음 기록했다고 함',
    'from another device': '다른 기기에서 옴',
    'shown now': '현재 표시됨',
    # ---- passphrase change (ui/start/passphrase_change_dialog.py, ui/session.py)
    'Change &passphrase…': '암호문 변경(&P)…',
    'Change passphrase': '암호문 변경',
    'Type the current passphrase, then the new one twice. The vault\'s contents stay as they are; the recovery key '
    'keeps working unless you replace the data key.':
        '현재 암호문을 입력한 다음 새 암호문을 두 번 입력합니다. 보관함의 내용은 그대로 유지되며, 데이터 키를 바꾸지 '
        '않는 한 복구 키도 계속 쓸 수 있습니다.',
    '&Current passphrase:': '현재 암호문(&C):',
    'Current passphrase': '현재 암호문',
    'Also replace the &data key (makes any old copy of the key file useless)':
        '데이터 키도 교체(&D) (키 파일의 옛 사본을 모두 쓸모없게 만듭니다)',
    'Use this after a laptop may have been copied. The vault is re-encrypted with a new key, and a new recovery key '
    'replaces the old one: it is shown once, to be written down. The old recovery key stops working.':
        '노트북이 복사되었을 수 있을 때 사용합니다. 보관함이 새 키로 다시 암호화되고, 새 복구 키가 옛 복구 키를 '
        '대신합니다. 새 복구 키는 한 번만 표시되니 받아 적어야 합니다. 옛 복구 키는 더 이상 쓸 수 없습니다.',
    'Replacing the data key and re-encrypting the vault…': '데이터 키를 교체하고 보관함을 다시 암호화하는 중…',
    'Changing the passphrase…': '암호문을 변경하는 중…',
    '&Done': '완료(&D)',
    'C&hange passphrase': '암호문 변경(&H)',
    'The current passphrase is not correct; nothing was changed.':
        '현재 암호문이 맞지 않습니다. 아무것도 바뀌지 않았습니다.',
}
