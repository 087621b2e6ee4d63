import { assertNoPersonalData, detectPersonalData, findPersonalData } from '../../src/shared/privacy-guard';

// ISO 7064 MOD 11-2, computed here independently of the module so the IDs are real-shaped.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
function checkChar(base17: string): string {
  const sum = base17.split('').reduce((acc, digit, i) => acc + Number(digit) * WEIGHTS[i], 0);
  return '10X98765432'[sum % 11];
}
function wrongCheckChar(base17: string): string {
  return checkChar(base17) === '0' ? '1' : '0';
}
const toFullWidth = (text: string) =>
  text.replace(/[0-9A-Za-z@+]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));

const BASE = '11010519491231002';
const VALID_ID = BASE + checkChar(BASE);
// Iterate the sequence number (positions 15–17) for an ID of the wanted check-character shape.
function idWhere(prefix14: string, wantX: boolean): string {
  for (let seq = 0; seq < 1000; seq++) {
    const base = prefix14 + String(seq).padStart(3, '0');
    if ((checkChar(base) === 'X') === wantX) return base + checkChar(base);
  }
  throw new Error('no such ID');
}
const X_ID = idWhere('44030420080901', true);
const DIGIT_ID = idWhere('11010519491231', false);

describe('detectPersonalData: resident ID numbers', () => {
  test('the fixtures are what they claim to be', () => {
    // 167 mod 11 = 2 → 'X', checked by hand.
    expect(VALID_ID).toBe('11010519491231002X');
    expect(X_ID).toMatch(/^44030420080901\d{3}X$/);
    expect(DIGIT_ID).toMatch(/^11010519491231\d{4}$/);
  });

  test.each([
    ['bare', VALID_ID],
    ['with a digit check character', DIGIT_ID],
    ['in a Chinese sentence', `学生身份证号${VALID_ID}，已登记`],
    ['X check character', `身份证：${X_ID}。`],
    ['lowercase x check character', `身份证 ${X_ID.toLowerCase()} 请核对`],
    ['full-width digits', `身份证号${toFullWidth(DIGIT_ID)}`],
    ['full-width X', toFullWidth(X_ID)],
  ])('flags an ID %s', (_label, text) => {
    expect(detectPersonalData(text)).toBe('resident_id');
  });

  test.each([
    ['wrong check digit', BASE + wrongCheckChar(BASE)],
    ['wrong check digit on a digit-check ID', DIGIT_ID.slice(0, 17) + wrongCheckChar(DIGIT_ID.slice(0, 17))],
    ['X where the check char is a digit', DIGIT_ID.slice(0, 17) + 'X'],
    ['digit where the check char is X', X_ID.slice(0, 17) + '0'],
    ['lowercase x where the check char is a digit', DIGIT_ID.slice(0, 17) + 'x'],
    ['valid ID inside a 19-digit run', `${DIGIT_ID}5`],
    ['valid ID inside a 20-digit run', `9${DIGIT_ID}5`],
    ['valid ID preceded by a digit', `9${VALID_ID}`],
    ['17 digits', BASE],
  ])('does not flag %s', (_label, text) => {
    expect(detectPersonalData(text)).toBeNull();
  });

  test.each([
    ['month 13', '11010519491331002'],
    ['month 00', '11010519490031002'],
    ['day 00', '11010519491200002'],
    ['day 32', '11010519491232002'],
    ['year 1899', '11010518991231002'],
    ['year 2100', '11010521001231002'],
  ])('does not flag a checksum-valid number with an impossible date (%s)', (_label, base) => {
    expect(detectPersonalData(base + checkChar(base))).toBeNull();
  });
});

describe('detectPersonalData: mobile numbers', () => {
  test.each([
    '13800138000',
    '138 0013 8000',
    '138-0013-8000',
    '+86 13800138000',
    '+8613800138000',
    '86 13800138000',
    '8613800138000',
    '0086 13800138000',
    '0086-138-0013-8000',
    '+86 138 0013 8000',
    '19912345678',
    '家长电话13912345678，请联系',
    '班主任说：如有需要请拨打 159-1234-5678。',
    '联系人王老师（+86 186 0000 1234）',
    '家长电话１３９１２３４５６７８，请联系',
    'tel:15000001111',
  ])('flags %j', (text) => {
    expect(detectPersonalData(text)).toBe('mobile');
  });

  test.each([
    ['second digit 2', '12345678901'],
    ['second digit 0', '10012345678'],
    ['10 digits', '1380013800'],
    ['12 digits (mobile + trailing digit)', '138001380001'],
    ['12 digits (leading digit + mobile)', '213800138000'],
    ['double space', '138  0013 8000'],
    ['wrong grouping', '1380 013 8000'],
    ['landline with area code', '学校心理咨询室电话0796-8221234'],
    ['landline in parentheses', '(010)62751234'],
    ['ISO date', '活动日期2024-09-01'],
    ['compact date', '20240901'],
    ['date and time', '2024-09-01 14:30'],
    ['time range', '14:30-15:15'],
    ['duration', '每节课45分钟，共8课时'],
    ['class size', '全班45人，分成6组'],
    ['17-digit number', '12345678901234567'],
    ['year range', '1390-1400年'],
  ])('does not flag %s', (_label, text) => {
    expect(detectPersonalData(text)).toBeNull();
  });
});

describe('detectPersonalData: email addresses', () => {
  test.each([
    'zhang.san@example.com',
    '如需材料请发邮件至teacher_li@school.edu.cn，谢谢',
    '学生邮箱：xiaoming2010@qq.com。',
    '邮箱 ｘｉａｏｍｉｎｇ＠ｑｑ.com',
    '13800138000@163.com',
  ])('flags %j as an email', (text) => {
    expect(detectPersonalData(text)).toBe('email');
  });

  test.each([
    '@张老师 请查看教案',
    '关注公众号@心育平台',
    'logo@2x.png',
    'a@b',
    'https://medium.com/@author/post',
  ])('does not flag %j', (text) => {
    expect(detectPersonalData(text)).toBeNull();
  });
});

describe('detectPersonalData: clean teaching content', () => {
  test('a realistic lesson plan passage is clean', () => {
    const text =
      '第3课《认识情绪》：2024-09-01（周一）14:30开始，时长45分钟。全班42人分成6组，' +
      '每组7人。课后作业编号20240901003。如有疑问请拨打学校总机0796-8221234转8012。';
    expect(detectPersonalData(text)).toBeNull();
  });

  test('an empty string is clean', () => {
    expect(detectPersonalData('')).toBeNull();
  });
});

describe('findPersonalData', () => {
  const lesson = {
    title: '情绪小剧场',
    grade: 7,
    sessions: [
      { __component: 'lesson.session', id: 1, observation: '学生积极参与，共45分钟' },
      { __component: 'lesson.session', id: 2, observation: '学生A情绪低落，家长电话13912345678，已联系' },
    ],
  };

  test('returns the dotted path into component lists', () => {
    expect(findPersonalData(lesson)).toEqual({ kind: 'mobile', path: 'sessions.1.observation' });
  });

  test('returns the first finding in document order', () => {
    const data = { a: { b: ['clean', `ID ${VALID_ID}`] }, c: 'x@example.com' };
    expect(findPersonalData(data)).toEqual({ kind: 'resident_id', path: 'a.b.1' });
  });

  test('prefixes basePath', () => {
    expect(findPersonalData(lesson, 'data')).toEqual({ kind: 'mobile', path: 'data.sessions.1.observation' });
    expect(findPersonalData('联系 a@b.cn', 'background')).toEqual({ kind: 'email', path: 'background' });
  });

  test('a top-level string has an empty path', () => {
    expect(findPersonalData('a@b.cn')).toEqual({ kind: 'email', path: '' });
  });

  test('only strings are scanned', () => {
    expect(findPersonalData({ phone: 13912345678, id18: Number(DIGIT_ID), ok: true, none: null })).toBeNull();
  });

  test('default skipKeys are not scanned, at any depth', () => {
    const data = {
      documentId: 'zhang@example.com',
      slug: '13912345678',
      nested: [{ id: VALID_ID, __component: 'a@b.cn', locale: '13912345678', createdAt: '13912345678' }],
      body: '干净的内容',
    };
    expect(findPersonalData(data)).toBeNull();
  });

  test('custom skipKeys replace the defaults', () => {
    const data = { documentId: 'zhang@example.com', notes: '13912345678' };
    expect(findPersonalData(data, '', ['notes'])).toEqual({ kind: 'email', path: 'documentId' });
  });

  test('clean nested data returns null', () => {
    expect(findPersonalData({ sessions: [{ observation: '2024-09-01 全班45人' }], tags: ['情绪', '沟通'] })).toBeNull();
  });

  test('survives cyclic objects', () => {
    const data: Record<string, unknown> = { title: 'ok' };
    data.self = data;
    expect(findPersonalData(data)).toBeNull();
  });
});

describe('assertNoPersonalData', () => {
  test('does nothing for clean data', () => {
    expect(() => assertNoPersonalData({ title: '认识情绪', sessions: [{ observation: '45分钟' }] })).not.toThrow();
    expect(assertNoPersonalData(undefined)).toBeUndefined();
  });

  test('throws a ValidationError naming the field and kind, with an array path', () => {
    const data = { sessions: [{ observation: 'ok' }, { observation: `学生邮箱 stu@example.com` }] };
    let thrown: any;
    try {
      assertNoPersonalData(data);
    } catch (error) {
      thrown = error;
    }
    const message = 'sessions.1.observation contains an email address; student identities must never be stored';
    expect(thrown).toBeDefined();
    expect(thrown.name).toBe('ValidationError');
    expect(thrown.message).toBe(message);
    expect(thrown.details).toEqual({
      errors: [{ path: ['sessions', '1', 'observation'], message, name: 'ValidationError' }],
    });
    expect(Array.isArray(thrown.details.errors[0].path)).toBe(true);
  });

  test.each([
    ['mobile', { background: '家长电话 138-0013-8000' }, 'background contains a mobile phone number; student identities must never be stored'],
    ['resident_id', { background: `身份证${X_ID}` }, 'background contains a resident ID number; student identities must never be stored'],
    ['email', { background: 'a@b.cn' }, 'background contains an email address; student identities must never be stored'],
  ])('message for %s', (_kind, data, message) => {
    expect(() => assertNoPersonalData(data)).toThrow(message);
  });

  test('the message never echoes the personal data itself', () => {
    expect(() => assertNoPersonalData({ background: '13912345678' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('13912345678') })
    );
  });
});
