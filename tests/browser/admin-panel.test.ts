import fs from 'fs';
import type { Page } from 'playwright-core';
import { startApp } from '../helpers/strapi';
import { barLabels, env, shot, signIn, staff } from '../helpers/browser';
import trainingCases from './cases/training';
import libraryCases from './cases/library';
import { browserTestsWanted } from '../helpers/global-setup';

/*
 * Issue 15 item 4: the admin panel as each staff level uses it, in a real browser (playwright-core driving
 * Debian's chromium against the built panel and the demo data). Each persona signs in, sees the homepage
 * widgets its role grants, and opens its main Content Manager page; nothing outside its scope ever appears.
 * A screenshot of every page goes to .tmp/screenshots/ on every run.
 */
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const wanted = browserTestsWanted();
if (!wanted && process.env.REQUIRE_BROWSER === 'true') throw new Error(`REQUIRE_BROWSER=true but no browser at ${CHROMIUM} (apt-get install -y chromium)`);
const describeInBrowser = wanted ? describe : describe.skip;

/** The teachers' list of the Content Manager, all on one page; returns the page's text once rows are drawn. */
async function teacherList(page: Page): Promise<string> {
  await page.goto(`${env.base}/admin/content-manager/collection-types/api::teacher.teacher?page=1&pageSize=100&sort=name:ASC`);
  await page.locator('table tbody tr').first().waitFor({ timeout: 60_000 });
  return page.locator('main').innerText();
}

describeInBrowser('the admin panel for each staff level (browser)', () => {
  beforeAll(async () => {
    env.app = await startApp({ demo: true });
    env.teachersIn = { district: new Map(), school: new Map() };
    await new Promise<void>((resolve) => env.app.strapi.server.httpServer.listen(0, '127.0.0.1', resolve));
    env.base = `http://127.0.0.1:${(env.app.strapi.server.httpServer.address() as { port: number }).port}`;
    env.accounts = JSON.parse(fs.readFileSync(process.env.DEMO_ACCOUNTS_FILE as string, 'utf8'));
    const teachers = await env.app.strapi.db.query('api::teacher.teacher').findMany({ select: ['name'], populate: { school: { select: ['district', 'code'] } } });
    for (const teacher of teachers as { name: string; school: { district: string; code: string } }[]) {
      env.teachersIn.district.set(teacher.school.district, [...(env.teachersIn.district.get(teacher.school.district) ?? []), teacher.name]);
      env.teachersIn.school.set(teacher.school.code, [...(env.teachersIn.school.get(teacher.school.code) ?? []), teacher.name]);
    }
    const { chromium } = await import('playwright-core');
    env.browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-background-networking'] });
  }, 400_000);

  afterAll(async () => {
    await env.browser?.close();
    fs.rmSync(process.env.DEMO_ACCOUNTS_FILE as string, { force: true });
    await env.app?.stop();
  });

  test('super admin: both homepage widgets, every district in the compliance chart', async () => {
    const page = await signIn(staff('strapi-super-admin'));
    expect((await barLabels(page, 'library-progress')).sort()).toEqual(['心理活动示范课', '优秀心理辅导案例', '校园心理剧'].sort());
    expect((await barLabels(page, 'compliance')).sort()).toEqual(['东湖区', '西山县']);
    await shot(page, 'home-super-admin');
    await page.context().close();
  });

  test('district coordinator (东湖区): compliance of its schools only; the teachers list never shows 西山县', async () => {
    const page = await signIn(staff('xinyu-coordinator', (a) => a.scope?.district === '东湖区'));
    const schools = await barLabels(page, 'compliance');
    expect(schools.length).toBeGreaterThan(0);
    expect(schools.every((name) => name.includes('东湖区') || name.startsWith('青溪市'))).toBe(true);
    expect(schools.some((name) => name.includes('西山'))).toBe(false);
    await shot(page, 'home-coordinator-donghu');
    const text = await teacherList(page);
    expect(text).toContain('姓名');
    const own = env.teachersIn.district.get('东湖区')!;
    expect(own.some((name) => text.includes(name))).toBe(true);
    for (const name of env.teachersIn.district.get('西山县')!) expect([name, text.includes(name)]).toEqual([name, false]);
    await shot(page, 'teachers-coordinator-donghu');
    await page.context().close();
  });

  test('school training lead (QX-DH-001): the teachers of one school, nobody else', async () => {
    const page = await signIn(staff('xinyu-school-lead'));
    expect(await barLabels(page, 'compliance')).toEqual(['青溪市东湖区实验小学']);
    const text = await teacherList(page);
    const own = env.teachersIn.school.get('QX-DH-001')!;
    expect(own.some((name) => text.includes(name))).toBe(true);
    const others = [...env.teachersIn.school.entries()].filter(([code]) => code !== 'QX-DH-001').flatMap(([, names]) => names).filter((name) => !own.includes(name));
    for (const name of others) expect([name, text.includes(name)]).toEqual([name, false]);
    await shot(page, 'teachers-school-lead');
    await page.context().close();
  });

  test('researcher: lesson plans in Chinese — labels and options — and the library progress widget', async () => {
    const page = await signIn(staff('xinyu-researcher'));
    expect((await barLabels(page, 'library-progress')).length).toBe(3);
    await expect(page.locator('[data-testid="compliance"]').count()).resolves.toBe(0);
    await shot(page, 'home-researcher');
    await page.goto(`${env.base}/admin/content-manager/collection-types/api::lesson-plan.lesson-plan/create`);
    await page.getByText('标题 Title').first().waitFor({ timeout: 60_000 });
    await expect(page.getByText('学段 Grade band').count()).resolves.toBeGreaterThan(0);
    await page.locator('[role="combobox"][name="gradeBand"]').click();
    await page.getByRole('option', { name: '小学低段（1–3年级）' }).waitFor({ timeout: 60_000 });
    await expect(page.getByRole('option', { name: 'lower_primary' }).count()).resolves.toBe(0);
    await shot(page, 'lesson-create-researcher');
    await page.context().close();
  });

  test('reviewer: a lesson plan without its author or school', async () => {
    const lesson = await env.app.strapi.db.query('api::lesson-plan.lesson-plan').findOne({ where: { publishedAt: { $notNull: true } }, select: ['documentId', 'title'], populate: { author: { select: ['name'] } } });
    const page = await signIn(staff('xinyu-reviewer'));
    await page.goto(`${env.base}/admin/content-manager/collection-types/api::lesson-plan.lesson-plan/${lesson.documentId}?status=published`);
    await page.getByText('标题 Title').first().waitFor({ timeout: 60_000 });
    const text = await page.locator('main').innerText();
    expect(text).toContain(lesson.title);
    // Whatever the panel draws for a field the role may not read, the author's name and school are not in it.
    expect(text).not.toContain(lesson.author.name);
    const school = await env.app.strapi.db.query('api::lesson-plan.lesson-plan').findOne({ where: { documentId: lesson.documentId }, populate: { school: { select: ['name'] } } });
    if (school?.school?.name) expect(text).not.toContain(school.school.name);
    await shot(page, 'lesson-reviewer');
    await page.context().close();
  });

  test('approvals: the 西山县 coordinator does not see 东湖区 hours; the 东湖区 coordinator approves them from the queue', async () => {
    const pending = await env.app.strapi.db.query('api::credit-record.credit-record').findOne({ where: { status: 'pending' }, populate: { teacher: { select: ['name'], populate: { school: { select: ['district'] } } } } });
    expect(pending.teacher.school.district).toBe('东湖区');

    const west = await signIn(staff('xinyu-coordinator', (a) => a.scope?.district === '西山县'));
    await west.goto(`${env.base}/admin/xinyu/approvals`);
    await west.locator('[data-testid="approvals-empty"], [data-testid="approval-row"]').first().waitFor({ timeout: 60_000 });
    expect(await west.locator('main').innerText()).not.toContain(pending.teacher.name);
    await west.context().close();

    const page = await signIn(staff('xinyu-coordinator', (a) => a.scope?.district === '东湖区'));
    await page.goto(`${env.base}/admin/xinyu/approvals`);
    const row = page.locator(`[data-testid="approval-row"][data-record="${pending.documentId}"]`);
    await row.waitFor({ timeout: 60_000 });
    expect(await row.innerText()).toContain(pending.teacher.name);
    await shot(page, 'approvals-coordinator-donghu');
    await row.locator('[data-testid="approve-row"]').click();
    await row.waitFor({ state: 'detached', timeout: 60_000 });
    const decided = await env.app.strapi.db.query('api::credit-record.credit-record').findOne({ where: { documentId: pending.documentId } });
    expect(decided.status).toBe('approved');
    await page.context().close();
  });

  test('compliance dashboard (东湖区 coordinator): schools of the district, drilled to one school\'s teachers, exported as CSV', async () => {
    const page = await signIn(staff('xinyu-coordinator', (a) => a.scope?.district === '东湖区'));
    await page.goto(`${env.base}/admin/xinyu/compliance`);
    await page.locator('[data-testid="compliance-summary"]').waitFor({ timeout: 60_000 });
    // The demo's hours lie in 2025-2026.
    await page.locator('[data-testid="year-2025-2026"]').click();
    await page.locator('[data-testid="compliance-summary"][data-year="2025-2026"]').waitFor({ timeout: 60_000 });
    const schools = await barLabels(page, 'compliance-areas');
    expect(schools.length).toBeGreaterThan(0);
    expect(schools.some((name) => name.includes('西山'))).toBe(false);
    await shot(page, 'compliance-coordinator-donghu');

    const row = page.locator('[data-testid="compliance-row"]').first();
    const code = (await row.getAttribute('data-key'))!;
    await row.locator('[data-testid="drill"]').click();
    await page.locator('[data-testid="compliance-summary"][data-group="teacher"]').waitFor({ timeout: 60_000 });
    const text = await page.locator('main').innerText();
    const own = env.teachersIn.school.get(code)!;
    for (const name of own) expect([name, text.includes(name)]).toEqual([name, true]);
    for (const [other, names] of env.teachersIn.school) if (other !== code) for (const name of names.filter((n) => !own.includes(n))) expect([name, text.includes(name)]).toEqual([name, false]);
    await shot(page, 'compliance-school-teachers');

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="export-csv"]').click()]);
    expect(download.suggestedFilename()).toBe(`compliance-2025-2026-${code}-by-teacher.csv`);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\r\n').filter(Boolean).length).toBe(own.length + 1);
    await page.context().close();
  });

  // The workspace pages of each area (tests/browser/cases/), on the same app and browser.
  trainingCases();
  libraryCases();
});
