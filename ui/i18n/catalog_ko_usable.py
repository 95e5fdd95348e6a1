"""Korean catalogue entries for issue 13's usability work (save problems, auto-lock warning, revision comparison,
giving HQ the laptop's key, auditor folders, attachment removal, plurals). Merged into ``KO`` by ``catalog_ko``.
Same conventions: 합니다체, mnemonic letter in parentheses at the end.
"""

KO_USABLE: dict[str, str] = {
    # ---- save problems (ui/field/editor/save_problems.py, editor_page, interview_form, form_texts)
    'Required': '필수',
    'Fields marked * are required.': '* 표시는 필수 항목입니다.',
    'Required: fill this in.': '필수 항목입니다. 입력하십시오.',
    'Not understood as a date; write it as said, e.g. 2011년 가을쯤 or 2011-10.':
        '날짜로 알아듣지 못했습니다. 말한 그대로 쓰십시오(예: 2011년 가을쯤, 2011-10).',
    'Too long.': '너무 깁니다.',
    'Contains an invisible control or direction character; retype it.':
        '보이지 않는 제어 문자나 방향 문자가 들어 있습니다. 다시 입력하십시오.',
    'Not a language code (for example ko, en).': '언어 코드가 아닙니다(예: ko, en).',
    'Not one of the choices in the list.': '목록에 있는 항목이 아닙니다.',
    'Chosen twice.': '두 번 선택했습니다.',
    'Write the name in Hangul, Hanja or Latin letters.': '이름을 한글, 한자, 로마자 중 하나로 쓰십시오.',
    'Give at least one detail: a name, organ, unit or rank.': '이름, 기관, 부대, 계급 중 하나 이상을 쓰십시오.',
    'Not accepted ({detail}).': '받아들일 수 없습니다({detail}).',
    'Narrative': '진술',
    'Consent': '동의',
    'The testimony': '증언',
    'Name {number}': '이름 {number}',
    'Act {number}': '행위 {number}',
    'Perpetrator {number}': '가해자 {number}',
    'Problems preventing the save': '저장을 막는 문제',
    'Autosave status': '자동 저장 상태',
    'Draft saved automatically at {time} (not yet a saved revision).':
        '{time}에 초안을 자동으로 저장했습니다(아직 저장된 판은 아닙니다).',
    'Not saved. Fix these fields, then save again:': '저장하지 않았습니다. 다음 항목을 고친 뒤 다시 저장하십시오:',
    'Not saved: one field needs fixing (listed above).': '저장하지 않았습니다: 고칠 항목이 1개 있습니다(위 목록).',
    'Not saved: {count} fields need fixing (listed above).':
        '저장하지 않았습니다: 고칠 항목이 {count}개 있습니다(위 목록).',
    # ---- auto-lock (ui/common/idle_lock.py, lock_warning.py, ui/session.py, unlock_screen, main_window)
    'About to lock': '곧 잠급니다',
    'Locking in 1 second.': '1초 뒤에 잠급니다.',
    'Locking in {seconds} seconds.': '{seconds}초 뒤에 잠급니다.',
    'There was no activity for a while. Unsaved changes are kept as an encrypted draft.':
        '한동안 아무 입력이 없었습니다. 저장하지 않은 변경은 암호화된 초안으로 남습니다.',
    '&Stay unlocked': '잠그지 않고 계속(&S)',
    'Locked after 1 minute without activity.': '1분 동안 입력이 없어 잠갔습니다.',
    'Locked after {minutes} minutes without activity.': '{minutes}분 동안 입력이 없어 잠갔습니다.',
    'Closed by the lock: {dialog}. Open it again after unlocking.':
        '잠그면서 닫은 창: {dialog}. 잠금을 해제한 뒤 다시 여십시오.',
    'The Settings dialog will open again with your unsaved choices.':
        '설정 창은 저장하지 않은 선택 그대로 다시 열립니다.',
    'Back where you were before the lock; unsaved changes came back from the draft.':
        '잠그기 전 자리로 돌아왔습니다. 저장하지 않은 변경은 초안에서 되살렸습니다.',
    'Emergency erase (Ctrl+Shift+Delete): asks you to hold a button for 3 seconds':
        '긴급 삭제(Ctrl+Shift+Delete): 버튼을 3초 동안 누르고 있어야 합니다',
    '1 unsaved draft: changes autosaved but not yet saved as a revision.':
        '저장하지 않은 초안 1개: 자동 저장되었지만 아직 판으로 저장하지 않은 변경입니다.',
    '{count} unsaved drafts: changes autosaved but not yet saved as a revision.':
        '저장하지 않은 초안 {count}개: 자동 저장되었지만 아직 판으로 저장하지 않은 변경입니다.',
    # ---- revision comparison (ui/common/revision_diff.py, ui/field/history_view.py)
    'Notes': '메모',
    'Testimony id': '증언 식별자',
    'Born (as understood)': '출생(알아들은 날짜)',
    'Born (lunar calendar)': '출생(음력)',
    'A group of people': '여러 사람(집단)',
    'Group size': '집단 인원',
    'Home place': '출신지',
    'Home place (from the list)': '출신지(목록)',
    'Reasons': '사유',
    'Local id': '내부 식별자',
    'Romanisation system': '로마자 표기법',
    'Kind of name': '이름 종류',
    'When (as understood)': '언제(알아들은 날짜)',
    'When (lunar calendar)': '때(음력)',
    'Where (from the list)': '장소(목록)',
    'Facility (from the list)': '시설(목록)',
    'Kind of facility': '시설 종류',
    'Follows act': '앞선 행위',
    'Whereabouts after this': '그 뒤 행방',
    'Source': '출처',
    'Source note': '출처 메모',
    'Role': '역할',
    'Identified by': '신원 확인 근거',
    'Foreign actor': '외국 행위자',
    'Yes': '예',
    'No': '아니요',
    'Change': '변경',
    'changed': '변경됨',
    'Show only what &changed': '바뀐 항목만 보기(&C)',
    'Comparison of versions': '판 비교',
    'This revision': '이 판',
    'Before': '이전',
    'this laptop': '이 노트북',
    'device {device}': '기기 {device}',
    '{device}, interviewer {interviewer}': '{device}, 면담자 {interviewer}',
    'What this revision changed, compared with the one it was made from.':
        '이 판이 바꾼 내용입니다(바로 앞 판과 비교).',
    'The first revision: everything in it is new.': '첫 판입니다. 모든 내용이 새로 들어왔습니다.',
    # ---- counted phrases (ui/common/plural.py)
    '{count} testimony': '증언 {count}건',
    '{count} testimonies': '증언 {count}건',
    '{count} new or changed testimony version': '새로 만들거나 바뀐 증언 판 {count}개',
    '{count} new or changed testimony versions': '새로 만들거나 바뀐 증언 판 {count}개',
    '{count} attached file': '첨부 파일 {count}개',
    '{count} attached files': '첨부 파일 {count}개',
    '{count} audit-log entry': '감사 기록 항목 {count}개',
    '{count} audit-log entries': '감사 기록 항목 {count}개',
    '{count} new revision': '새 판 {count}개',
    '{count} new revisions': '새 판 {count}개',
    '{count} attachment': '첨부 {count}개',
    '{count} attachments': '첨부 {count}개',
    '{testimonies} match.': '{testimonies}이 일치합니다.',
    '{testimonies} need a decision.': '{testimonies}에 결정이 필요합니다.',
    'This bundle will carry {versions}, {files} and {audit} (the vault holds {testimonies}).':
        '이 번들에는 {versions}, {files}, {audit}이(가) 들어갑니다(보관함에는 {testimonies}이 있습니다).',
    # ---- recovery key check-back (ui/start/recovery_key_pages.py)
    'Group {number} does not match the recovery key.': '{number}번 그룹이 복구 키와 일치하지 않습니다.',
    'Groups {numbers} do not match the recovery key.': '{numbers}번 그룹이 복구 키와 일치하지 않습니다.',
    'Compare your paper with the key (go back to see it again) and type it once more.':
        '종이에 적은 내용을 키와 비교한 다음(뒤로 가면 키를 다시 볼 수 있습니다) 다시 입력하십시오.',
    # ---- auditor mode (ui/auditor/)
    '{name}  (in {folder})': '{name}  ({folder} 안)',
    '{file} in {folder}': '{folder} 안의 {file}',
    'Folder': '폴더',
    'Folder: {folder}': '폴더: {folder}',
    # ---- giving HQ the laptop's key (ui/field/give_key_dialog.py) and enrolling at import (ui/hq/enrol_offer.py)
    "&Give HQ this laptop's key…": '이 노트북의 키를 본부에 주기(&G)…',
    "Give HQ this laptop's key": '이 노트북의 키를 본부에 주기',
    'Fingerprint {fingerprint}': '지문 {fingerprint}',
    'The key file was not written: {detail}': '키 파일을 쓰지 못했습니다: {detail}',
    'Written: {file}. Give this file to HQ with the bundles.': '썼습니다: {file}. 이 파일을 번들과 함께 본부에 주십시오.',
    (
        "HQ needs this laptop's public key to accept its bundles. Write the key file to the USB stick, then call HQ "
        "and read the fingerprint below aloud, group by group, while they type it. The file holds nothing secret."
    ):
        (
            '본부가 이 노트북의 번들을 받으려면 이 노트북의 공개 키가 필요합니다. 키 파일을 USB 메모리에 쓴 다음, '
            '본부에 전화해 아래 지문을 그룹별로 소리 내어 읽어 주고 본부가 입력하게 하십시오. 이 파일에는 비밀이 '
            '없습니다.'
        ),
    '&Write key file': '키 파일 쓰기(&W)',
    'Fingerprint to read aloud:': '소리 내어 읽을 지문:',
    '&Enrol this device…': '이 기기 등록(&E)…',
    (
        'That key file is for device {other}, not for {key_id}, which signed the bundle. Choose the right file.'
    ):
        '그 키 파일은 기기 {other}의 것이며, 번들에 서명한 {key_id}의 것이 아닙니다. 맞는 파일을 고르십시오.',
    (
        'Refused because device {key_id} is not enrolled. If it is one of ours: enrol it (its key file is looked for '
        'next to the bundle; compare the fingerprint with the interviewer by phone), and its bundles are imported '
        'again.'
    ):
        (
            '기기 {key_id}이(가) 등록되지 않아 거부했습니다. 우리 기기라면 등록하십시오(키 파일은 번들 옆에서 찾습니다. '
            '지문은 면담자와 전화로 비교하십시오). 그러면 그 기기의 번들을 다시 가져옵니다.'
        ),
    # ---- attachments: removal and the plaintext original (ui/field/attachments_panel.py)
    (
        'The original file is still where it was, unencrypted: {file}. Delete it now? It is overwritten, then removed. '
        'On USB sticks, memory cards and SSDs the old data may survive in places the computer cannot reach, so a copy '
        'may still be recoverable: keep such media safe or destroy them.'
    ):
        (
            '원본 파일이 암호화되지 않은 채 원래 자리에 남아 있습니다: {file}. 지금 삭제하시겠습니까? 덮어쓴 뒤 '
            '지웁니다. USB 메모리, 메모리 카드, SSD에서는 컴퓨터가 닿지 못하는 곳에 옛 데이터가 남아 복구될 수 '
            '있습니다. 그런 매체는 안전하게 보관하거나 파기하십시오.'
        ),
    'Overwriting the original…': '원본을 덮어쓰는 중…',
    'The original was overwritten and removed.': '원본을 덮어쓰고 지웠습니다.',
    'The original could not be deleted: {detail}': '원본을 지우지 못했습니다: {detail}',
    'Remove attachment': '첨부 제거',
    (
        'Remove {file} from this testimony? The encrypted file and its custody record stay in the vault; the removal '
        'is recorded.'
    ):
        '{file}을(를) 이 증언에서 제거하시겠습니까? 암호화된 파일과 관리 기록은 보관함에 남고, 제거한 사실이 기록됩니다.',
    '&Remove': '제거(&R)',
    'The attachment was not removed: {detail}': '첨부를 제거하지 못했습니다: {detail}',
    '{file} was removed from this testimony (recorded in its custody history).':
        '{file}을(를) 이 증언에서 제거했습니다(관리 기록에 남았습니다).',
    'Re&move…': '제거(&M)…',
    '&Delete the original': '원본 삭제(&D)',
    '&Keep it': '그대로 두기(&K)',
    # ---- HQ all testimonies (ui/hq/consolidated_page.py)
    'All interviewers': '모든 면담자',
    'I&nterviewer:': '면담자(&N):',
}
