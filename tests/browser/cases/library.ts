import { barLabels, env, openPage, shot, signIn, staff } from '../../helpers/browser';

/*
 * The library workspace pages in the browser; called inside the suite of tests/browser/admin-panel.test.ts (one
 * boot, the demo data): the researcher's selection board, library progress and drafts awaiting review.
 */
interface DemoSubmission {
  id: number;
  documentId: string;
  resourceTitle: string;
  resourceDocumentId: string;
  submitter: { name: string; user: { username: string } | null; school: { id: number } | null };
}

/** Scores a review through REST as its reviewer (a signed JWT, as the reviewer's own client would send). */
async function scoreAs(userId: number, reviewDocumentId: string, scores: Record<string, number>) {
  const jwt = env.app.strapi.plugin('users-permissions').service('jwt').issue({ id: userId });
  const res = await fetch(`${env.base}/api/reviews/${reviewDocumentId}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${jwt}` },
    body: JSON.stringify({ data: { scores, comment: '剧本结构完整，分享环节设计用心。' } }),
  });
  expect([reviewDocumentId, res.status]).toEqual([reviewDocumentId, 200]);
}

export default function libraryCases() {
  test('researcher: selection board — blind submissions, a reviewer from the filtered candidates, review started, finalised behind its preview', async () => {
    const strapi = env.app.strapi;
    const round = await strapi.db.query('api::selection-round.selection-round').findOne({ where: { status: 'open' } });
    const submissions = (await strapi.db.query('api::submission.submission').findMany({
      where: { round: { id: round.id }, status: 'submitted' },
      populate: { submitter: { select: ['name'], populate: { user: { select: ['username'] }, school: { select: ['id'] } } } },
      orderBy: { id: 'asc' },
    })) as DemoSubmission[];
    expect(submissions.length).toBeGreaterThan(2);
    const assigned = await strapi.db.query('api::review.review').findMany({ where: { submission: { round: { id: round.id } } }, populate: { reviewer: { select: ['id'] } } });
    const reviewerNames = (await strapi.db.query('api::teacher.teacher').findMany({ where: { user: { id: { $in: assigned.map((r: { reviewer: { id: number } }) => r.reviewer.id) } } }, select: ['name'] })).map((t: { name: string }) => t.name);
    const target = submissions[submissions.length - 1];

    const page = await signIn(staff('xinyu-researcher'));
    // The round under way is shown first: the open psychodrama round.
    await openPage(page, 'xinyu/selection', `[data-testid="round-board"][data-round="${round.documentId}"]`);
    await page.locator('[data-testid="submission-row"]').first().waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid="submission-row"]').count()).toBe(submissions.length);
    const board = await page.locator('main').innerText();
    for (const submission of submissions) {
      expect(board).toContain(submission.resourceTitle);
      // Blind review: no submitter's name (unless they appear as someone else's reviewer).
      if (!reviewerNames.includes(submission.submitter.name)) expect([submission.submitter.name, board.includes(submission.submitter.name)]).toEqual([submission.submitter.name, false]);
    }
    await shot(page, 'selection-board-researcher');

    // Assign: the candidates offered never include the submitter or anyone of the submitter's school.
    const row = page.locator(`[data-testid="submission-row"][data-submission="${target.documentId}"]`);
    await row.locator('[data-testid="assign-reviewer"]').click();
    await page.locator('[data-testid="candidate"]').first().waitFor({ timeout: 60_000 });
    const offered = await page.locator('[data-testid="candidate"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-username') ?? ''));
    expect(offered).toContain('demo-researcher');
    expect(offered).not.toContain(target.submitter.user?.username);
    const colleagues = await strapi.db.query('api::teacher.teacher').findMany({ where: { school: { id: target.submitter.school?.id } }, populate: { user: { select: ['username'] } } });
    for (const colleague of colleagues as { user: { username: string } | null }[]) if (colleague.user) expect(offered).not.toContain(colleague.user.username);
    await shot(page, 'selection-candidates-researcher');
    await page.locator('[data-testid="candidate"][data-username="demo-researcher"] [data-testid="assign-candidate"]').click();
    await row.locator('[data-testid="review-badge"][data-reviewer="demo-researcher"]').waitFor({ timeout: 60_000 });
    await page.locator('[data-testid="reviewer-row"][data-reviewer="demo-researcher"][data-assigned="1"]').waitFor({ timeout: 60_000 });

    // Review starts; a second reviewer (any candidate, through the service) and both score through REST.
    await page.locator('[data-testid="transition-reviewing"]').click();
    await page.locator('[data-testid="round-board"][data-status="reviewing"]').waitFor({ timeout: 60_000 });
    const reviews = strapi.service('api::review.review') as unknown as {
      candidates(submission: string): Promise<{ data: { username: string; role: string }[] }>;
      assign(input: { submission: string; reviewer: string }): Promise<unknown>;
    };
    const second = (await reviews.candidates(target.documentId)).data.find((c) => c.role === 'teacher')!;
    await reviews.assign({ submission: target.documentId, reviewer: second.username });
    const toScore = await strapi.db.query('api::review.review').findMany({ where: { submission: { id: target.id } }, populate: { reviewer: { select: ['id'] } } });
    expect(toScore.length).toBe(2);
    for (const review of toScore as { documentId: string; reviewer: { id: number } }[]) await scoreAs(review.reviewer.id, review.documentId, { design: 9, effect: 8, innovation: 9 });

    // Finalise: the confirmation shows what will be selected; the rest lack reviews and need the explicit choice.
    // The preview is read when the confirmation opens, so it sees the scores just given.
    await page.locator('[data-testid="finalise"]').click();
    await page.locator('[data-testid="preview-selected"]').first().waitFor({ timeout: 60_000 });
    const preview = await page.locator('[data-testid="finalise-preview"]').innerText();
    expect(await page.locator('[data-testid="preview-selected"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-submission')))).toEqual([target.documentId]);
    expect(preview).toContain(target.resourceTitle);
    expect(await page.locator('[data-testid="preview-incomplete"]').count()).toBe(submissions.length - 1);
    await expect(page.locator('[data-testid="confirm-finalise"]').isDisabled()).resolves.toBe(true);
    await shot(page, 'selection-finalise-preview');
    await page.getByText('我已知晓，不足评审数的作品不参与入选').click();
    await page.locator('[data-testid="confirm-finalise"]').click();
    await page.locator('[data-testid="round-board"][data-status="finalised"]').waitFor({ timeout: 60_000 });
    const entries = await strapi.db.query('api::library-entry.library-entry').findMany({ where: { round: { id: round.id } } });
    expect(entries.map((e: { resourceDocumentId: string; rank: number }) => [e.resourceDocumentId, e.rank])).toEqual([[target.resourceDocumentId, 1]]);
    await shot(page, 'selection-finalised-researcher');
    await page.context().close();
  });

  test('researcher: library progress — each library against its target, with grade bands, themes and years', async () => {
    const progress = (await (env.app.strapi.service('api::library.library') as unknown as { progress(): Promise<{ key: string; nameZh: string; selected: number; target: number; byYear: Record<string, number> }[]> }).progress());
    const page = await signIn(staff('xinyu-researcher'));
    await openPage(page, 'xinyu/library-progress', '[data-testid="library-page-totals"]');
    expect((await barLabels(page, 'library-page-totals')).sort()).toEqual(progress.map((l) => l.nameZh).sort());
    for (const library of progress) {
      const card = page.locator(`[data-testid="library-card"][data-library="${library.key}"]`);
      expect([library.key, await card.locator('[data-testid="library-selected"]').innerText()]).toEqual([library.key, String(library.selected)]);
      expect([library.key, await card.locator('[data-testid="library-target"]').innerText()]).toEqual([library.key, String(library.target)]);
    }
    const lessons = progress.find((l) => l.key === 'demonstration-lessons')!;
    expect(await barLabels(page, 'demonstration-lessons-years')).toEqual(Object.keys(lessons.byYear));
    // Grade bands and themes in Chinese, never their stored keys.
    const bands = await barLabels(page, 'demonstration-lessons-grade-bands');
    expect(bands.length).toBeGreaterThan(0);
    for (const label of [...bands, ...(await barLabels(page, 'demonstration-lessons-themes'))]) expect([label, /^[a-z_-]+$/.test(label)]).toEqual([label, false]);
    await page.locator('[data-testid="library-page-totals"]').scrollIntoViewIfNeeded();
    await shot(page, 'library-progress-researcher');
    await page.context().close();
  });

  test('researcher: teachers\' drafts awaiting review, newest first, each opening in the Content Manager', async () => {
    const page = await signIn(staff('xinyu-researcher'));
    await openPage(page, 'xinyu/drafts', '[data-testid="draft-row"]');
    const text = await page.locator('main').innerText();
    for (const title of ['情绪温度计：我的心情我知道（草稿）', '考试前夜（草稿）', '转学生的第一个月（草稿）']) expect([title, text.includes(title)]).toEqual([title, true]);
    expect(text).toContain('李春晖');
    // Published documents are not awaiting review.
    const published = await env.app.strapi.db.query('api::lesson-plan.lesson-plan').findOne({ where: { publishedAt: { $notNull: true } }, select: ['title'] });
    expect(text).not.toContain(published.title);
    expect(await page.locator('[data-testid="draft-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-type')))).toEqual(['counseling-case', 'psychodrama-script', 'lesson-plan']);
    await shot(page, 'drafts-researcher');
    // One type at a time.
    await page.getByRole('combobox', { name: '类型' }).click();
    await page.getByRole('option', { name: '心理辅导案例' }).click();
    await page.locator('[data-testid="draft-row"][data-type="lesson-plan"]').waitFor({ state: 'detached', timeout: 60_000 });
    expect(await page.locator('[data-testid="draft-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-type')))).toEqual(['counseling-case']);
    await page.getByRole('combobox', { name: '类型' }).click();
    await page.getByRole('option', { name: '全部类型' }).click();
    await page.locator('[data-testid="draft-row"][data-type="lesson-plan"]').waitFor({ timeout: 60_000 });

    const lesson = page.locator('[data-testid="draft-row"][data-type="lesson-plan"]');
    const documentId = await lesson.getAttribute('data-document');
    await lesson.locator('[data-testid="draft-edit-link"]').click();
    await page.waitForURL((url) => url.pathname.endsWith(`/api::lesson-plan.lesson-plan/${documentId}`), { timeout: 60_000 });
    await page.locator('input[name="title"]').waitFor({ timeout: 60_000 });
    expect(await page.locator('input[name="title"]').inputValue()).toBe('情绪温度计：我的心情我知道（草稿）');
    await shot(page, 'drafts-edit-researcher');
    await page.context().close();
  });
}
