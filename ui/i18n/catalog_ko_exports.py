"""Korean catalogue entries of the steps-taken sub-form and the HQ export dialogs (issue 16).

Kept apart from ``ui/i18n/catalog_ko.py`` so helpers can add strings at the same time; ``catalog_ko`` merges it.
Same conventions: 합니다체, mnemonic letter in parentheses at the end.
"""

KO_EXPORTS: dict[str, str] = {
    # ---- steps taken (ui/field/editor/steps_form.py)
    'Date (EDTF, e.g. 2012-03)': '날짜 (EDTF, 예: 2012-03)',
    'Asked whom (ministry, Red Cross, court…)': '요청한 곳 (부처, 적십자, 법원…)',
    'What was done': '한 일',
    'Response received': '받은 답변',
    'Remove this step': '이 조치 삭제',
    'Steps taken to find the person': '피해자를 찾기 위한 조치',
    'Add ste&p': '조치 추가(&P)',
    # ---- HQ export dialog (ui/hq/export_dialog.py, ui/hq/export_plan_model.py)
    'Mention': '언급',
    'Leaves?': '반출 여부',
    'Why': '이유',
    'Anonymity': '익명 수준',
    'Included': '포함',
    'Excluded': '제외',
    'consent granted': '동의함',
    'consent with conditions, acknowledged': '조건부 동의 (조건 확인함)',
    'consent with conditions not yet acknowledged': '조건부 동의 (조건 아직 확인 안 함)',
    'consent refused': '동의하지 않음',
    'consent withdrawn': '동의 철회',
    'consent withdrawn in an earlier version': '이전 판에서 동의 철회',
    'consent not asked': '동의를 묻지 않음',
    'unresolved versions disagree': '해결되지 않은 판들이 서로 다름',
    'testimony deleted': '증언 삭제됨',
    'no such testimony': '없는 증언',
    'victim no longer in the testimony': '증언에 더 이상 없는 피해자',
    'Anonymised': '익명 처리',
    'Pseudonym': '가명',
    'Initials': '이니셜',
    'Full name': '실명',
    'UN WGEID case (one person)': '유엔 강제실종실무그룹 사건 (한 사람)',
    'Sanctions dossier (one perpetrator)': '제재 증거 자료 (가해자 한 명)',
    'Uwazi import (whole archive)': 'Uwazi 가져오기 (전체 기록)',
    '&Export:': '내보내기(&E):',
    'Person or &perpetrator id:': '사람 또는 가해자 ID(&P):',
    'P&urpose:': '목적(&U):',
    'Output &folder:': '저장 폴더(&F):',
    'Output folder': '저장 폴더',
    '{included} mention(s) will leave, {excluded} excluded by consent. Names leave as: {level}.':
        '언급 {included}건이 반출되고 {excluded}건은 동의에 따라 제외됩니다. 이름 표시: {level}.',
    'Written and recorded in the audit log:': '저장했으며 감사 기록에 남겼습니다:',
    'Export': '내보내기',
    '&Browse…': '찾아보기(&B)…',
    'Encrypt to (age1… or a key file):': '암호화 대상 (age1… 또는 키 파일):',
    'age1… or the path of a recipients file': 'age1… 또는 수신자 파일 경로',
    'Write the case even if minimum elements are missing': '최소 요소가 빠져도 사건을 작성',
    'I have read the conditions above and the export respects them': '위 조건을 읽었으며 이 내보내기는 조건을 지킵니다',
    '&Show what will leave': '반출될 내용 보기(&S)',
    '&Write export': '내보내기 저장(&W)',
    'Conditions recorded with the consent appear here.': '동의와 함께 기록된 조건이 여기에 표시됩니다.',
    'E&xport (WGEID, dossier, Uwazi)…': '내보내기(WGEID, 증거 자료, Uwazi)(&X)…',
}
