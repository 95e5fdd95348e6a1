"""Korean catalogue entries of the interviewer's screens (list, search, editor, attachments, export, HQ key).

Kept apart from ``ui/i18n/catalog_ko.py`` so two engineers can add strings at the same time; ``catalog_ko`` merges this
dictionary into ``KO``, and the completeness test checks the merged catalogue. Same conventions: 합니다체, mnemonic
letter in parentheses at the end, terms as listed in ``catalog_ko``.
"""

KO_INTERVIEWER: dict[str, str] = {
    # ---- list, search, detail (testimony_list_model, testimony_list_page, search_results, testimony_detail)
    'Interview date': '면담 날짜',
    'Interviewee': '증언자',
    'Victims': '피해자',
    'Categories': '유형',
    'Status': '상태',
    'Last changed': '마지막 변경',
    'Interviewer': '면담자',
    '(unnamed)': '(이름 모름)',
    'Search names, places, narrative…': '이름, 장소, 진술 내용 검색…',
    'Search testimonies': '증언 검색',
    '&New testimony': '새 증언(&N)',
    'C&ategory:': '유형(&A):',
    'S&tatus:': '상태(&T):',
    'Interview &dates:': '면담 기간(&D):',
    'Interviews from (YYYY-MM-DD)': '면담 시작일(YYYY-MM-DD)',
    'Interviews until (YYYY-MM-DD)': '면담 종료일(YYYY-MM-DD)',
    'Search results': '검색 결과',
    '&Open draft': '초안 열기(&O)',
    '&Testimonies': '증언(&T)',
    'E&xport bundle…': '번들 내보내기(&X)…',
    'Add &headquarters key…': '본부 키 추가(&H)…',
    '{count} testimonies match.': '증언 {count}건이 일치합니다.',
    '{count} testimonies.': '증언 {count}건.',
    'Any': '전체',
    'The search failed: {detail}': '검색하지 못했습니다: {detail}',
    'Place': '장소',
    'This testimony cannot be shown: {detail}': '이 증언을 표시할 수 없습니다: {detail}',
    '&Edit': '편집(&E)',
    '&History…': '기록(&H)…',
    'Selected testimony': '선택한 증언',
    'Narrative': '진술',
    'Attachments': '첨부 파일',
    # ---- history
    'History': '변경 기록',
    'Revisions': '판',
    'Close': '닫기',
    'current': '현재',
    'deleted': '삭제됨',
    # ---- attachments
    'Attach a file': '파일 첨부',
    'Adding the file…': '파일을 추가하는 중…',
    'The file was added, encrypted.': '파일을 암호화하여 추가했습니다.',
    'The file was not added: {detail}': '파일을 추가하지 못했습니다: {detail}',
    'Adding the file was cancelled.': '파일 추가를 취소했습니다.',
    '&Add file…': '파일 추가(&A)…',
    '&Open': '열기(&O)',
    'Progress': '진행률',
    'Scans, photos and recordings are stored encrypted in the vault.':
        '스캔, 사진, 녹음은 보관함에 암호화되어 저장됩니다.',
    'Save the testimony once before adding files.': '파일을 추가하기 전에 증언을 한 번 저장하십시오.',
    'The file cannot be opened: {detail}': '파일을 열 수 없습니다: {detail}',
    'Attachment': '첨부 파일',
    'Attached text': '첨부된 텍스트',
    '&Play': '재생(&P)',
    'P&ause': '일시 정지(&A)',
    'Playback position': '재생 위치',
    'The image cannot be shown (too large or not a readable image).':
        '이미지를 표시할 수 없습니다(너무 크거나 읽을 수 없는 이미지).',
    'Attached image': '첨부된 이미지',
    'The file is too large to show here.': '파일이 너무 커서 여기에 표시할 수 없습니다.',
    'Audio playback is not available on this computer.': '이 컴퓨터에서는 오디오를 재생할 수 없습니다.',
    'This kind of file cannot be shown in the app.': '이 종류의 파일은 앱에서 표시할 수 없습니다.',
    # ---- export
    'Export bundle': '번들 내보내기',
    'Counting what will go…': '내보낼 항목을 세는 중…',
    (
        'This bundle will carry {revisions} new or changed testimony versions, {attachments} attached files and '
        '{audit} audit-log entries (the vault holds {records} testimonies).'
    ):
        (
            '이 번들에는 새로 만들거나 바뀐 증언 판 {revisions}개, 첨부 파일 {attachments}개, 감사 기록 항목 '
            '{audit}개가 들어갑니다(보관함의 증언은 {records}건입니다).'
        ),
    'Nothing new to send: every testimony version and attached file is already in a bundle.':
        '보낼 새 내용이 없습니다. 모든 증언 판과 첨부 파일이 이미 번들에 들어 있습니다.',
    'Choose the folder (e.g. the USB stick)': '폴더 선택(예: USB 메모리)',
    'Writing the bundle…': '번들을 쓰는 중…',
    "Bundle written: {name}\nSequence number: {seq}\nSize: {size} bytes. Fingerprint of this laptop's key:":
        '번들을 썼습니다: {name}\n일련번호: {seq}\n크기: {size}바이트. 이 노트북 키의 지문:',
    'The bundle was not written: {detail}': '번들을 쓰지 못했습니다: {detail}',
    '&Folder:': '폴더(&F):',
    'Folder to write the bundle to': '번들을 쓸 폴더',
    '&Browse…': '찾아보기(&B)…',
    '&Export': '내보내기(&E)',
    'Encrypted to: {names}': '암호화 대상: {names}',
    'No headquarters key is pinned yet: add it from the Testimonies menu first.':
        '아직 고정된 본부 키가 없습니다. 먼저 증언 메뉴에서 추가하십시오.',
    # ---- HQ key pinning
    'Headquarters public key file': '본부 공개 키 파일',
    'Encryption key: {fingerprint}': '암호화 키: {fingerprint}',
    'Signing key: {fingerprint}': '서명 키: {fingerprint}',
    'Fingerprints to compare': '비교할 지문',
    'Compare these fingerprints with the ones headquarters gave you by phone or on paper.':
        '이 지문을 본부가 전화나 종이로 알려 준 지문과 비교하십시오.',
    'The headquarters key is pinned. Bundles will be encrypted to it.':
        '본부 키를 고정했습니다. 번들은 이 키로 암호화됩니다.',
    (
        "Bundles are encrypted to headquarters' key. Choose the key file headquarters gave you (for example on a "
        "USB stick), then check its fingerprints with headquarters before pinning it. You can also do this later "
        "from the Testimonies menu."
    ):
        (
            '번들은 본부의 키로 암호화됩니다. 본부가 준 키 파일(예: USB 메모리에 있는 파일)을 선택하고, 고정하기 '
            '전에 본부와 지문을 확인하십시오. 나중에 증언 메뉴에서 할 수도 있습니다.'
        ),
    '&Key file:': '키 파일(&K):',
    '&Name:': '이름(&N):',
    'The fingerprints &match what headquarters gave me': '본부가 알려 준 지문과 일치합니다(&M)',
    '&Pin this key': '이 키 고정(&P)',
    'Key file': '키 파일',
    'Headquarters key': '본부 키',
    'This key was pinned already.': '이 키는 이미 고정되어 있습니다.',
    "Interviewer laptops will pin this headquarters vault's key: give them its public key file (Coordinator menu).":
        '면담자 노트북은 이 본부 보관함의 키를 고정합니다. 공개 키 파일을 전해 주십시오(조정자 메뉴).',
    'This file cannot be used: {detail}': '이 파일은 사용할 수 없습니다: {detail}',
    'The key was not pinned: {detail}': '키를 고정하지 못했습니다: {detail}',
    # ---- editor (ui/field/editor/)
    'Ask about each use and record the answer. Leave a row empty if it was not discussed.':
        '각 용도에 대해 묻고 답을 기록하십시오. 이야기하지 않은 항목은 비워 두십시오.',
    'Consent: {purpose}': '동의: {purpose}',
    'Remove': '삭제',
    'Remove this perpetrator': '이 가해자 삭제',
    'When (as said)': '언제(말한 그대로)',
    'Where': '어디서',
    'Act': '사건',
    'Add &perpetrator': '가해자 추가(&P)',
    'Remove act': '사건 삭제',
    'Perpetrator name (if known)': '가해자 이름(아는 경우)',
    'State organ': '국가 기관',
    'Unit': '소속',
    'Rank': '계급',
    'What &happened:': '일어난 일(&H):',
    '&When (as said):': '언제(말한 그대로)(&W):',
    'Wh&ere:': '어디서(&E):',
    '&Facility:': '시설(&F):',
    '&Details:': '세부 내용(&D):',
    'Understood as: {explanation}': '이해한 날짜: {explanation}',
    'Not understood; kept as said.': '이해하지 못했습니다. 말한 그대로 보관합니다.',
    'e.g. 2011년 가을쯤, 주체87년, around 1998': '예: 2011년 가을쯤, 주체87년, 1998년 무렵',
    'Remove this name': '이 이름 삭제',
    'Born (as said)': '출생(말한 그대로)',
    'Add another &name': '다른 이름 추가(&N)',
    'Add &act': '사건 추가(&A)',
    'Remove victim': '피해자 삭제',
    'Victim {number}': '피해자 {number}',
    'Name in Hangul': '한글 이름',
    'Name in Hanja': '한자 이름',
    'Romanised name': '로마자 이름',
    '&Sex:': '성별(&S):',
    '&Born (as said):': '출생(말한 그대로)(&B):',
    'S&tatus now:': '현재 상태(&T):',
    'N&otes:': '메모(&O):',
    '&Interview': '면담(&I)',
    '&Consent': '동의(&C)',
    '&Narrative': '진술(&N)',
    '&Victims': '피해자(&V)',
    'Attac&hments': '첨부 파일(&H)',
    '&Restore draft': '초안 복원(&R)',
    'Discard draft': '초안 버리기',
    'Add &victim': '피해자 추가(&V)',
    '&Save': '저장(&S)',
    'Editor status': '편집기 상태',
    'Opening…': '여는 중…',
    'Saving…': '저장하는 중…',
    'Not saved: {detail}': '저장하지 못했습니다: {detail}',
    'An autosaved draft from {time} has changes that were not saved. Restore it?':
        '{time}에 자동 저장된 초안에 저장되지 않은 변경 내용이 있습니다. 복원하시겠습니까?',
    'New testimony (not saved yet)': '새 증언(아직 저장하지 않음)',
    'Draft restored. Save to keep it as a revision.': '초안을 복원했습니다. 판으로 남기려면 저장하십시오.',
    'Saved.': '저장했습니다.',
    'No changes to save.': '저장할 변경 내용이 없습니다.',
    'The draft could not be saved: {detail}': '초안을 저장하지 못했습니다: {detail}',
    'This testimony cannot be opened: {detail}': '이 증언을 열 수 없습니다: {detail}',
    'Interview &date:': '면담 날짜(&D):',
    '&Interviewer:': '면담자(&I):',
    '&Place:': '장소(&P):',
    'Inte&rpreter:': '통역자(&R):',
    '&Mode:': '면담 방식(&M):',
    'Interviewee &pseudonym:': '증언자 가명(&P):',
    '&Relation to the victim:': '피해자와의 관계(&R):',
    '= {term}': '일치: {term}',
    'not in the list (kept as typed)': '목록에 없음(입력한 그대로 보관)',
}
