"""Korean catalogue for ``ui.i18n.tr``: English message → Korean (합니다체).

Keys are the exact English strings used in ``ui/``; ``{named}`` placeholders must match (tests/ui/test_i18n.py checks
both). Mnemonics follow the Korean convention: the accelerator letter in parentheses at the end, e.g. ``잠금(&L)``.
Terms: vault 보관함, passphrase 암호 문구, recovery key 복구 키, lock 잠금, unlock 잠금 해제, bundle 번들,
fingerprint 지문, headquarters 본부, interviewer 면담자, auditor 감사자.
"""

from ui.i18n.catalog_ko_exports import KO_EXPORTS
from ui.i18n.catalog_ko_hardening import KO_HARDENING
from ui.i18n.catalog_ko_interviewer import KO_INTERVIEWER
from ui.i18n.catalog_ko_perps import KO_PERPS
from ui.i18n.catalog_ko_persons import KO_PERSONS
from ui.i18n.catalog_ko_recording import KO_RECORDING
from ui.i18n.catalog_ko_updates import KO_UPDATES
from ui.i18n.catalog_ko_usable import KO_USABLE

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
    # ---- auditor mode and refusal reasons (ui/auditor/auditor_mode.py, auditor_report.py, ui/common/refusal_reasons.py)
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
    # ---- coordinator pages (ui/hq/hq_pages.py, devices_page, import_page, conflicts_page, consolidated_page, hq_setup)
    '&All testimonies':
        '모든 증언(&A)',
    '&Import bundles':
        '번들 가져오기(&I)',
    '&Conflicts':
        '충돌(&C)',
    '&Devices':
        '기기(&D)',
    'HQ &keys':
        '본부 키(&K)',
    '&Coordinator':
        '조정자(&C)',
    'Version {n}: {device}, {when}':
        '버전 {n}: {device}, {when}',
    'The merged version is valid.':
        '병합한 버전이 올바릅니다.',
    'Merged version':
        '병합한 버전',
    (
        "Edit the testimony into the version that should stand, in the interchange format (JSON). Check it, then "
        "save: the saved version becomes the testimony's next revision, with both conflicting versions as its "
        "parents."
    ):
        (
            '남길 버전이 되도록 증언을 교환 형식(JSON)으로 편집하십시오. 확인한 뒤 저장하면, 저장한 버전이 충돌한 두 '
            '버전을 부모로 하는 증언의 다음 개정판이 됩니다.'
        ),
    '&Save merged version':
        '병합한 버전 저장(&S)',
    '{date} · {interviewee} · {victims} ({heads} versions)':
        '{date} · {interviewee} · {victims} (버전 {heads}개)',
    'Decision saved as a new revision.':
        '결정을 새 개정판으로 저장했습니다.',
    'Conflicts':
        '충돌',
    (
        'Testimonies edited on two machines at once. Nothing was overwritten: compare the versions (differences are '
        'highlighted), then keep one or save a merged version.'
    ):
        (
            '두 대의 컴퓨터에서 동시에 편집된 증언입니다. 덮어쓴 것은 없습니다. 버전을 비교한 뒤(다른 부분은 강조 '
            '표시됩니다) 하나를 남기거나 병합한 버전을 저장하십시오.'
        ),
    'Edit a &merged version…':
        '병합한 버전 편집(&M)…',
    'No conflicts: every testimony has one current version.':
        '충돌이 없습니다. 모든 증언에 현재 버전이 하나씩 있습니다.',
    'Keep version {n}':
        '버전 {n} 남기기',
    'Not valid at {path}: {problem}':
        '{path}에서 올바르지 않습니다: {problem}',
    'Field':
        '항목',
    '(deleted)':
        '(삭제됨)',
    '(whole record)':
        '(기록 전체)',
    'All devices':
        '모든 기기',
    'All testimonies':
        '모든 증언',
    '&Device:':
        '기기(&D):',
    'Name':
        '이름',
    'Key id':
        '키 ID',
    'Fingerprint':
        '지문',
    'Enrolled':
        '등록 시각',
    'State':
        '상태',
    'Last bundle':
        '마지막 번들',
    'Missing bundles':
        '누락된 번들',
    'Forks':
        '분기',
    'Last seen':
        '마지막 수신',
    'Enrol a device':
        '기기 등록',
    (
        "Key file {file}. Ask the interviewer to read out the fingerprint of their laptop's key, by phone or from "
        "paper, and type it below. The device can be enrolled only when the fingerprints match."
    ):
        (
            '키 파일 {file}. 면담자에게 노트북 키의 지문을 전화로 또는 종이를 보고 읽어 달라고 한 뒤 아래에 '
            '입력하십시오. 지문이 일치할 때만 기기를 등록할 수 있습니다.'
        ),
    'Key id:':
        '키 ID:',
    'Device &name:':
        '기기 이름(&N):',
    '&Fingerprint heard:':
        '들은 지문(&F):',
    'e.g. Laptop 3 (Seoul team)':
        '예: 노트북 3 (서울 팀)',
    '&Enrol':
        '등록(&E)',
    'Revoke a device':
        '기기 폐기',
    (
        'Revoke {name}? Bundles it made after now will be refused; bundles made before stay valid. Give the reason '
        '(e.g. laptop lost, seized, retired).'
    ):
        (
            '{name}을(를) 폐기하시겠습니까? 지금 이후에 만든 번들은 거부되고, 이전에 만든 번들은 계속 유효합니다. '
            '사유를 적으십시오(예: 노트북 분실, 압수, 사용 종료).'
        ),
    'Reason':
        '사유',
    '&Revoke':
        '폐기(&R)',
    "Choose the device's public key file":
        '기기의 공개 키 파일 선택',
    'The device is revoked.':
        '기기를 폐기했습니다.',
    'Devices':
        '기기',
    (
        'The interviewer laptops whose bundles this headquarters accepts. Missing bundles and forks (a restored or '
        'cloned laptop) are shown in red.'
    ):
        (
            '이 본부가 번들을 받는 면담자 노트북입니다. 누락된 번들과 분기(복원되거나 복제된 노트북)는 빨간색으로 '
            '표시됩니다.'
        ),
    '&Enrol a device…':
        '기기 등록(&E)…',
    '&Revoke…':
        '폐기(&R)…',
    'The fingerprints match.':
        '지문이 일치합니다.',
    'active':
        '사용 중',
    'revoked on {when}: {reason}':
        '{when}에 폐기됨: {reason}',
    'The device is enrolled.':
        '기기를 등록했습니다.',
    'This device was already enrolled.':
        '이미 등록된 기기입니다.',
    (
        'The fingerprints DO NOT match. Do not enrol this key: the file may have been swapped on its way. Ask for '
        'the key file again.'
    ):
        (
            '지문이 일치하지 않습니다. 이 키를 등록하지 마십시오. 전달 과정에서 파일이 바뀌었을 수 있습니다. 키 '
            '파일을 다시 받으십시오.'
        ),
    '{count} of {total} digits typed.':
        '{total}자리 중 {count}자리를 입력했습니다.',
    'none yet':
        '아직 없음',
    'never':
        '없음',
    (
        'Saved. Give this file to the field laptops, then read the fingerprints to each interviewer so they can '
        'compare.'
    ):
        (
            '저장했습니다. 이 파일을 현장 노트북에 전달한 뒤, 각 면담자가 비교할 수 있도록 지문을 읽어 주십시오.'
        ),
    'Save the HQ public key file':
        '본부 공개 키 파일 저장',
    (
        'The emergency identity was written. Move it offline now (paper or an encrypted stick kept in a safe) and '
        'delete it from this computer.'
    ):
        (
            '비상 신원 파일을 저장했습니다. 지금 바로 오프라인으로 옮기고(종이 또는 금고에 보관하는 암호화된 USB) '
            '이 컴퓨터에서 삭제하십시오.'
        ),
    'The file could not be written: {error}':
        '파일을 쓰지 못했습니다: {error}',
    'Save the emergency identity (SECRET)':
        '비상 신원 저장(비밀)',
    'Headquarters keys':
        '본부 키',
    (
        "Every field laptop needs this headquarters' public key file, to encrypt bundles for HQ and to recognise "
        "it. The file is safe to share. Read both fingerprints to each interviewer by phone, or give them a printed "
        "copy, so they can check the file they received came from here."
    ):
        (
            '모든 현장 노트북에는 본부용으로 번들을 암호화하고 본부를 알아보기 위해 이 본부의 공개 키 파일이 '
            '필요합니다. 이 파일은 공유해도 안전합니다. 받은 파일이 이곳에서 온 것인지 확인할 수 있도록, 각 '
            '면담자에게 두 지문을 전화로 읽어 주거나 인쇄본을 건네십시오.'
        ),
    'Encryption key (recipient) fingerprint:':
        '암호화 키(수신자) 지문:',
    'Signing key fingerprint:':
        '서명 키 지문:',
    '&Save public key file…':
        '공개 키 파일 저장(&S)…',
    '&Print…':
        '인쇄(&P)…',
    'Emergency identity (secret)':
        '비상 신원(비밀)',
    (
        "The emergency identity is this headquarters' SECRET decryption key. Anyone who has it can read every bundle "
        "ever sent to HQ. Export it only to keep an offline copy (printed, or on an encrypted stick in a safe) so "
        "that bundles can still be decrypted with the standard age tool if this vault is lost. Never copy it to a "
        "field laptop or send it by e-mail."
    ):
        (
            '비상 신원은 이 본부의 비밀 복호화 키입니다. 이것을 가진 사람은 본부로 보낸 모든 번들을 읽을 수 '
            '있습니다. 이 보관함을 잃어도 표준 age 도구로 번들을 복호화할 수 있도록 오프라인 사본(인쇄본 또는 '
            '금고에 둔 암호화된 USB)을 보관할 때만 내보내십시오. 현장 노트북에 복사하거나 전자우편으로 보내지 '
            '마십시오.'
        ),
    'I understand: this file can decrypt every testimony sent to HQ.':
        '이해했습니다. 이 파일로 본부에 보낸 모든 증언을 복호화할 수 있습니다.',
    'E&xport emergency identity…':
        '비상 신원 내보내기(&X)…',
    'Headquarters public keys':
        '본부 공개 키',
    'Bundle':
        '번들',
    'Imported':
        '가져옴',
    'Already imported':
        '이미 가져옴',
    'Refused':
        '거부됨',
    '{imported} imported, {already} already imported, {refused} refused.':
        '가져옴 {imported}개, 이미 가져옴 {already}개, 거부됨 {refused}개.',
    'Import bundles':
        '번들 가져오기',
    (
        'Choose the bundle files from the USB stick, or its whole folder. Each bundle is verified completely before '
        'anything is imported; a bundle that fails changes nothing.'
    ):
        (
            'USB에서 번들 파일이나 폴더 전체를 선택하십시오. 각 번들은 가져오기 전에 완전히 검증되며, 검증에 실패한 '
            '번들은 아무것도 바꾸지 않습니다.'
        ),
    '&Import':
        '가져오기(&I)',
    'Importing bundle {n} of {total}…':
        '번들 {total}개 중 {n}번째를 가져오는 중…',
    'Nothing new: this bundle was imported before.':
        '새로운 것이 없습니다. 이 번들은 이미 가져왔습니다.',
    'Bundles missing from this device: {numbers}.':
        '이 기기에서 누락된 번들: {numbers}.',
    'FORK: bundles with the same number but different content: {numbers} (a restored or cloned laptop?).':
        '분기: 번호는 같지만 내용이 다른 번들: {numbers}(복원되거나 복제된 노트북입니까?).',
    'Bundles that do not follow the one before: {numbers}.':
        '앞 번들에 이어지지 않는 번들: {numbers}.',
    "The device's audit log was rewritten (restored laptop?) in bundles {numbers}.":
        '번들 {numbers}에서 기기의 감사 로그가 다시 쓰였습니다(복원된 노트북입니까?).',
    '{count} testimonies have conflicting edits to resolve (see Conflicts).':
        '증언 {count}건에 해결할 충돌 편집이 있습니다(충돌 화면을 보십시오).',
    'Headquarters':
        '본부',
}

KO.update(KO_INTERVIEWER)
KO.update(KO_UPDATES)
KO.update(KO_RECORDING)
KO.update(KO_USABLE)
KO.update(KO_HARDENING)
KO.update(KO_EXPORTS)
KO.update(KO_PERSONS)
KO.update(KO_PERPS)
