import { startApp, createUser, createSchool, bearer, type TestApp, type TestUser } from '../helpers/strapi';

/** Fixtures write decided records directly, as a decision does: inside the app's own decision context (from dist/, the module instance Strapi runs). */
const asFixture = <T>(run: () => Promise<T>): Promise<T> => require('../../dist/src/shared/decision').asDecision('fixture', run);

let app: TestApp;
const u: Record<string, TestUser> = {};

type Entry = [hours: number, status: 'approved' | 'pending' | 'rejected', category: string, date: string, course?: string];

beforeAll(async () => {
  app = await startApp();
  const e1 = await createSchool(app.strapi, { code: 'QX-E1', name: '东湖一小', district: '东湖区' });
  const e2 = await createSchool(app.strapi, { code: 'QX-E2', name: '东湖二中', district: '东湖区' });
  const w1 = await createSchool(app.strapi, { code: 'QX-W1', name: '西山一中', district: '西山县' });
  const course = await app.strapi.documents('api::training-course.training-course' as any).create({
    data: { title: '心理健康教育教师专业培训', code: 'C-MH', tier: 'A', audiencePositions: ['mh_parttime'], level: 'county', mode: 'in_person', creditHours: 16, modules: [{ title: '全程', hours: 16 }], schoolYear: '2025-2026', startDate: '2025-10-01', endDate: '2025-11-01', capacity: 50, courseStatus: 'closed' },
  });
  const teacher = async (key: string, schoolId: string, positions: string[], ledger: Entry[]) => {
    u[key] = await createUser(app.strapi, { role: 'teacher', teacher: { name: key, schoolDocumentId: schoolId, positions, staffNumber: key } });
    for (const [hours, status, category, date, withCourse] of ledger) {
      const year = Number(date.slice(0, 4)) - (Number(date.slice(5, 7)) >= 9 ? 0 : 1);
      await asFixture(() => app.strapi.documents('api::credit-record.credit-record' as any).create({
        data: { teacher: u[key].teacher!.documentId, hours, status, category, date, schoolYear: `${year}-${year + 1}`, source: withCourse ? 'course_completion' : 'manual', course: withCourse ? course.documentId : undefined },
      }));
    }
  };
  await teacher('t1', e1.documentId, ['subject'], [[5, 'approved', 'school_based', '2025-10-01'], [4, 'approved', 'online', '2026-01-10'], [2, 'pending', 'online', '2026-02-01']]);
  await teacher('t2', e1.documentId, ['homeroom', 'subject'], [[6, 'approved', 'school_based', '2025-09-15'], [4, 'approved', 'online', '2026-03-01'], [3, 'pending', 'school_based', '2026-04-01']]);
  await teacher('t3', e1.documentId, ['mh_parttime', 'subject'], [[16, 'approved', 'topic_training', '2025-11-01', 'C-MH'], [4, 'approved', 'online', '2026-05-01']]);
  await teacher('t4', e1.documentId, ['subject'], [[8, 'approved', 'school_based', '2026-08-31'], [10, 'approved', 'school_based', '2025-08-31']]);
  await teacher('t5', e2.documentId, ['moral_education'], [[18, 'approved', 'topic_training', '2025-12-01'], [-2, 'approved', 'topic_training', '2026-01-05']]);
  await teacher('t6', e2.documentId, ['subject'], [[9, 'rejected', 'other', '2026-02-02']]);
  await teacher('t7', w1.documentId, ['subject'], [[100, 'approved', 'online', '2026-02-02']]);
  u.coordinator = await createUser(app.strapi, { role: 'coordinator' });
  u.researcher = await createUser(app.strapi, { role: 'researcher' });
});
afterAll(async () => {
  await app?.stop();
});

describe('transcript', () => {
  test("a teacher's own transcript: approved and pending hours by category, requirement, hours still needed", async () => {
    const res = await app.http().get('/api/me/transcript?schoolYear=2025-2026').set(bearer(u.t2.jwt));
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      schoolYear: '2025-2026',
      teacher: { documentId: u.t2.teacher!.documentId, name: 't2', staffNumber: 't2', positions: ['homeroom', 'subject'], school: { name: '东湖一小', code: 'QX-E1' } },
      approvedHours: 10,
      pendingHours: 3,
      byCategory: [
        { category: 'online', approvedHours: 4, pendingHours: 0 },
        { category: 'school_based', approvedHours: 6, pendingHours: 3 },
      ],
      byCourse: [],
      // homeroom (16) is stricter than subject (8)
      requirement: { position: 'homeroom', minHours: 16, source: expect.stringContaining('16课时') },
      met: false,
      hoursNeeded: 6,
      certificates: [],
    });
  });

  test('course hours appear by course; a reversal reduces the total; other school years do not count', async () => {
    const t3 = (await app.http().get('/api/me/transcript?schoolYear=2025-2026').set(bearer(u.t3.jwt))).body.data;
    expect([t3.approvedHours, t3.met, t3.hoursNeeded, t3.requirement.minHours]).toEqual([20, true, 0, 20]);
    expect(t3.byCourse).toEqual([{ code: 'C-MH', title: '心理健康教育教师专业培训', approvedHours: 16 }]);
    const t5 = (await app.http().get('/api/me/transcript?schoolYear=2025-2026').set(bearer(u.t5.jwt))).body.data;
    expect([t5.approvedHours, t5.met]).toEqual([16, true]);
    const t4 = (await app.http().get('/api/me/transcript?schoolYear=2024-2025').set(bearer(u.t4.jwt))).body.data;
    expect([t4.approvedHours, t4.met]).toEqual([10, true]);
  });

  test('coordinators read any transcript; teachers cannot read another teacher\'s', async () => {
    const res = await app.http().get(`/api/transcripts/${u.t6.teacher!.documentId}?schoolYear=2025-2026`).set(bearer(u.coordinator.jwt));
    expect(res.status).toBe(200);
    expect([res.body.data.approvedHours, res.body.data.pendingHours, res.body.data.met, res.body.data.hoursNeeded]).toEqual([0, 0, false, 8]);
    expect((await app.http().get(`/api/transcripts/${u.t6.teacher!.documentId}`).set(bearer(u.t1.jwt))).status).toBe(403);
    expect((await app.http().get('/api/transcripts/nope000000000000000000000').set(bearer(u.coordinator.jwt))).status).toBe(404);
    expect((await app.http().get('/api/me/transcript')).status).toBe(403);
  });

  test('a malformed school year is 400 naming it', async () => {
    const res = await app.http().get('/api/me/transcript?schoolYear=2025-2027').set(bearer(u.t1.jwt));
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors[0].path).toEqual(['schoolYear']);
  });
});

describe('compliance report', () => {
  const expected = [
    { schoolCode: 'QX-E1', schoolName: '东湖一小', district: '东湖区', position: 'homeroom', teachers: 1, meeting: 0, share: 0, approvedHours: 10 },
    { schoolCode: 'QX-E1', schoolName: '东湖一小', district: '东湖区', position: 'mh_parttime', teachers: 1, meeting: 1, share: 1, approvedHours: 20 },
    // t1 9 ≥ 8 ✓, t2 10 < 16 ✗ (homeroom applies), t3 20 ≥ 20 ✓, t4 8 ≥ 8 ✓
    { schoolCode: 'QX-E1', schoolName: '东湖一小', district: '东湖区', position: 'subject', teachers: 4, meeting: 3, share: 0.75, approvedHours: 47 },
    { schoolCode: 'QX-E2', schoolName: '东湖二中', district: '东湖区', position: 'moral_education', teachers: 1, meeting: 1, share: 1, approvedHours: 16 },
    { schoolCode: 'QX-E2', schoolName: '东湖二中', district: '东湖区', position: 'subject', teachers: 1, meeting: 0, share: 0, approvedHours: 0 },
  ];

  test('per school and position for a district matches the hand-computed numbers', async () => {
    const res = await app.http().get(`/api/reports/compliance?schoolYear=2025-2026&district=${encodeURIComponent('东湖区')}`).set(bearer(u.coordinator.jwt));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: expected, meta: { schoolYear: '2025-2026' } });
  });

  test('one school', async () => {
    const res = await app.http().get('/api/reports/compliance?schoolYear=2025-2026&school=QX-E2').set(bearer(u.coordinator.jwt));
    expect(res.body.data).toEqual(expected.slice(3));
  });

  test('as CSV for Excel: BOM, bilingual header, one line per row', async () => {
    const res = await app.http().get(`/api/reports/compliance?schoolYear=2025-2026&district=${encodeURIComponent('东湖区')}&format=csv`).set(bearer(u.coordinator.jwt));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="compliance-2025-2026.csv"; filename*=UTF-8''compliance-2025-2026.csv`);
    const text = res.text;
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe('学校代码 School code,学校 School,区县 District,岗位 Position,教师数 Teachers,达标人数 Meeting,达标率 Share,认定学时 Approved hours');
    expect(lines.slice(1)).toEqual(['QX-E1,东湖一小,东湖区,homeroom,1,0,0,10', 'QX-E1,东湖一小,东湖区,mh_parttime,1,1,1,20', 'QX-E1,东湖一小,东湖区,subject,4,3,0.75,47', 'QX-E2,东湖二中,东湖区,moral_education,1,1,1,16', 'QX-E2,东湖二中,东湖区,subject,1,0,0,0']);
  });

  test.each([
    ['schoolYear=2025-2026', 'district'],
    [`schoolYear=2025-2026&district=x&school=y`, 'school'],
    ['district=x', 'schoolYear'],
  ])('%s is 400 naming %s', async (qs, field) => {
    const res = await app.http().get(`/api/reports/compliance?${qs}`).set(bearer(u.coordinator.jwt));
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors[0].path).toEqual([field]);
  });

  test('the drill-down: by district for the city, counting each teacher once against their strictest requirement', async () => {
    const res = await app.http().get('/api/reports/compliance?schoolYear=2025-2026&groupBy=district').set(bearer(u.coordinator.jwt));
    expect(res.status).toBe(200);
    // 东湖区: t1 9 ≥ 8 ✓, t2 10 < 16 ✗, t3 20 ≥ 20 ✓, t4 8 ≥ 8 ✓, t5 16 ≥ 16 ✓, t6 0 ✗; 西山县: t7 100 ≥ 8 ✓.
    expect(res.body.data).toEqual({
      schoolYear: '2025-2026',
      groupBy: 'district',
      area: {},
      totals: { teachers: 7, meeting: 5, share: 0.714 },
      areas: [
        { key: '东湖区', name: '东湖区', district: '东湖区', teachers: 6, meeting: 4, share: 0.667, approvedHours: 63 },
        { key: '西山县', name: '西山县', district: '西山县', teachers: 1, meeting: 1, share: 1, approvedHours: 100 },
      ].sort((a, b) => (a.key < b.key ? -1 : 1)),
      teachers: [],
    });
  });

  test('the drill-down: schools of a district, then the teachers of a school', async () => {
    const schools = await app.http().get(`/api/reports/compliance?schoolYear=2025-2026&groupBy=school&district=${encodeURIComponent('东湖区')}`).set(bearer(u.coordinator.jwt));
    expect(schools.status).toBe(200);
    expect(schools.body.data.areas).toEqual([
      { key: 'QX-E1', name: '东湖一小', district: '东湖区', teachers: 4, meeting: 3, share: 0.75, approvedHours: 47 },
      { key: 'QX-E2', name: '东湖二中', district: '东湖区', teachers: 2, meeting: 1, share: 0.5, approvedHours: 16 },
    ]);
    const teachers = await app.http().get('/api/reports/compliance?schoolYear=2025-2026&groupBy=teacher&school=QX-E1').set(bearer(u.coordinator.jwt));
    expect(teachers.status).toBe(200);
    expect(teachers.body.data.area).toEqual({ school: 'QX-E1', schoolName: '东湖一小' });
    expect(teachers.body.data.totals).toEqual({ teachers: 4, meeting: 3, share: 0.75 });
    expect(teachers.body.data.teachers.map((t: Record<string, unknown>) => [t.name, t.positions, t.requiredHours, t.approvedHours, t.meeting])).toEqual([
      ['t1', ['subject'], 8, 9, true],
      ['t2', ['homeroom', 'subject'], 16, 10, false],
      ['t3', ['mh_parttime', 'subject'], 20, 20, true],
      ['t4', ['subject'], 8, 8, true],
    ]);
    expect(teachers.body.data.teachers[0]).toMatchObject({ documentId: u.t1.teacher!.documentId, staffNumber: 't1', schoolCode: 'QX-E1', schoolName: '东湖一小' });
  });

  test('the drill-down exports: CSV names positions in Chinese; XLSX holds the same rows with numbers as numbers', async () => {
    const csv = await app.http().get('/api/reports/compliance?schoolYear=2025-2026&groupBy=teacher&school=QX-E1&format=csv').set(bearer(u.coordinator.jwt));
    expect(csv.status).toBe(200);
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="compliance-2025-2026-QX-E1-by-teacher.csv"; filename*=UTF-8''compliance-2025-2026-QX-E1-by-teacher.csv`);
    const lines = csv.text.slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe('学校代码 School code,学校 School,工号 Staff no.,姓名 Name,岗位 Positions,应修学时 Required hours,认定学时 Approved hours,是否达标 Meeting');
    expect(lines[2]).toBe('QX-E1,东湖一小,t2,t2,班主任、专任教师,16,10,否 no');

    const xlsx = await app.http().get(`/api/reports/compliance?schoolYear=2025-2026&groupBy=school&district=${encodeURIComponent('东湖区')}&format=xlsx`).set(bearer(u.coordinator.jwt))
      .buffer(true).parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    // The district's Chinese name travels in filename* (RFC 6266); the plain filename stays ASCII.
    expect(xlsx.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('compliance-2025-2026-东湖区-by-school.xlsx')}`);
    const ExcelJS = require('exceljs');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body);
    const rows: unknown[][] = [];
    workbook.worksheets[0].eachRow((row: { values: unknown[] }) => rows.push(row.values.slice(1)));
    expect(rows).toEqual([
      ['学校代码 School code', '学校 School', '区县 District', '教师数 Teachers', '达标人数 Meeting', '达标率 Share', '认定学时 Approved hours'],
      ['QX-E1', '东湖一小', '东湖区', 4, 3, 0.75, 47],
      ['QX-E2', '东湖二中', '东湖区', 2, 1, 0.5, 16],
    ]);
  });

  test.each([
    ['schoolYear=2025-2026&groupBy=teacher', 'groupBy'],
    ['schoolYear=2025-2026&groupBy=province', 'groupBy'],
    ['schoolYear=2025-2026&groupBy=district&school=QX-E1', 'groupBy'],
    ['schoolYear=2025-2026&groupBy=school&district[$ne]=x', 'district'],
    ['schoolYear=2025-2026&groupBy=school&format=pdf', 'format'],
    ['groupBy=school', 'schoolYear'],
  ])('drill-down %s is 400 naming %s', async (qs, field) => {
    const res = await app.http().get(`/api/reports/compliance?${qs}`).set(bearer(u.coordinator.jwt));
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors[0].path).toEqual([field]);
  });

  test.each(['t1', 'researcher'])('%s cannot read the report', async (who) => {
    expect((await app.http().get('/api/reports/compliance?schoolYear=2025-2026&school=QX-E1').set(bearer(u[who].jwt))).status).toBe(403);
  });
});
