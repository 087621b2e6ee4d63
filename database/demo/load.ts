import { randomBytes } from 'crypto';
import fs from 'fs';
import os from 'os';
import path from 'path';
import type { Core } from '@strapi/strapi';
import { DEMO_ACCOUNTS, DEMO_CITY, DEMO_SCHOOLS, DEMO_STAFF, STAFF_PATTERN, demoTeacherName, type DemoScope } from './data';
import { DEMO_LESSON_PLANS } from './content/lesson-plans';
import { DEMO_PSYCHODRAMA_SCRIPTS } from './content/psychodrama-scripts';
import { DEMO_COUNSELING_CASES } from './content/counseling-cases';
import { importAttendance } from '../../src/training/attendance-import';
import { confirmMhPostAsSystem } from '../../src/platform/mh-post';
import { loadCallerProfile } from '../../src/platform/actor';

const USER_UID = 'plugin::users-permissions.user';
const ROLE_UID = 'plugin::users-permissions.role';
const SCHOOL_UID = 'api::school.school';
const TEACHER_UID = 'api::teacher.teacher';
const SCOPE_UID = 'api::staff-scope.staff-scope';
const THEME_UID = 'api::theme.theme';

export interface DemoAccountCredentials {
  username: string;
  password: string;
  role: string;
  positions: string[];
  /** `admin` for admin-panel staff (they sign in at /admin with `email`); REST accounts have none. */
  panel?: 'admin';
  email?: string;
  scope?: DemoScope | null;
}

/** Demo content goes only into an empty, non-production database, and can be switched off with DEMO_DATA=false. */
export async function shouldLoadDemoData(strapi: Core.Strapi): Promise<boolean> {
  if (process.env.NODE_ENV === 'production') return false;
  if (['false', '0', 'no'].includes(String(process.env.DEMO_DATA ?? 'true').toLowerCase())) return false;
  const counts = await Promise.all([
    strapi.db.query(SCHOOL_UID).count(),
    strapi.db.query(TEACHER_UID).count(),
    strapi.db.query(USER_UID).count(),
  ]);
  return counts.every((count) => count === 0);
}

export function demoAccountsFile(strapi: Core.Strapi): string {
  return process.env.DEMO_ACCOUNTS_FILE || path.join(strapi.dirs.app.root, '.tmp', 'demo-accounts.json');
}

/** Loads schools, teachers and demo accounts in one transaction, then writes the passwords once to a git-ignored file. */
export async function loadDemoData(strapi: Core.Strapi): Promise<DemoAccountCredentials[]> {
  const credentials: DemoAccountCredentials[] = [];

  await strapi.db.transaction(async () => {
    const roles = await strapi.db.query(ROLE_UID).findMany({ select: ['id', 'type'] });
    const roleId = (type: string) => {
      const role = roles.find((candidate) => candidate.type === type);
      if (!role) throw new Error(`Role "${type}" is missing; roles must be synced before demo data`);
      return role.id;
    };

    const schoolIds = new Map<string, string>();
    for (const school of DEMO_SCHOOLS) {
      const created = await strapi.documents(SCHOOL_UID).create({ data: { ...school, city: DEMO_CITY } });
      schoolIds.set(school.code, created.documentId);
    }

    const createUser = async (username: string, role: string, password?: string) =>
      strapi.documents(USER_UID).create({
        data: {
          username,
          email: `${username}@demo.xinyu.invalid`,
          provider: 'local',
          // Without a password the account cannot sign in until it is activated.
          ...(password ? { password, confirmed: true } : { confirmed: false }),
          blocked: false,
          role: roleId(role),
        },
      });

    for (const account of DEMO_ACCOUNTS) {
      const password = randomBytes(12).toString('base64url');
      const user = await createUser(account.username, account.role, password);
      if (account.schoolCode) {
        await strapi.documents(TEACHER_UID).create({
          data: {
            name: account.name,
            staffNumber: `DEMO${String(credentials.length + 1).padStart(3, '0')}`,
            school: schoolIds.get(account.schoolCode),
            positions: account.positions,
            user: user.documentId,
          },
        });
      }
      credentials.push({ username: account.username, password, role: account.role, positions: account.positions, ...(account.role === 'teacher' ? {} : { scope: account.scope ?? { level: 'city' } }) });
      if (account.scope) await strapi.documents(SCOPE_UID).create({ data: { ...scopeData(account.scope, schoolIds), account: user.documentId } });
    }

    let index = 0;
    for (const [schoolIndex, school] of DEMO_SCHOOLS.entries()) {
      for (const [slot, positions] of STAFF_PATTERN.entries()) {
        const staffNumber = `36${String(schoolIndex + 1).padStart(2, '0')}${String(slot + 1).padStart(3, '0')}`;
        const user = await createUser(`t${staffNumber}`, 'teacher');
        await strapi.documents(TEACHER_UID).create({
          data: {
            name: demoTeacherName(index),
            staffNumber,
            school: schoolIds.get(school.code),
            positions,
            phone: `+86 000 0000 ${String(index).padStart(4, '0')}`, // visibly fake
            user: user.documentId,
          },
        });
        index += 1;
      }
    }

    // The demo's mental-health posts count as confirmed by a researcher (src/mh-post), audited as "system".
    const pending = await strapi.db.query(TEACHER_UID).findMany({ where: { mhPostPending: true }, select: ['documentId'] });
    for (const teacher of pending) await confirmMhPostAsSystem(strapi, teacher.documentId);

    await loadDemoContent(strapi);
    await loadDemoDrafts(strapi);
    await loadDemoSelection(strapi);
  });

  // Uses the real import and certificate services, whose aggregate reads run outside a transaction.
  await loadDemoTraining(strapi);
  credentials.push(...(await loadDemoStaff(strapi)));

  const file = demoAccountsFile(strapi);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  printOnce(credentials, file);
  return credentials;
}

/** A demo scope as staff-scope data (schools by code). */
function scopeData(scope: DemoScope, schoolIds: Map<string, string>) {
  if (scope.level === 'school') return { level: scope.level, school: schoolIds.get(scope.schoolCode) };
  return scope;
}

/**
 * Admin-panel staff: a super admin and one account per role and level, each with its scope, so every level
 * of the panel can be tried at once. Passwords are random, shown once and written to the accounts file.
 */
async function loadDemoStaff(strapi: Core.Strapi): Promise<DemoAccountCredentials[]> {
  const schools = await strapi.db.query(SCHOOL_UID).findMany({ select: ['documentId', 'code'] });
  const schoolIds = new Map<string, string>(schools.map((s: { code: string; documentId: string }) => [s.code, s.documentId]));
  const credentials: DemoAccountCredentials[] = [];
  for (const staff of DEMO_STAFF) {
    const role = await strapi.db.query('admin::role').findOne({ where: { code: staff.role } });
    if (!role) throw new Error(`Admin role "${staff.role}" is missing; admin roles must be synced before demo data`);
    // Strapi's admin password rule: at least 8 characters with upper case, lower case and a digit.
    const password = `Xy7-${randomBytes(12).toString('base64url')}`;
    const user = await strapi.service('admin::user').create({ email: staff.email, firstname: staff.firstname, lastname: staff.lastname, password, isActive: true, roles: [role.id], preferedLanguage: 'zh-Hans' });
    if (staff.scope) await strapi.documents(SCOPE_UID).create({ data: { ...scopeData(staff.scope, schoolIds), adminUserId: Number(user.id) } });
    credentials.push({ username: staff.email, email: staff.email, password, role: staff.role, positions: [], panel: 'admin', scope: staff.scope });
  }
  return credentials;
}

/** Published curriculum content, authored by the demo teachers (MH teachers write the cases). */
async function loadDemoContent(strapi: Core.Strapi) {
  const themes = await strapi.db.query(THEME_UID).findMany({ select: ['documentId', 'slug'] });
  const themeId = new Map(themes.map((theme) => [theme.slug, theme.documentId]));
  const tags = await strapi.db.query('api::five-education-tag.five-education-tag').findMany({ select: ['documentId', 'key'] });
  const tagId = new Map(tags.map((tag) => [tag.key, tag.documentId]));
  const teachers = await strapi.documents(TEACHER_UID).findMany({
    fields: ['positions'],
    populate: { school: { fields: ['documentId'] } },
    limit: 1000,
  });
  const mhTeachers = teachers.filter((t) => (t.positions as string[]).some((p) => p.startsWith('mh_')));
  const byline = (pool: typeof teachers, index: number) => {
    const author = pool[index % pool.length];
    return { author: author.documentId, school: (author as any).school?.documentId };
  };
  const withThemes = (slugs: string[]) => slugs.map((slug) => {
    const id = themeId.get(slug);
    if (!id) throw new Error(`Demo content names unknown theme ${slug}`);
    return id;
  });

  for (const [i, { themes: slugs, fiveEducationTags, ...plan }] of DEMO_LESSON_PLANS.entries()) {
    await strapi.documents('api::lesson-plan.lesson-plan').create({
      data: { ...plan, themes: withThemes(slugs), fiveEducationTags: fiveEducationTags.map((key) => tagId.get(key)), ...byline(teachers, i) } as any,
      status: 'published',
    });
  }
  for (const [i, { themes: slugs, ...script }] of DEMO_PSYCHODRAMA_SCRIPTS.entries()) {
    await strapi.documents('api::psychodrama-script.psychodrama-script').create({
      data: { ...script, themes: withThemes(slugs), ...byline(teachers, i + 7) } as any,
      status: 'published',
    });
  }
  for (const [i, counselingCase] of DEMO_COUNSELING_CASES.entries()) {
    await strapi.documents('api::counseling-case.counseling-case').create({
      data: { ...counselingCase, ...byline(mhTeachers, i) } as any,
      status: 'published',
    });
  }
}

/**
 * Teachers' drafts, never published, awaiting a researcher's review (the workspace's 待审草稿 page): a lesson
 * plan, a psychodrama script and a counselling case, each by a demo teacher of its own school.
 */
async function loadDemoDrafts(strapi: Core.Strapi) {
  const themes = await strapi.db.query(THEME_UID).findMany({ select: ['documentId', 'slug'] });
  const themeIds = (slugs: string[]) => slugs.map((slug) => themes.find((theme) => theme.slug === slug)?.documentId).filter(Boolean);
  const byline = async (username: string) => {
    const teacher = await strapi.db.query(TEACHER_UID).findOne({ where: { user: { username } }, populate: { school: { select: ['documentId'] } } });
    return { author: teacher.documentId, school: teacher.school?.documentId };
  };
  const { themes: lessonThemes, fiveEducationTags: _tags, ...lesson } = DEMO_LESSON_PLANS[0];
  await strapi.documents('api::lesson-plan.lesson-plan').create({
    data: { ...lesson, title: '情绪温度计：我的心情我知道（草稿）', themes: themeIds(lessonThemes), ...(await byline('demo-homeroom-teacher')) } as any,
  });
  const { themes: scriptThemes, ...script } = DEMO_PSYCHODRAMA_SCRIPTS[0];
  await strapi.documents('api::psychodrama-script.psychodrama-script').create({
    data: { ...script, title: '考试前夜（草稿）', themes: themeIds(scriptThemes), ...(await byline('demo-subject-teacher')) } as any,
  });
  await strapi.documents('api::counseling-case.counseling-case').create({
    data: { ...DEMO_COUNSELING_CASES[0], title: '转学生的第一个月（草稿）', ...(await byline('demo-mh-teacher')) } as any,
  });
}

const RUBRIC = [
  { key: 'design', name: '教学设计', weight: 0.4, minScore: 0, maxScore: 10 },
  { key: 'effect', name: '实施效果', weight: 0.4, minScore: 0, maxScore: 10 },
  { key: 'innovation', name: '创新性', weight: 0.2, minScore: 0, maxScore: 10 },
];

/**
 * A finalised 2025 round of demonstration lessons, run through the real services (submit, assign with 回避,
 * score, finalise), and an open 2026 psychodrama round that demo teachers can submit to.
 */
async function loadDemoSelection(strapi: Core.Strapi) {
  const rounds = strapi.service('api::selection-round.selection-round') as any;
  const libraries = await strapi.db.query('api::library.library').findMany({});
  const library = (key: string) => libraries.find((l) => l.key === key);
  const hour = 3600_000;
  const now = Date.now();

  const round = await rounds.createRound({
    title: '2025年度心理活动示范课遴选', library: library('demonstration-lessons').documentId, year: 2025, quota: 8, minReviews: 2,
    submissionOpensAt: new Date('2025-03-01T00:00:00Z'), submissionClosesAt: new Date('2025-04-30T00:00:00Z'), reviewDeadline: new Date('2025-06-15T00:00:00Z'), rubric: RUBRIC,
  });
  await rounds.transition(round.documentId, 'open');
  // Last year's round is replayed now: its window is moved to the present while the demo teachers submit, and put back below.
  await strapi.db.query('api::selection-round.selection-round').update({
    where: { documentId: round.documentId },
    data: { submissionOpensAt: new Date(now - hour), submissionClosesAt: new Date(now + hour) },
  });

  const plans = await strapi.documents('api::lesson-plan.lesson-plan').findMany({
    status: 'published', limit: 12, sort: 'id:asc',
    populate: { author: { fields: ['positions'], populate: { school: { fields: ['documentId', 'code'] } } } } as any,
  });
  const reviewers = await strapi.db.query(USER_UID).findMany({
    where: { username: { $in: ['demo-researcher', 'demo-mh-teacher', 'demo-mh-parttime'] } },
    populate: { role: true },
  });
  const reviewerSchool: Record<string, string | null> = { 'demo-researcher': null, 'demo-mh-teacher': 'QX-DH-001', 'demo-mh-parttime': 'QX-DH-003' };
  const submissions: { documentId: string; schoolCode: string }[] = [];
  for (const plan of plans as any[]) {
    const author = plan.author;
    const profile = { role: 'teacher', teacher: { documentId: author.documentId, positions: author.positions, schoolDocumentId: author.school?.documentId ?? null } };
    const submission = await strapi.service('api::submission.submission').submit(profile, { round: round.documentId, resource: plan.documentId });
    submissions.push({ documentId: submission.documentId, schoolCode: author.school?.code });
  }
  const assigned: string[] = [];
  for (const submission of submissions) {
    // Two reviewers each, never from the submitter's school (回避).
    const eligible = reviewers.filter((r) => reviewerSchool[r.username] !== submission.schoolCode).slice(0, 2);
    for (const reviewer of eligible) {
      const review = await strapi.service('api::review.review').assign({ submission: submission.documentId, reviewer: reviewer.username });
      assigned.push(`${reviewer.id}:${review.documentId}`);
    }
  }
  await rounds.transition(round.documentId, 'reviewing');
  for (const [i, entry] of assigned.entries()) {
    const [userId, reviewId] = entry.split(':');
    const base = 6 + ((i * 7) % 5);
    const reviewer = await loadCallerProfile(strapi, reviewers.find((r) => r.id === Number(userId)));
    await strapi.service('api::review.review').score(reviewer, reviewId, {
      scores: { design: base, effect: Math.min(10, base + (i % 3)), innovation: 5 + ((i * 3) % 6) },
      comment: ['设计完整，环节紧凑。', '活动有趣，学生参与度高。', '可加强总结环节的提炼。'][i % 3],
    });
  }
  await rounds.finalise(round.documentId);
  // Shown as last year's round.
  await strapi.db.query('api::selection-round.selection-round').update({
    where: { documentId: round.documentId },
    data: { submissionOpensAt: new Date('2025-03-01T00:00:00Z'), submissionClosesAt: new Date('2025-04-30T00:00:00Z'), reviewDeadline: new Date('2025-06-15T00:00:00Z'), finalisedAt: new Date('2025-06-30T00:00:00Z') },
  });

  const open = await rounds.createRound({
    title: '2026年度校园心理剧遴选', library: library('psychodramas').documentId, year: 2026, quota: 30, minReviews: 2,
    // A 2026 round opens in 2026 (a round's year is its window's); it stays open for 60 days from now.
    submissionOpensAt: new Date('2026-03-01T00:00:00Z'), submissionClosesAt: new Date(now + 60 * 24 * hour), reviewDeadline: new Date(now + 90 * 24 * hour), rubric: RUBRIC,
  });
  await rounds.transition(open.documentId, 'open');

  // Five demo scripts submitted to it (its window is opened around now while they submit, then put back), the
  // first two already with a reviewer each (回避 kept), the rest waiting on the board for their reviewers.
  await strapi.db.query('api::selection-round.selection-round').update({ where: { documentId: open.documentId }, data: { submissionOpensAt: new Date(now - hour) } });
  const scripts = await strapi.documents('api::psychodrama-script.psychodrama-script').findMany({
    status: 'published', limit: 5, sort: 'id:asc',
    populate: { author: { fields: ['positions'], populate: { school: { fields: ['documentId', 'code'] } } } } as any,
  });
  for (const [i, script] of (scripts as any[]).entries()) {
    const author = script.author;
    const profile = { role: 'teacher', teacher: { documentId: author.documentId, positions: author.positions, schoolDocumentId: author.school?.documentId ?? null } };
    const submission = await strapi.service('api::submission.submission').submit(profile, { round: open.documentId, resource: script.documentId });
    if (i >= 2) continue;
    const reviewer = reviewers.find((r) => r.username !== 'demo-researcher' && reviewerSchool[r.username] !== author.school?.code);
    if (reviewer) await strapi.service('api::review.review').assign({ submission: submission.documentId, reviewer: reviewer.username });
  }
  await strapi.db.query('api::selection-round.selection-round').update({ where: { documentId: open.documentId }, data: { submissionOpensAt: new Date('2026-03-01T00:00:00Z') } });
}

/** Three open courses, completed hours and an imported attendance sheet for the demo MH teacher, her A certificate, a C roster across both districts, and a pending record. */
async function loadDemoTraining(strapi: Core.Strapi) {
  const courses = strapi.service('api::training-course.training-course') as any;
  const coordinator = await strapi.db.query(USER_UID).findOne({ where: { username: 'demo-coordinator' }, populate: { role: true } });
  // The actors the services expect, as a request by each of them would resolve them.
  const coordinatorActor = await loadCallerProfile(strapi, coordinator);
  const mhActor = await loadCallerProfile(strapi, await strapi.db.query(USER_UID).findOne({ where: { username: 'demo-mh-teacher' }, populate: { role: true } }));
  const teacherOf = async (username: string) =>
    strapi.db.query(TEACHER_UID).findOne({ where: { user: { username } }, populate: { school: { select: ['documentId'] } } });
  const mh = await teacherOf('demo-mh-teacher');
  const homeroom = await teacherOf('demo-homeroom-teacher');

  const a = await courses.createCourse({
    title: '心理健康教育教师专业能力提升（A证）', code: 'QX-A-2025-01', tier: 'A', audiencePositions: ['mh_fulltime', 'mh_parttime'], level: 'city', mode: 'blended',
    creditHours: 16, modules: [{ title: '心理辅导理论与技术', hours: 8 }, { title: '危机识别与转介', hours: 4 }, { title: '团体辅导实务', hours: 4 }],
    schoolYear: '2025-2026', startDate: '2025-10-11', endDate: '2025-12-20', capacity: 60, courseStatus: 'open',
  });
  await courses.createCourse({
    title: '班主任心理健康教育专题培训（B证）', code: 'QX-B-2025-01', tier: 'B', audiencePositions: ['homeroom', 'moral_education'], level: 'county', mode: 'in_person',
    creditHours: 16, modules: [{ title: '学生心理发展特点', hours: 8 }, { title: '主题班会设计', hours: 8 }], schoolYear: '2025-2026', startDate: '2026-03-07', endDate: '2026-05-30', capacity: 120, courseStatus: 'open',
  });
  const c = await courses.createCourse({
    title: '全员心理健康知识网络研修（C证）', code: 'QX-C-2025-01', tier: 'C', audiencePositions: ['subject', 'homeroom', 'moral_education', 'mh_fulltime', 'mh_parttime'], level: 'provincial', mode: 'online',
    creditHours: 8, modules: [{ title: '教师心理健康与自我关怀', hours: 4 }, { title: '学科教学中的心理健康教育', hours: 4 }], schoolYear: '2025-2026', startDate: '2025-09-15', endDate: '2026-06-30', capacity: 5000, courseStatus: 'open',
  });

  await courses.enrol(mhActor, a.documentId);
  await courses.complete(coordinatorActor, a.documentId, [mh.documentId]);
  // The C course's roster spans both districts (the coordinators' workspace shows each only its own); the
  // 东湖区 subject teacher who completed it is eligible for a C certificate, not yet issued.
  const byStaffNumber = async (staffNumber: string) => (await strapi.db.query(TEACHER_UID).findOne({ where: { staffNumber }, select: ['documentId'] })).documentId as string;
  const [eastSubject, westSubject] = [await byStaffNumber('3604005'), await byStaffNumber('3605005')];
  await courses.enrolTeachers(coordinatorActor, c.documentId, [eastSubject, westSubject]);
  await courses.complete(coordinatorActor, c.documentId, [eastSubject]);

  const sheet = path.join(os.tmpdir(), `xinyu-demo-attendance-${process.pid}.csv`);
  fs.writeFileSync(sheet, ['工号,姓名,培训日期,学时,培训类别,记录编号', `${mh.staffNumber},${mh.name},2026-03-18,2.5,网络培训,DEMO-PLAT-1`, `${mh.staffNumber},${mh.name},2026-04-22,1.5,心理健康关怀活动,DEMO-PLAT-2`].join('\n'));
  try {
    await importAttendance(strapi, { filePath: sheet, actor: coordinator });
  } finally {
    fs.rmSync(sheet, { force: true });
  }
  await strapi.service('api::certificate.certificate').issue(coordinatorActor, { teacher: mh.documentId, tier: 'A', schoolYear: '2025-2026' });
  await strapi.service('api::credit-record.credit-record').submit(coordinatorActor, {
    teacher: homeroom.documentId, category: 'school_based', hours: 4, date: '2026-03-20', note: '校本培训：主题班会设计研讨（待审核）',
  });
}

function scopeLabel(scope: DemoScope) {
  return scope.level === 'city' ? 'city' : scope.level === 'district' ? `district ${scope.district}` : `school ${scope.schoolCode}`;
}

function printOnce(credentials: DemoAccountCredentials[], file: string) {
  const where = (c: DemoAccountCredentials) => (c.panel === 'admin' ? `/admin ${c.scope ? scopeLabel(c.scope) : 'super admin'}` : c.scope ? scopeLabel(c.scope) : c.positions.join(','));
  const rows = credentials.map((c) => `  ${c.username.padEnd(38)} ${c.password.padEnd(22)} ${c.role.padEnd(18)} ${where(c)}`);
  // eslint-disable-next-line no-console
  console.log(
    [
      '',
      '演示账号 Demo accounts (shown once; also saved to ' + path.relative(process.cwd(), file) + '):',
      `  ${'username / email'.padEnd(38)} ${'password'.padEnd(22)} ${'role'.padEnd(18)} positions or scope`,
      ...rows,
      '',
    ].join('\n')
  );
}
