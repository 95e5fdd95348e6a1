"""Korean catalogue for ``ui.i18n.tr``: English message → Korean (합니다체).

Keys are the exact English strings used in ``ui/``; ``{named}`` placeholders must match (tests/ui/test_i18n.py checks
both). Mnemonics follow the Korean convention: the accelerator letter in parentheses at the end, e.g. ``잠금(&L)``.
Terms: vault 보관함, passphrase 암호 문구, recovery key 복구 키, lock 잠금, unlock 잠금 해제, bundle 번들,
fingerprint 지문, headquarters 본부, interviewer 면담자, auditor 감사자.
"""

KO: dict[str, str] = {
    'Testimony Intake':
        '증언 접수',
    '&Language:':
        '언어(&L):',
    'Language':
        '언어',
    'System default':
        '시스템 기본값',
    '&Auditor mode (no vault)':
        '감사자 모드(보관함 없음)(&A)',
    'Auditor mode':
        '감사자 모드',
    '< &Back':
        '< 뒤로(&B)',
    '&Next >':
        '다음(&N) >',
    '&Create vault':
        '보관함 만들기(&C)',
    'C&heck':
        '확인(&H)',
    '&Finish':
        '완료(&F)',
    'Cancel':
        '취소',
    'OK':
        '확인',
    'Error':
        '오류',
    'Welcome. What is this computer for?':
        '환영합니다. 이 컴퓨터는 어떤 용도로 사용합니까?',
    (
        'There is no vault on this computer yet. The vault keeps testimonies encrypted; nothing can be read without '
        'your passphrase.'
    ):
        (
            '이 컴퓨터에는 아직 보관함이 없습니다. 보관함은 증언을 암호화하여 보관하며, 암호 문구 없이는 아무것도 '
            '읽을 수 없습니다.'
        ),
    '&Interviewer laptop (field vault)':
        '면담자 노트북(현장 보관함)(&I)',
    'Interviewer laptop (field vault)':
        '면담자 노트북(현장 보관함)',
    'Records testimonies and exports encrypted bundles for headquarters.':
        '증언을 기록하고, 본부로 보낼 암호화된 번들을 내보냅니다.',
    '&Headquarters (HQ vault)':
        '본부(본부 보관함)(&H)',
    'Headquarters (HQ vault)':
        '본부(본부 보관함)',
    'Imports bundles from interviewer laptops, merges them and prepares reports.':
        '면담자 노트북에서 온 번들을 가져와 병합하고 보고서를 준비합니다.',
    'Choose a passphrase':
        '암호 문구 정하기',
    (
        'You will type this passphrase every time you unlock the vault. If you forget it, only the recovery key '
        'shown next can open the vault.'
    ):
        (
            '보관함의 잠금을 해제할 때마다 이 암호 문구를 입력합니다. 암호 문구를 잊으면 다음 단계에서 보여 드리는 '
            '복구 키로만 보관함을 열 수 있습니다.'
        ),
    'The vault will be created in: {path}':
        '보관함을 만들 위치: {path}',
    'New &passphrase:':
        '새 암호 문구(&P):',
    '&Repeat it:':
        '한 번 더 입력(&R):',
    'New passphrase':
        '새 암호 문구',
    'Repeat the new passphrase':
        '새 암호 문구 다시 입력',
    (
        'A long sentence only you would think of is best: for example a Korean sentence of several words. Avoid '
        'names, dates and quotations.'
    ):
        (
            '본인만 떠올릴 수 있는 긴 문장이 가장 좋습니다. 예를 들어 여러 단어로 이루어진 한국어 문장을 쓰십시오. '
            '이름, 날짜, 인용구는 피하십시오.'
        ),
    '{verdict} Length: {length} characters. Uses: {classes}.':
        '{verdict} 길이: {length}자. 사용한 문자: {classes}.',
    'The two passphrases differ.':
        '두 암호 문구가 서로 다릅니다.',
    'Too short: use at least {min} characters.':
        '너무 짧습니다. {min}자 이상 입력하십시오.',
    'This is one of the first passphrases anyone tries. Choose another.':
        '누구나 가장 먼저 시도해 보는 암호 문구입니다. 다른 것을 고르십시오.',
    'Weak: add more words.':
        '약함: 단어를 더 넣으십시오.',
    'Fair: a few more words would make it strong.':
        '보통: 단어를 몇 개 더 넣으면 강해집니다.',
    'Strong.':
        '강함.',
    'lower-case letters':
        '영문 소문자',
    'capital letters':
        '영문 대문자',
    'digits':
        '숫자',
    'spaces or symbols':
        '공백 또는 기호',
    'Hangul':
        '한글',
    'Creating the vault':
        '보관함을 만드는 중',
    'Creating the vault and deriving its key. This takes a few seconds…':
        '보관함을 만들고 키를 생성하고 있습니다. 몇 초 걸립니다…',
    'The vault could not be created: {detail}':
        '보관함을 만들지 못했습니다: {detail}',
    'Write down your recovery key':
        '복구 키를 적어 두십시오',
    (
        'If you forget the passphrase, this recovery key is the only way into the vault. Write it on paper now, '
        'group by group. It is shown only this once and cannot be copied.'
    ):
        (
            '암호 문구를 잊으면 이 복구 키가 보관함을 여는 유일한 방법입니다. 지금 종이에 그룹별로 적으십시오. 복구 '
            '키는 이번 한 번만 표시되며 복사할 수 없습니다.'
        ),
    (
        'Anyone holding this key can open the vault. Keep the paper away from the laptop, somewhere it will not be '
        'found with it.'
    ):
        (
            '이 키를 가진 사람은 누구나 보관함을 열 수 있습니다. 종이는 노트북과 떨어진 곳, 노트북과 함께 발견되지 '
            '않을 곳에 보관하십시오.'
        ),
    'I have &written it down on paper':
        '종이에 적었습니다(&W)',
    'Group {number}':
        '{number}번 그룹',
    'Group {number}:':
        '{number}번 그룹:',
    'Group {number} of the recovery key':
        '복구 키의 {number}번 그룹',
    'Check what you wrote down':
        '적은 내용을 확인합니다',
    'Type these groups from your paper, to be sure the key was copied correctly.':
        '키를 올바르게 옮겨 적었는지 확인하기 위해, 종이에 적은 다음 그룹을 입력하십시오.',
    (
        'These groups do not match the recovery key. Compare your paper with the key (go back to see it again) and '
        'type them once more.'
    ):
        (
            '입력한 그룹이 복구 키와 일치하지 않습니다. 종이에 적은 내용을 키와 비교한 다음(뒤로 가면 키를 다시 볼 '
            '수 있습니다) 다시 입력하십시오.'
        ),
    'The vault is ready':
        '보관함이 준비되었습니다',
    'Your vault has been created and is unlocked.':
        '보관함이 만들어졌고 잠금이 해제되었습니다.',
    (
        "This is the fingerprint of this vault's signing key. Compare it on paper or read it aloud when the key is "
        'registered, so nobody can pass off another key as this one.'
    ):
        (
            '이 보관함의 서명 키 지문입니다. 키를 등록할 때 종이로 대조하거나 소리 내어 읽어, 누구도 다른 키를 이 '
            '키인 것처럼 속일 수 없게 하십시오.'
        ),
    'Signing key fingerprint':
        '서명 키 지문',
    'Headquarters key (placeholder)':
        '본부 키(준비 중)',
    "Interviewer laptops will pin this headquarters vault's key. That step comes with bundle export.":
        '면담자 노트북은 이 본부 보관함의 키를 고정하여 사용합니다. 이 단계는 번들 내보내기 기능과 함께 제공됩니다.',
    'Pinning the headquarters key comes with bundle export in a later version. Nothing to do here yet.':
        '본부 키 고정은 이후 버전에서 번들 내보내기 기능과 함께 제공됩니다. 지금은 할 일이 없습니다.',
    'Unlock the vault':
        '보관함 잠금 해제',
    'Type your passphrase to open the vault on this computer.':
        '이 컴퓨터의 보관함을 열려면 암호 문구를 입력하십시오.',
    '&Passphrase:':
        '암호 문구(&P):',
    'Passphrase':
        '암호 문구',
    '&Unlock':
        '잠금 해제(&U)',
    '&Forgot passphrase?':
        '암호 문구를 잊으셨습니까?(&F)',
    'Unlocking… deriving the key takes a moment.':
        '잠금 해제 중입니다… 키를 생성하는 데 잠시 걸립니다.',
    "The vault did not unlock: the passphrase is wrong, or the vault's key file is damaged. ({detail})":
        '보관함의 잠금을 해제하지 못했습니다. 암호 문구가 틀렸거나 보관함의 키 파일이 손상되었습니다. ({detail})',
    'The vault could not be opened: {detail}':
        '보관함을 열 수 없습니다: {detail}',
    'The vault could not be opened because of an unexpected error ({detail}).':
        '예기치 않은 오류로 보관함을 열 수 없습니다({detail}).',
    'Recover with the recovery key':
        '복구 키로 복구',
    (
        'Type the recovery key you wrote down when the vault was created, then choose a new passphrase. Upper or '
        'lower case and dashes do not matter.'
    ):
        (
            '보관함을 만들 때 적어 둔 복구 키를 입력한 다음 새 암호 문구를 정하십시오. 대문자와 소문자, 하이픈은 '
            '구분하지 않습니다.'
        ),
    'Recovery &key:':
        '복구 키(&K):',
    'Recovery key':
        '복구 키',
    'Set passphrase and &unlock':
        '암호 문구 설정 후 잠금 해제(&U)',
    'The recovery key is well formed.':
        '복구 키의 형식이 올바릅니다.',
    'Character {position} cannot be in a recovery key (group {group}).':
        '{position}번째 문자는 복구 키에 쓰이지 않는 문자입니다({group}번 그룹).',
    '{count} of {total} characters typed.':
        '{total}자 중 {count}자를 입력했습니다.',
    'Too many characters: a recovery key has {total}.':
        '문자가 너무 많습니다. 복구 키는 {total}자입니다.',
    "There is a typo: the key's checksum does not match. Compare it with your paper group by group.":
        '오타가 있습니다. 키의 체크섬이 맞지 않습니다. 종이에 적은 키와 그룹별로 비교해 보십시오.',
    'Checking the recovery key and setting the new passphrase…':
        '복구 키를 확인하고 새 암호 문구를 설정하고 있습니다…',
    'Testimonies':
        '증언',
    'The vault is unlocked. The list of testimonies and the editor will appear here.':
        '보관함의 잠금이 해제되었습니다. 증언 목록과 편집기가 여기에 표시됩니다.',
    '&Vault':
        '보관함(&V)',
    '&Lock':
        '잠금(&L)',
    'Lock the vault now (Ctrl+L)':
        '지금 보관함을 잠급니다(Ctrl+L)',
    '&Settings…':
        '설정(&S)…',
    '&Emergency erase…':
        '긴급 삭제(&E)…',
    '&Quit':
        '끝내기(&Q)',
    'Toolbar':
        '도구 모음',
    'HQ vault':
        '본부 보관함',
    'Field vault':
        '현장 보관함',
    '{role} · key {fingerprint}':
        '{role} · 키 {fingerprint}',
    'Emergency erase':
        '긴급 삭제',
    (
        "This destroys the vault's keys at once. Every testimony in this vault becomes unreadable for ever, for you "
        'too: neither the passphrase nor the recovery key can bring it back. Only bundles already delivered to '
        'headquarters survive.'
    ):
        (
            '보관함의 키를 즉시 파기합니다. 이 보관함의 모든 증언은 영구히 읽을 수 없게 되며, 본인도 읽을 수 '
            '없습니다. 암호 문구로도 복구 키로도 되살릴 수 없습니다. 이미 본부에 전달한 번들만 남습니다.'
        ),
    'Vault: {vault_id}':
        '보관함: {vault_id}',
    'Hold to erase ({seconds} s)':
        '{seconds}초간 눌러 삭제',
    'Erase: hold Space or the mouse button for {seconds} seconds':
        '삭제: 스페이스 키나 마우스 버튼을 {seconds}초 동안 누르고 계십시오',
    'Erase progress':
        '삭제 진행 상황',
    'Settings':
        '설정',
    '&Lock after this many idle minutes:':
        '입력이 없을 때 잠글 시간(분)(&L):',
    'Auto-lock minutes':
        '자동 잠금 시간(분)',
    'These settings are stored on this computer, outside the vault. They contain no testimony.':
        '이 설정은 보관함 밖, 이 컴퓨터에 저장됩니다. 증언 내용은 들어 있지 않습니다.',
    # ---- auditor mode and refusal reasons (ui/auditor_mode.py, ui/auditor_report.py, ui/refusal_reasons.py)
    'Choose bundle files':
        '번들 파일 선택',
    'Bundles (*.bundle.tar);;All files (*)':
        '번들 (*.bundle.tar);;모든 파일 (*)',
    'Choose a folder of bundles':
        '번들이 들어 있는 폴더 선택',
    'Choose trusted device key files':
        '신뢰하는 기기 키 파일 선택',
    'Public key files (*.pub);;All files (*)':
        '공개 키 파일 (*.pub);;모든 파일 (*)',
    "Choose the auditor's state folder":
        '감사자 상태 폴더 선택',
    'Verifying…':
        '검증하는 중…',
    'The key file {file} is not a device public key file.':
        '키 파일 {file}은(는) 기기 공개 키 파일이 아닙니다.',
    '{valid} of {total} bundles valid':
        '번들 {total}개 중 {valid}개가 유효합니다',
    'JSON files (*.json)':
        'JSON 파일 (*.json)',
    'Text files (*.txt)':
        '텍스트 파일 (*.txt)',
    'Save the report':
        '보고서 저장',
    (
        'Check that bundles are authentic, complete and untampered, without any vault or secret. Choose the bundles '
        'and the public key files of the devices you trust. Nothing is decrypted.'
    ):
        (
            '보관함이나 비밀 키 없이 번들이 진본인지, 빠진 것이 없는지, 변조되지 않았는지 확인합니다. 번들과 신뢰하는 '
            '기기의 공개 키 파일을 선택하십시오. 아무것도 복호화하지 않습니다.'
        ),
    'Bundles:':
        '번들:',
    'Trusted device keys:':
        '신뢰하는 기기 키:',
    'Add &bundles…':
        '번들 추가(&B)…',
    'Add a &folder…':
        '폴더 추가(&F)…',
    'Add &key files…':
        '키 파일 추가(&K)…',
    'C&lear':
        '비우기(&L)',
    '&State folder…':
        '상태 폴더(&S)…',
    '&Verify':
        '검증(&V)',
    'Save as &text…':
        '텍스트로 저장(&T)…',
    'Save as &JSON…':
        'JSON으로 저장(&J)…',
    'State folder: none (bundles are checked against each other only).':
        '상태 폴더: 없음(선택한 번들끼리만 비교합니다).',
    'State folder: {folder}':
        '상태 폴더: {folder}',
    'Result':
        '결과',
    'File':
        '파일',
    'Details':
        '세부 사항',
    'The report could not be saved: {error}':
        '보고서를 저장하지 못했습니다: {error}',
    'VALID':
        '유효',
    'INVALID':
        '무효',
    'Device':
        '기기',
    'bundle {seq}, made {when}':
        '번들 {seq}, 작성 {when}',
    'Archive and signature':
        '아카이브와 서명',
    'Checkpoint':
        '체크포인트',
    'Audit log':
        '감사 로그',
    'Sequence':
        '순서',
    'Bundle verification report':
        '번들 검증 보고서',
    'Made on {when} (UTC)':
        '작성 시각: {when} (UTC)',
    'State folder: {used}':
        '상태 폴더: {used}',
    'passed':
        '통과',
    'FAILED':
        '실패',
    'not checked':
        '확인하지 않음',
    'used':
        '사용함',
    'not used':
        '사용하지 않음',
    'Device {device}, bundle {seq}, made {when}, audit log of {size} entries':
        '기기 {device}, 번들 {seq}, 작성 {when}, 감사 로그 항목 {size}개',
    'The signature does not match the file: the bundle was altered, or signed by another key.':
        '서명이 파일과 일치하지 않습니다. 번들이 변경되었거나 다른 키로 서명되었습니다.',
    'The bundle is signed by device key {key}, which is not enrolled here. Enrol the device first.':
        '이 번들은 여기에 등록되지 않은 기기 키 {key}로 서명되었습니다. 먼저 기기를 등록하십시오.',
    'The bundle is signed by key {key}, not by the device key {expected}.':
        '이 번들은 기기 키 {expected}가 아니라 키 {key}로 서명되었습니다.',
    'The bundle is incomplete: {name} is missing.':
        '번들이 불완전합니다. {name}이(가) 없습니다.',
    'The bundle holds an unexpected file {found} where {name} belongs.':
        '번들의 {name} 자리에 예상하지 못한 파일 {found}이(가) 있습니다.',
    'The bundle holds extra files after its last expected part.':
        '번들의 마지막 부분 뒤에 추가 파일이 있습니다.',
    'The checkpoint does not match the log named in the signature: parts of two bundles were combined.':
        '체크포인트가 서명에 적힌 로그와 일치하지 않습니다. 두 번들의 일부가 합쳐졌습니다.',
    "The bundle's signed details name another device than the key that signed it.":
        '번들의 서명된 정보에 서명한 키와 다른 기기가 적혀 있습니다.',
    'The bundle was not encrypted for this headquarters (another HQ key?).':
        '이 번들은 이 본부를 위해 암호화되지 않았습니다(다른 본부 키입니까?).',
    "This headquarters is not among the bundle's named recipients: it was re-encrypted or forwarded.":
        '이 본부가 번들에 적힌 수신자에 없습니다. 다시 암호화되었거나 전달된 번들입니다.',
    'The device was revoked on {when} ({reason}); this bundle was made after that.':
        '이 기기는 {when}에 폐기되었으며({reason}), 이 번들은 그 뒤에 만들어졌습니다.',
    'The contents are not the ones the outer signature names (payload swapped?).':
        '내용이 바깥 서명에 적힌 것과 다릅니다(내용이 바뀌었습니까?).',
    'The inner signature was made for another bundle.':
        '안쪽 서명이 다른 번들을 위해 만들어졌습니다.',
    'The inner manifest and the outer signature disagree about the bundle.':
        '안쪽 목록과 바깥 서명이 번들에 대해 서로 다르게 말합니다.',
    '{name} does not match its hash in the manifest: the contents were altered.':
        '{name}이(가) 목록의 해시와 일치하지 않습니다. 내용이 변경되었습니다.',
    'The encrypted contents do not match their manifest at {name}.':
        '암호화된 내용이 {name}에서 목록과 일치하지 않습니다.',
    'The encrypted contents hold files their manifest does not name.':
        '암호화된 내용에 목록에 없는 파일이 있습니다.',
    'The audit log entries do not match the signed checkpoint: the log was altered.':
        '감사 로그 항목이 서명된 체크포인트와 일치하지 않습니다. 로그가 변경되었습니다.',
    'The audit log entries do not match the number the checkpoint names.':
        '감사 로그 항목 수가 체크포인트에 적힌 수와 다릅니다.',
    'A signature file in the bundle was altered.':
        '번들 안의 서명 파일이 변경되었습니다.',
    'The signed details of the bundle were altered.':
        '번들의 서명된 정보가 변경되었습니다.',
    "The checkpoint's signature was made for another checkpoint.":
        '체크포인트의 서명이 다른 체크포인트를 위해 만들어졌습니다.',
    'Bundles {first} to {last} from this device are missing: verify them first.':
        '이 기기의 번들 {first}~{last}번이 없습니다. 그 번들들을 먼저 검증하십시오.',
    'FORK: another bundle numbered {seq} from this device was verified before (a restored or cloned laptop?).':
        '분기: 이 기기의 {seq}번 번들이 이미 다른 내용으로 검증되었습니다(복원되거나 복제된 노트북입니까?).',
    'Bundle {seq} arrives after bundle {last} and was not seen before (a restored or cloned laptop?).':
        '{seq}번 번들이 {last}번 번들 뒤에 도착했으며 전에 본 적이 없습니다(복원되거나 복제된 노트북입니까?).',
    "The device's audit log did not only grow since the previous bundle: entries were changed or removed.":
        '이전 번들 이후 기기의 감사 로그가 늘어나기만 한 것이 아닙니다. 항목이 변경되거나 삭제되었습니다.',
    'First bundle seen from device {device} (number {seq}).':
        '기기 {device}에서 처음 본 번들입니다({seq}번).',
    "Follows bundle {seq}; the device's audit log only grew.":
        '{seq}번 번들에 이어지며, 기기의 감사 로그는 늘어나기만 했습니다.',
    'Bundle {seq} was already verified (the same bundle again).':
        '{seq}번 번들은 이미 검증했습니다(같은 번들입니다).',
    'The bundle is signed by key {key}, which is not among the trusted device keys.':
        '이 번들은 신뢰하는 기기 키에 없는 키 {key}로 서명되었습니다.',
    'The file is not a well-formed bundle archive (damaged or altered).':
        '이 파일은 올바른 번들 아카이브가 아닙니다(손상되었거나 변경되었습니다).',
    'The encrypted contents are damaged or altered.':
        '암호화된 내용이 손상되었거나 변경되었습니다.',
    'The file cannot be read.':
        '파일을 읽을 수 없습니다.',
}
