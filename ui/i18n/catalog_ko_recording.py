"""Korean catalogue entries of the recorder (ui/field/recorder_dialog.py, recorder_markers.py, the attachments button).

Merged into ``KO`` by ``catalog_ko``; same conventions: 합니다체, mnemonic letter in parentheses at the end.
"""

KO_RECORDING: dict[str, str] = {
    'Record &audio…': '녹음하기…(&A)',
    'Record the interview': '면담 녹음',
    'Checking consent…': '동의 여부를 확인하는 중…',
    'No microphone was found. Connect one and open the recorder again.':
        '마이크를 찾지 못했습니다. 마이크를 연결한 뒤 녹음 창을 다시 여세요.',
    'The recording did not start: {detail}': '녹음을 시작하지 못했습니다: {detail}',
    'Level {db} dB': '입력 크기 {db} dB',
    'I have read these conditions to the interviewee and will respect them':
        '이 조건을 증언자에게 읽어 주었고 지키겠습니다',
    '&Microphone': '마이크(&M)',
    'WAV, 16-bit mono, 48 kHz (lossless): about 346 MB per hour, encrypted.':
        'WAV, 16비트 모노, 48 kHz (무손실): 시간당 약 346 MB, 암호화하여 저장.',
    '&Record': '녹음(&R)',
    '&Stop': '정지(&S)',
    'Add &marker ({key})': '표시 추가(&M) ({key})',
    'Optional note for the next marker': '다음 표시에 붙일 메모 (선택)',
    'Marker note': '표시 메모',
    'Markers': '표시',
    'Input level': '입력 크기',
    'P&lay': '재생(&L)',
    'Conditions: {conditions}': '조건: {conditions}',
    '&Resume': '계속(&R)',
    '&Pause': '일시 정지(&P)',
    'The recording stopped: {detail}. Everything up to then is kept.':
        '녹음이 멈췄습니다: {detail}. 그때까지 녹음된 내용은 모두 보관됩니다.',
    'Stored: {duration}, {count} markers.': '저장됨: {duration}, 표시 {count}개.',
    'Nothing was recorded.': '녹음된 내용이 없습니다.',
    'The disk will be full in about {minutes} minutes. Stop soon, or free space.':
        '약 {minutes}분 뒤 디스크가 가득 찹니다. 곧 녹음을 멈추거나 공간을 확보하세요.',
    'Consent to recording: {value}. Ready to record.': '녹음 동의: {value}. 녹음할 수 있습니다.',
    'Consent to recording: {value}.': '녹음 동의: {value}.',
    'Starting…': '시작하는 중…',
    '● Recording': '● 녹음 중',
    'Paused': '일시 정지됨',
    'Storing the recording…': '녹음을 저장하는 중…',
    'Stored in the vault, encrypted.': '금고에 암호화하여 저장했습니다.',
    'granted': '동의',
    'conditional, conditions acknowledged': '조건부 동의, 조건 확인함',
    'Consent could not be read: {detail}': '동의 여부를 읽지 못했습니다: {detail}',
    'The recording could not be stored now; it will be at the next unlock: {detail}':
        '지금은 녹음을 저장하지 못했습니다. 다음에 잠금을 풀 때 저장됩니다: {detail}',
    '(none written down: ask the interviewee again)': '(기록된 조건 없음: 증언자에게 다시 물어보세요)',
    'Markers in the recordings': '녹음 속 표시',
}
