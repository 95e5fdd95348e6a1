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
}
