import fs from 'fs';
import os from 'os';
import path from 'path';
import type { Page } from 'playwright-core';
import { env, openPage, shot, signIn, staff } from '../../helpers/browser';

/*
 * The training workspace pages in the browser; called inside the suite of tests/browser/admin-panel.test.ts
 * (one boot of the demo). Each page's main task as the staff level it is for; nothing of 西山县 ever shows to
 * the 东湖区 coordinator, nor of another school to the school's training lead.
 */
const eastCoordinator = () => staff('xinyu-coordinator', (a) => a.scope?.district === '东湖区');
const teacher = (staffNumber: string) => env.app.strapi.db.query('api::teacher.teacher').findOne({ where: { staffNumber }, select: ['documentId', 'name', 'staffNumber'] }) as Promise<{ documentId: string; name: string; staffNumber: string }>;
const mainText = (page: Page) => page.locator('main').innerText();
/** No teacher of these districts or schools appears on the page. */
async function expectNoneOf(page: Page, names: string[]) {
  const text = await mainText(page);
  for (const name of names) expect([name, text.includes(name)]).toEqual([name, false]);
}
const westNames = () => env.teachersIn.district.get('西山县')!;

export default function trainingCases() {
  test('import wizard (东湖区 coordinator): the dry run lists the 西山县 row as an error without its name; the valid row is imported', async () => {
    const own = await teacher('3601003');
    const west = await teacher('3605003');
    const sheet = path.join(os.tmpdir(), `xinyu-browser-attendance-${process.pid}.csv`);
    fs.writeFileSync(sheet, ['工号,姓名,培训日期,学时,培训类别,记录编号', `${own.staffNumber},${own.name},2026-04-10,3,网络培训,BROWSER-A-1`, `${west.staffNumber},${west.name},2026-04-10,3,网络培训,BROWSER-A-2`].join('\n'));
    const page = await signIn(eastCoordinator());
    try {
      await openPage(page, 'xinyu/imports', '[data-testid="import-kind-attendance"]');
      await page.locator('[data-testid="import-kind-attendance"]').click();
      await page.locator('[data-testid="import-file"]').setInputFiles(sheet);
      await page.locator('[data-testid="import-dry-run"]').click();
      await page.locator('[data-testid="import-preview"]').waitFor({ timeout: 60_000 });
      const errors = page.locator('[data-testid="import-error"]');
      await expect(errors.count()).resolves.toBe(1);
      expect(await errors.first().innerText()).toContain(west.staffNumber);
      await expect(page.locator('[data-testid="import-commit"]').isDisabled()).resolves.toBe(true);
      await expectNoneOf(page, westNames());
      await page.locator('[data-testid="import-partial"]').click();
      await shot(page, 'imports-coordinator-donghu');
      await page.locator('[data-testid="import-commit"]').click();
      await page.locator('[data-testid="import-result"]').waitFor({ timeout: 60_000 });
      const imported = await env.app.strapi.db.query('api::credit-record.credit-record').findMany({ where: { externalRef: { $contains: 'BROWSER-A' } }, populate: { teacher: { select: ['staffNumber'] } } });
      expect(imported.map((r: { teacher: { staffNumber: string }; status: string }) => [r.teacher.staffNumber, r.status])).toEqual([[own.staffNumber, 'approved']]);
      await expectNoneOf(page, westNames());
      await shot(page, 'imports-result-coordinator-donghu');
    } finally {
      fs.rmSync(sheet, { force: true });
      await page.context().close();
    }
  });

  test('course roster (东湖区 coordinator): the C course shows only 东湖区 teachers; two more are enrolled and one marked completed', async () => {
    const page = await signIn(eastCoordinator());
    try {
      await openPage(page, 'xinyu/course-rosters', '[data-testid="course-row"]');
      await page.locator('[data-testid="course-row"][data-code="QX-C-2025-01"] [data-testid="course-open"]').click();
      await page.locator('[data-testid="roster-row"][data-staff="3604005"]').waitFor({ timeout: 60_000 });
      // The 西山县 teacher enrolled on the same course is not on this roster.
      await expect(page.locator('[data-testid="roster-row"][data-staff="3605005"]').count()).resolves.toBe(0);
      await expectNoneOf(page, westNames());

      await page.locator('[data-testid="teacher-search"]').fill('3604');
      await page.locator('[data-testid="teacher-search-go"]').click();
      await page.locator('[data-testid="teacher-row"]').first().waitFor({ timeout: 60_000 });
      const found = await page.locator('[data-testid="teacher-row"]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-staff')));
      expect(found.every((staffNumber) => staffNumber?.startsWith('3604'))).toBe(true);
      for (const staffNumber of ['3604004', '3604006']) await page.locator(`[data-testid="teacher-row"][data-staff="${staffNumber}"] [data-testid="teacher-pick"]`).click();
      await page.locator('[data-testid="enrol-selected"]').click();
      await page.locator('[data-testid="roster-row"][data-staff="3604006"]').waitFor({ timeout: 60_000 });
      await page.locator('[data-testid="roster-row"][data-staff="3604006"] [data-testid="roster-select"]').click();
      await page.locator('[data-testid="roster-complete"]').click();
      await page.locator('[data-testid="roster-row"][data-staff="3604006"] [data-testid="roster-select"]').waitFor({ state: 'detached', timeout: 60_000 });
      const enrolments = await env.app.strapi.db.query('api::enrolment.enrolment').findMany({ where: { course: { code: 'QX-C-2025-01' }, teacher: { staffNumber: { $in: ['3604004', '3604006'] } } }, populate: { teacher: { select: ['staffNumber'] } } });
      expect(enrolments.map((e: { teacher: { staffNumber: string }; status: string }) => [e.teacher.staffNumber, e.status]).sort()).toEqual([['3604004', 'enrolled'], ['3604006', 'completed']]);
      await expectNoneOf(page, westNames());
      await shot(page, 'course-roster-coordinator-donghu');
    } finally {
      await page.context().close();
    }
  });

  test('course roster (school lead QX-DH-001): the A course roster of the school only, read-only', async () => {
    const page = await signIn(staff('xinyu-school-lead'));
    try {
      await openPage(page, 'xinyu/course-rosters', '[data-testid="course-row"]');
      await page.locator('[data-testid="course-row"][data-code="QX-A-2025-01"] [data-testid="course-open"]').click();
      await page.locator('[data-testid="roster-row"]').first().waitFor({ timeout: 60_000 });
      expect(await mainText(page)).toContain('林心怡');
      await expect(page.locator('[data-testid="enrol-panel"], [data-testid="roster-complete"]').count()).resolves.toBe(0);
      const own = env.teachersIn.school.get('QX-DH-001')!;
      await expectNoneOf(page, [...env.teachersIn.school.entries()].filter(([code]) => code !== 'QX-DH-001').flatMap(([, names]) => names).filter((name) => !own.includes(name)));
      await shot(page, 'course-roster-school-lead');
    } finally {
      await page.context().close();
    }
  });

  test('certificates (东湖区 coordinator): eligibility shown, a C certificate issued and downloaded; no 西山县 holder listed', async () => {
    const eligible = await teacher('3604005');
    const page = await signIn(eastCoordinator());
    try {
      await openPage(page, 'xinyu/certificates', '[data-testid="certificate-row"], [data-testid="certificates-empty"]');
      expect(await mainText(page)).toContain('林心怡');
      await page.locator('[data-testid="cert-teacher-search"]').fill(eligible.staffNumber);
      await page.locator('[data-testid="cert-teacher-search-go"]').click();
      await page.locator(`[data-testid="cert-teacher"][data-staff="${eligible.staffNumber}"]`).click();
      await page.locator('[data-testid="cert-tier-C"]').click();
      await page.locator('[data-testid="cert-school-year"]').fill('2025-2026');
      await page.locator('[data-testid="cert-check"]').click();
      await page.locator('[data-testid="cert-eligibility"][data-eligible="true"]').waitFor({ timeout: 60_000 });
      await page.locator('[data-testid="cert-issue"]').click();
      const row = page.locator('[data-testid="certificate-row"]', { hasText: eligible.name });
      await row.waitFor({ timeout: 60_000 });
      expect(await row.innerText()).toContain('XY-2025-C-');
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), row.locator('[data-testid="certificate-download"]').click()]);
      expect(download.suggestedFilename()).toMatch(/^XY-2025-C-\d{6}\.pdf$/);
      await expectNoneOf(page, westNames());
      await shot(page, 'certificates-coordinator-donghu');
    } finally {
      await page.context().close();
    }
  });
}
