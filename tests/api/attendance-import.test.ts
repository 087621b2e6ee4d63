import fs from 'fs';
import os from 'os';
import path from 'path';
import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';
import { startApp, createUser, createSchool, bearer, type TestApp, type TestUser } from '../helpers/strapi';

let app: TestApp;
const u: Record<string, TestUser> = {};
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'import-'));

const HEADER = '工号,姓名,培训日期,学时,培训类别,课程代码';
const csv = (...lines: string[]) => [HEADER, ...lines].join('\r\n') + '\r\n';
const write = (name: string, content: Buffer | string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
};
const count = () => app.strapi.db.query('api::credit-record.credit-record' as any).count();
const upload = (file: string, qs = '', who = 'coordinator') =>
  app.http().post(`/api/credit-records/import${qs}`).set(bearer(u[who].jwt)).attach('file', file);

beforeAll(async () => {
  app = await startApp();
  const school = await createSchool(app.strapi);
  for (const [key, staffNumber, name] of [['zhang', 'T1001', '张老师'], ['li', 'T1002', '李老师']]) {
    u[key] = await createUser(app.strapi, { role: 'teacher', teacher: { name, staffNumber, schoolDocumentId: school.documentId, positions: ['subject'] } });
  }
  await app.strapi.documents('api::training-course.training-course' as any).create({
    data: { title: '网络研修', code: 'NET-01', tier: 'C', audiencePositions: ['subject'], level: 'provincial', mode: 'online', creditHours: 4, modules: [{ title: '全程', hours: 4 }], schoolYear: '2025-2026', startDate: '2025-09-10', endDate: '2025-12-31', capacity: 1000, courseStatus: 'closed' },
  });
  u.coordinator = await createUser(app.strapi, { role: 'coordinator' });
});
afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await app?.stop();
});

const GOOD = csv('T1001,张老师,2025-10-08,3,专题培训,', 'T1002,李老师,2026/3/15,2.5,校本培训,', 'T1001,张老师,2025年12月1日,4,网络培训,NET-01');

describe('attendance import', () => {
  test('a dry run reports what would happen and stores nothing', async () => {
    const before = await count();
    const res = await upload(write('dry.csv', iconv.encode(GOOD, 'gbk')), '?dryRun=true');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ dryRun: true, rows: 3, valid: 3, alreadyImported: 0, imported: 0, pendingOwn: 0, errorCount: 0, errors: [], skipped: [] });
    expect(await count()).toBe(before);
  });

  test('a GBK file from Excel with Chinese headers and labels is imported, approved, with school years derived', async () => {
    const res = await upload(write('gbk.csv', iconv.encode(GOOD, 'gbk')));
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ rows: 3, valid: 3, imported: 3, errorCount: 0 });
    const records = await app.strapi.db.query('api::credit-record.credit-record' as any).findMany({
      where: { source: 'import' },
      populate: { teacher: { select: ['staffNumber'] }, course: { select: ['code'] } },
      orderBy: { date: 'asc' },
    });
    expect(records.map((r) => [r.teacher.staffNumber, r.date, Number(r.hours), r.category, r.schoolYear, r.status, r.course?.code ?? null])).toEqual([
      ['T1001', '2025-10-08', 3, 'topic_training', '2025-2026', 'approved', null],
      ['T1001', '2025-12-01', 4, 'online', '2025-2026', 'approved', 'NET-01'],
      ['T1002', '2026-03-15', 2.5, 'school_based', '2025-2026', 'approved', null],
    ]);
    const transcript = await app.http().get('/api/me/transcript?schoolYear=2025-2026').set(bearer(u.zhang.jwt));
    expect(transcript.body.data.approvedHours).toBe(7);
    // Each imported record has its own audit entry: who, when, and what it became.
    const trail = await app.http().get(`/api/audit-events?filters[entityDocumentId][$eq]=${records[2].documentId}`).set(bearer(u.coordinator.jwt));
    expect(trail.body.data).toEqual([
      expect.objectContaining({ action: 'import', actorUsername: u.coordinator.user.username, before: null, after: expect.objectContaining({ staffNumber: 'T1002', hours: 2.5, row: 3, status: 'approved' }) }),
    ]);
  });

  test('re-importing the same file adds nothing, even as UTF-8 with a BOM', async () => {
    const before = await count();
    const res = await upload(write('bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(GOOD, 'utf8')])));
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ rows: 3, valid: 3, alreadyImported: 3, imported: 0 });
    // Nothing is skipped silently: every row says which record it matched, when and by whom.
    expect(res.body.data.skipped.map((s) => s.row)).toEqual([2, 3, 4]);
    for (const skipped of res.body.data.skipped) {
      expect(skipped.reason).toMatch(new RegExp(`^imported on \\d{4}-\\d{2}-\\d{2} by ${u.coordinator.user.username}$`));
      expect(typeof skipped.record).toBe('string');
    }
    expect(await count()).toBe(before);
  });

  test('an XLSX file is read too, with real date cells', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('考勤');
    sheet.addRow(['工号', '姓名', '培训日期', '学时', '培训类别', '记录编号']);
    sheet.addRow(['T1002', '李老师', new Date(Date.UTC(2026, 0, 9)), 1.5, '心理健康关怀活动', 'PLAT-778']);
    sheet.addRow(['T1001', '张老师', new Date(Date.UTC(2026, 0, 10)), 2, '跟岗进修', 'PLAT-779']);
    const res = await upload(write('sheet.xlsx', Buffer.from(await workbook.xlsx.writeBuffer())));
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ rows: 2, imported: 2 });
    const record = await app.strapi.db.query('api::credit-record.credit-record' as any).findOne({ where: { externalRef: 'ext:PLAT-778' } });
    expect([record.date, Number(record.hours), record.category]).toEqual(['2026-01-09', 1.5, 'wellbeing_activity']);
  });

  test('every bad row is reported with row, column and reason, and nothing is stored', async () => {
    const before = await count();
    const file = write('bad.csv', iconv.encode(csv(
      'T1001,张老师,2026-01-05,2,专题培训,',
      'T9999,王某,2026-01-05,2,专题培训,',
      'T1001,张老师,2026-02-30,2,专题培训,',
      'T1001,张老师,2026-01-06,-3,专题培训,',
      'T1001,张老师,2026-01-07,500,专题培训,',
      'T1001,张老师,2026-01-08,1.25,专题培训,',
      'T1001,张老师,2026-01-09,2,春游,',
      'T1001,张老师,2026-01-05,2,专题培训,',
      'T1002,李老师,2026-01-05,2,专题培训,NOPE-1',
      'T1002,李老师,2999-01-01,2,专题培训,',
      ',李老师,2026-01-05,2,专题培训,',
    ), 'gb18030'));
    const res = await upload(file);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('10 row(s) have problems; nothing was imported');
    expect(res.body.error.details.errors).toEqual([
      { row: 3, column: 'staffNumber', reason: 'unknown staff number "T9999"' },
      { row: 4, column: 'date', reason: '"2026-02-30" is not a date (YYYY-MM-DD)' },
      { row: 5, column: 'hours', reason: '-3 is not positive' },
      { row: 6, column: 'hours', reason: '500 is more than 200 in one record' },
      { row: 7, column: 'hours', reason: '1.25 has more than one decimal' },
      { row: 8, column: 'category', reason: expect.stringMatching(/^"春游" is not one of 专题培训/) },
      { row: 9, column: 'row', reason: 'duplicate of row 2 in this file' },
      { row: 10, column: 'courseCode', reason: 'unknown course code "NOPE-1"' },
      { row: 11, column: 'date', reason: '2999-01-01 is in the future' },
      { row: 12, column: 'staffNumber', reason: 'missing' },
    ]);
    expect(res.body.error.details).toMatchObject({ rows: 11, errorCount: 10, imported: 0 });
    expect(await count()).toBe(before);
  });

  test('one bad row among good ones leaves the database unchanged; partial=true imports the good ones', async () => {
    const file = write('one-bad.csv', csv('T1002,李老师,2026-04-01,1,校本培训,', 'T1002,李老师,2026-04-02,abc,校本培训,', 'T1001,张老师,2026-04-03,1,校本培训,'));
    const before = await count();
    expect((await upload(file)).status).toBe(400);
    expect(await count()).toBe(before);
    const partial = await upload(file, '?partial=true');
    expect(partial.status).toBe(201);
    expect(partial.body.data).toMatchObject({ rows: 3, valid: 2, imported: 2, errorCount: 1, errors: [{ row: 3, column: 'hours', reason: '"abc" is not a number' }] });
    expect(await count()).toBe(before + 2);
  });

  test('a sheet without the required columns is refused naming them', async () => {
    const res = await upload(write('cols.csv', '姓名,学时\n张老师,2\n'));
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors.map((e) => [e.row, e.column])).toEqual([[1, 'staffNumber'], [1, 'date'], [1, 'category']]);
  });

  test('2,400 rows cross the lookup and insert batches in one go, and again adds nothing', async () => {
    const lines = Array.from({ length: 2400 }, (_, i) => `${i % 2 ? 'T1001,张老师' : 'T1002,李老师'},2025-${String(9 + (i % 4)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')},1,网络培训,,BIG-${i}`);
    const file = write('big.csv', ['工号,姓名,培训日期,学时,培训类别,课程代码,记录编号', ...lines].join('\n'));
    const before = await count();
    const res = await upload(file);
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ rows: 2400, imported: 2400, errorCount: 0 });
    expect(await count()).toBe(before + 2400);
    const again = await upload(file);
    expect(again.body.data).toMatchObject({ imported: 0, alreadyImported: 2400 });
    const linked = await app.strapi.db.query('api::credit-record.credit-record' as any).count({ where: { externalRef: { $startsWith: 'ext:BIG-' }, teacher: { staffNumber: 'T1001' } } });
    expect(linked).toBe(1200);
    expect(await app.strapi.db.query('api::audit-event.audit-event' as any).count({ where: { action: 'import', entityType: 'credit-record', after: { $notNull: true } } })).toBeGreaterThanOrEqual(2400);
  });

  test('teachers and the public cannot import; a request without a file is 400', async () => {
    const file = write('t.csv', GOOD);
    expect((await upload(file, '', 'zhang')).status).toBe(403);
    expect((await app.http().post('/api/credit-records/import').attach('file', file)).status).toBe(403);
    const none = await app.http().post('/api/credit-records/import').set(bearer(u.coordinator.jwt));
    expect(none.status).toBe(400);
  });

  test('two trainings on one day are two records; the same training twice in a file is a duplicate', async () => {
    const header = '工号,姓名,培训项目,培训日期,学时,培训类别';
    const file = write('trainings.csv', [header, 'T1002,李老师,沙盘游戏入门,2026-05-06,2,专题培训', 'T1002,李老师,团体辅导技术,2026-05-06,2,专题培训'].join('\n'));
    const before = await count();
    const res = await upload(file);
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ rows: 2, imported: 2, errorCount: 0 });
    expect(await count()).toBe(before + 2);
    const notes = await app.strapi.db.query('api::credit-record.credit-record' as any).findMany({ where: { date: '2026-05-06' }, select: ['note'] });
    expect(notes.map((r) => r.note).sort()).toEqual(['团体辅导技术', '沙盘游戏入门']);
    const twice = write('twice.csv', [header, 'T1001,张老师,沙盘游戏入门,2026-05-07,2,专题培训', 'T1001,张老师,沙盘游戏入门,2026-05-07,2,专题培训'].join('\n'));
    const dup = await upload(twice);
    expect(dup.status).toBe(400);
    expect(dup.body.error.details.errors).toEqual([{ row: 3, column: 'row', reason: 'duplicate of row 2 in this file' }]);
  });

  test('a file imported before the training counted keeps matching its records', async () => {
    const old = write('legacy-old.csv', ['工号,姓名,培训日期,学时,培训类别', 'T1001,张老师,2026-05-20,3,校本培训'].join('\n'));
    expect((await upload(old)).body.data).toMatchObject({ imported: 1 });
    const before = await count();
    const again = await upload(write('legacy-new.csv', ['工号,姓名,培训项目,培训日期,学时,培训类别', 'T1001,张老师,心理危机干预,2026-05-20,3,校本培训'].join('\n')));
    expect(again.status).toBe(200);
    expect(again.body.data).toMatchObject({ imported: 0, alreadyImported: 1 });
    expect(await count()).toBe(before);
  });

  test('姓名 must be the teacher of 工号; a blank 姓名 is not checked', async () => {
    const res = await upload(write('names.csv', csv('T1001,李老师,2026-05-08,1,专题培训,', 'T1002,,2026-05-08,1,专题培训,', 'T1002, 李 老师 ,2026-05-09,1,专题培训,')));
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors).toEqual([{ row: 2, column: 'name', reason: '姓名 "李老师" is not the teacher with staff number T1001' }]);
  });

  test('full-width digits and punctuation are read as what they mean', async () => {
    const res = await upload(write('fullwidth.csv', csv('Ｔ１００１,张老师,２０２６／５／１０,２．５,专题培训,')));
    expect(res.status).toBe(201);
    const record = await app.strapi.db.query('api::credit-record.credit-record' as any).findOne({ where: { date: '2026-05-10' }, populate: { teacher: { select: ['staffNumber'] } } });
    expect([record.teacher.staffNumber, Number(record.hours)]).toEqual(['T1001', 2.5]);
  });

  test('an XLSX with blank and formatted-empty rows, and Excel serial dates as numbers or text, is imported', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('考勤');
    sheet.addRow(['工号', '姓名', '培训日期', '学时', '培训类别', '记录编号']);
    sheet.addRow(['T1001', '张老师', 46150, 1, '专题培训', 'SER-1']); // 2026-05-08 as an Excel serial number
    sheet.addRow([]);
    sheet.addRow(['T1002', '李老师', '46151', 1, '专题培训', 'SER-2']);
    for (let i = 0; i < 100; i += 1) {
      const row = sheet.addRow(['', null, '', '', '', '']);
      row.eachCell({ includeEmpty: true }, (cell) => {
        cell.border = { top: { style: 'thin' } };
        cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFFF00' } };
      });
    }
    const res = await upload(write('blank-rows.xlsx', Buffer.from(await workbook.xlsx.writeBuffer())));
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ rows: 2, imported: 2, errorCount: 0 });
    const dates = await app.strapi.db.query('api::credit-record.credit-record' as any).findMany({ where: { externalRef: { $in: ['ext:SER-1', 'ext:SER-2'] } }, select: ['date'], orderBy: { date: 'asc' } });
    expect(dates.map((r) => r.date)).toEqual(['2026-05-08', '2026-05-09']);
  });

  test("a coordinator's own hours in an import are stored pending for another coordinator, never approved", async () => {
    const school = await createSchool(app.strapi);
    const both = await createUser(app.strapi, { role: 'coordinator', teacher: { name: '周协调', staffNumber: 'T7777', schoolDocumentId: school.documentId, positions: ['subject'] } });
    const res = await app.http().post('/api/credit-records/import').set(bearer(both.jwt)).attach('file', write('own.csv', csv('T7777,周协调,2026-05-11,40,专题培训,', 'T1001,张老师,2026-05-11,1,专题培训,')));
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ imported: 2, pendingOwn: 1 });
    const own = await app.strapi.db.query('api::credit-record.credit-record' as any).findOne({ where: { teacher: { staffNumber: 'T7777' } }, populate: { decidedBy: true } });
    expect([own.status, own.decidedBy, own.decidedAt]).toEqual(['pending', null, null]);
    expect((await app.http().post(`/api/credit-records/${own.documentId}/approve`).set(bearer(both.jwt))).status).toBe(403);
    const approved = await app.http().post(`/api/credit-records/${own.documentId}/approve`).set(bearer(u.coordinator.jwt));
    expect(approved.status).toBe(200);
    expect(approved.body.data.status).toBe('approved');
  });
});
