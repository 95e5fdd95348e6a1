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
}
