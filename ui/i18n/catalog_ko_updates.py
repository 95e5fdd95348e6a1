"""Korean catalogue entries of the HQ update and purge screens (field: import an update, remove what HQ received;
HQ: the devices page's update columns). Merged into ``KO`` by ``ui/i18n/catalog_ko.py``; same conventions."""

KO_UPDATES: dict[str, str] = {
    # ---- field: update import (ui/field/update_dialog.py)
    'none': '없음',
    'Update {seq} from headquarters was imported.': '본부 업데이트 {seq}을(를) 가져왔습니다.',
    'Bundles headquarters has received intact: {bundles}': '본부가 온전히 받은 번들: {bundles}',
    "Warning: headquarters holds {count} bundles signed with this laptop's key that this laptop did not make. "
    "Tell headquarters.":
        '경고: 본부에 이 노트북의 키로 서명되었지만 이 노트북이 만들지 않은 번들이 {count}개 있습니다. 본부에 알리십시오.',
    'New headquarters signing key; compare its fingerprint with headquarters: {fp}':
        '본부 서명 키가 새로 바뀌었습니다. 지문을 본부와 대조하십시오: {fp}',
    'New headquarters key to encrypt to; fingerprint: {fp}': '암호화에 쓸 새 본부 키가 추가되었습니다. 지문: {fp}',
    'A headquarters key was retired; fingerprint: {fp}': '본부 키 하나가 폐기되었습니다. 지문: {fp}',
    'Devices revoked by headquarters: {ids}': '본부가 폐기한 기기: {ids}',
    'New vocabulary entries: {count}': '새 어휘 항목: {count}개',
    'Removed {count} testimonies that headquarters has received.': '본부가 받은 증언 {count}건을 삭제했습니다.',
    'Choose the update file from headquarters': '본부 업데이트 파일 선택',
    'Headquarters updates (*.update.tar)': '본부 업데이트 (*.update.tar)',
    'All files (*)': '모든 파일 (*)',
    'Checking the update…': '업데이트를 확인하는 중…',
    'The update was refused and nothing was changed: {detail}':
        '업데이트가 거부되었으며 아무것도 바뀌지 않았습니다: {detail}',
    'Import an update from headquarters': '본부 업데이트 가져오기',
    'Headquarters sends an update file saying which bundles arrived intact, with any new headquarters keys, revoked '
    'devices, vocabulary and rules. Choose the file (e.g. on the USB stick). It is checked against the headquarters '
    'key pinned on this laptop.':
        '본부는 어떤 번들이 온전히 도착했는지와 새 본부 키, 폐기된 기기, 어휘, 규칙을 담은 업데이트 파일을 보냅니다. '
        '파일을 선택하십시오(예: USB 메모리). 이 노트북에 고정된 본부 키로 확인합니다.',
    'Update file': '업데이트 파일',
    'After each update, remove what headquarters has received': '업데이트를 가져올 때마다 본부가 받은 증언 삭제',
    # ---- field: purge (ui/field/purge_dialog.py)
    'Counting what headquarters has received…': '본부가 받은 증언을 세는 중…',
    'Nothing to remove: no testimony on this laptop is in a bundle headquarters has acknowledged, or each was '
    'changed since. Bundles acknowledged: {bundles}':
        '삭제할 것이 없습니다. 이 노트북의 증언 중 본부가 수령을 확인한 번들에 든 것이 없거나, 모두 그 뒤에 바뀌었습니다. '
        '수령 확인된 번들: {bundles}',
    'Headquarters has received {count} testimonies ({attachments} attached files) in bundles {bundles}. Removing '
    'them deletes them from this laptop beyond recovery, even for someone who later learns the passphrase; '
    'headquarters keeps them.':
        '본부가 번들 {bundles}에 든 증언 {count}건(첨부 파일 {attachments}개)을 받았습니다. 삭제하면 나중에 암호 문구를 '
        '알게 된 사람도 이 노트북에서 되살릴 수 없습니다. 본부에는 남아 있습니다.',
    '&Remove {count} testimonies': '증언 {count}건 삭제(&R)',
    '&Remove': '삭제(&R)',
    'Removing…': '삭제하는 중…',
    'Removed {count} testimonies.': '증언 {count}건을 삭제했습니다.',
    'Nothing was removed: {detail}': '아무것도 삭제되지 않았습니다: {detail}',
    'Remove what headquarters has received': '본부가 받은 증언 삭제',
    # ---- field: menu (ui/field/update_actions.py)
    '&Import update from headquarters…': '본부 업데이트 가져오기(&I)…',
    '&Remove what headquarters has received…': '본부가 받은 증언 삭제(&R)…',
}
KO_UPDATES.update({
    # ---- HQ: devices page (ui/hq/devices_page.py)
    'Last update sent': '마지막으로 보낸 업데이트',
    'Bundles acknowledged': '수령 확인한 번들',
    '{seq} on {when}': '{seq}번 ({when})',
    '{count} (up to {seq})': '{count}개 ({seq}번까지)',
})
KO_UPDATES.update({
    # ---- field: HQ policy (ui/field/policy_banner.py)
    'No bundle exported for {days} days: headquarters asks for one at least every {limit} days.':
        '{days}일 동안 번들을 내보내지 않았습니다. 본부는 적어도 {limit}일마다 한 번 내보내기를 요청합니다.',
})
KO_UPDATES.update({
    'Choose the folder for the update files (e.g. the USB stick)': '업데이트 파일을 저장할 폴더 선택(예: USB 메모리)',
    'Writing the updates…': '업데이트를 쓰는 중…',
    'Wrote {count} update files. Give each laptop its own file (its key id is in the name).':
        '업데이트 파일 {count}개를 썼습니다. 각 노트북에 그 노트북의 파일을 주십시오(파일 이름에 키 ID가 있습니다).',
    '&Write updates for the laptops…': '노트북용 업데이트 쓰기(&W)…',
})
