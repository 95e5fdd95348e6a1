"""Korean catalogue entries of the HQ Persons page (issue 14): review queue, person list, person view.

Merged into ``KO`` by ``catalog_ko``; same conventions (합니다체, mnemonic letter in parentheses at the end).
Terms: mention 언급, person 인물, candidate 후보, review queue 검토 대기열.
"""

KO_PERSONS: dict[str, str] = {
    '&Persons':
        '인물(&P)',
    'Acts':
        '사건',
    'Born':
        '출생',
    'Decision':
        '결정',
    'Different people':
        '다른 사람',
    'Home place':
        '고향',
    'Mention A':
        '언급 A',
    'Mention B':
        '언급 B',
    'Mention':
        '언급',
    'Mentions':
        '언급',
    'Names':
        '이름',
    'Not sure':
        '잘 모름',
    'Person':
        '인물',
    'Reported by':
        '진술자',
    'Same person':
        '같은 사람',
    'Score':
        '점수',
    'Sex':
        '성별',
    '&Different people (D)':
        '다른 사람 (D)(&D)',
    '&Not sure (N)':
        '잘 모름 (N)(&N)',
    '&Same person (S)':
        '같은 사람 (S)(&S)',
    '&Refresh':
        '새로 고침(&R)',
    '(not linked) {mention}':
        '(연결 안 됨) {mention}',
    'Every pair in the queue has a decision.':
        '대기열의 모든 쌍에 결정을 내렸습니다.',
    'Failed: {detail}':
        '실패했습니다: {detail}',
    'Looking for candidates…':
        '후보를 찾는 중…',
    'Marked as different people in the review queue':
        '검토 대기열에서 다른 사람으로 표시함',
    'No candidates to review.':
        '검토할 후보가 없습니다.',
    'Person list':
        '인물 목록',
    'Persons':
        '인물',
    'Reason (optional)':
        '사유 (선택)',
    'Review queue':
        '검토 대기열',
    'The decision was not recorded: {detail}':
        '결정이 기록되지 않았습니다: {detail}',
    'The same person reported in several testimonies. Decide each candidate pair: S same person, D different '
    'people, N not sure. Links never change a testimony and can be undone.':
        '여러 진술에 나오는 같은 사람입니다. 후보 쌍마다 결정하십시오: S 같은 사람, D 다른 사람, N 잘 모름. '
        '연결은 진술을 바꾸지 않으며 되돌릴 수 있습니다.',
    'The two mentions disagree here.':
        '두 언급의 내용이 여기서 다릅니다.',
    '{count} candidate pairs to review.':
        '검토할 후보 쌍 {count}개.',
    'Preferred name':
        '대표 이름',
    'interviewee {name}':
        '증언자 {name}',
    'Facts':
        '사실',
    'disagree':
        '불일치',
}
