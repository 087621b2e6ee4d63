import { startApp, createUser, bearer, type TestApp, type TestUser } from '../helpers/strapi';
import { caseData, lessonData, scriptData, themeIds } from '../helpers/content';

let app: TestApp;
const users: Record<string, TestUser> = {};
const ids: Record<string, string> = {};

const search = async (who: string, qs: string) => {
  const res = await app.http().get(`/api/search?${qs}`).set(bearer(users[who].jwt));
  expect([qs, res.status]).toEqual([qs, 200]);
  return res.body;
};
const titles = async (who: string, q: string, extra = '') =>
  (await search(who, `q=${encodeURIComponent(q)}${extra}`)).data.map((hit) => hit.title);

const steps = (text: string) => [
  { phase: 'warm_up', minutes: 10, teacherActions: text },
  { phase: 'activity', minutes: 20, teacherActions: '小组活动与讨论' },
  { phase: 'summary', minutes: 10, teacherActions: '教师总结' },
];

beforeAll(async () => {
  app = await startApp();
  users.researcher = await createUser(app.strapi, { role: 'researcher' });
  users.mh = await createUser(app.strapi, { role: 'teacher', teacher: { positions: ['mh_parttime', 'subject'] } });
  users.subject = await createUser(app.strapi, { role: 'teacher', teacher: { positions: ['subject'] } });
  users.coordinator = await createUser(app.strapi, { role: 'coordinator' });
  users.bare = await createUser(app.strapi, { role: 'authenticated' });
  const [emotion, stress, setbacks] = await themeIds(app.strapi, 'emotion-regulation', 'stress-management', 'frustration-education');

  // Each document carries only the words its test needs.
  const neutral = { objectives: '了解本课内容。', keywords: [], materials: '白纸' };
  const create = async (path: string, key: string, data: Record<string, unknown>, qs = '') => {
    const res = await app.http().post(`/api/${path}${qs}`).set(bearer(users.researcher.jwt)).send({ data: path === 'lesson-plans' ? { ...data, ...neutral } : data });
    expect([key, res.status]).toEqual([key, 201]);
    ids[key] = res.body.data.documentId;
  };
  await create('lesson-plans', 'emotion', lessonData({ title: '认识情绪', summary: '认识喜怒哀惧，学会表达情绪。', themes: [emotion], steps: steps('情绪猜猜猜') }));
  await create('lesson-plans', 'both', lessonData({ title: '情绪与压力', summary: '当压力来临时，情绪也会起伏。', gradeBand: 'junior_secondary', gradeFrom: 8, gradeTo: 9, themes: [emotion, stress], steps: steps('压力气球') }));
  await create('lesson-plans', 'exam', lessonData({ title: '考前减压', summary: '学习几种缓解考试压力的方法。', gradeBand: 'senior_secondary', gradeFrom: 12, gradeTo: 12, themes: [stress], steps: steps('深呼吸放松') }));
  await create('lesson-plans', 'setback', lessonData({ title: '面对挫折', summary: '在失败中成长，<b>挫折</b>不可怕。', gradeBand: 'junior_secondary', gradeFrom: 7, gradeTo: 7, themes: [setbacks], steps: steps('挫折故事会') }));
  await create('lesson-plans', 'draft', lessonData({ title: '心理韧性训练营', summary: '只在草稿里的训练营。', steps: steps('训练营热身') }), '?status=draft');
  await create('psychodrama-scripts', 'script', scriptData({ title: '考试之前', synopsis: '小林在模拟考失利后感到压力巨大。' }));
  await create('counseling-cases', 'case', caseData({ title: '新生入学适应', background: '学生小A（化名）入学后孤独感强烈。' }));
});
afterAll(async () => {
  await app?.stop();
});

describe('Chinese full-text search', () => {
  test('two-character words match: 情绪, 压力, 挫折', async () => {
    expect((await titles('subject', '情绪')).sort()).toEqual(['情绪与压力', '认识情绪'].sort());
    expect((await titles('subject', '压力')).sort()).toEqual(['情绪与压力', '考前减压', '考试之前'].sort());
    expect(await titles('subject', '挫折')).toEqual(['面对挫折']);
  });

  test('a multi-word query ranks the document holding every word first', async () => {
    expect((await titles('subject', '情绪 压力'))[0]).toBe('情绪与压力');
    const unspaced = await search('subject', `q=${encodeURIComponent('情绪压力')}`);
    expect(unspaced.meta.terms).toEqual(['情绪', '压力']);
    expect(unspaced.data[0].title).toBe('情绪与压力');
    expect(unspaced.meta.pagination.total).toBe(4);
  });

  test('each hit has type, documentId, title and an escaped, highlighted snippet', async () => {
    const { data } = await search('subject', `q=${encodeURIComponent('挫折')}`);
    expect(data).toEqual([
      {
        type: 'lesson-plan',
        documentId: ids.setback,
        title: '面对挫折',
        snippet: expect.stringContaining('<mark>挫折</mark>'),
        gradeBand: 'junior_secondary',
        themes: ['frustration-education'],
      },
    ]);
    expect(data[0].snippet).toContain('&lt;b&gt;<mark>挫折</mark>&lt;/b&gt;');
    expect(data[0].snippet).not.toContain('<b>');
  });

  test('a query matching only a draft finds nothing', async () => {
    const body = await search('researcher', `q=${encodeURIComponent('训练营')}`);
    expect(body.data).toEqual([]);
    expect(body.meta.pagination.total).toBe(0);
  });

  test('counselling cases are found by researchers and MH teachers but hidden from a subject teacher and a coordinator', async () => {
    expect(await titles('researcher', '孤独感')).toEqual(['新生入学适应']);
    expect(await titles('mh', '孤独感')).toEqual(['新生入学适应']);
    expect(await titles('subject', '孤独感')).toEqual([]);
    expect(await titles('coordinator', '孤独感')).toEqual([]);
    expect(await titles('subject', '孤独感', '&types=counseling-case')).toEqual([]);
  });

  test('filters by type, grade band and theme', async () => {
    expect(await titles('subject', '压力', '&types=psychodrama-script')).toEqual(['考试之前']);
    expect((await titles('subject', '压力', '&types=lesson-plan,psychodrama-script')).length).toBe(3);
    expect(await titles('subject', '压力', '&gradeBand=senior_secondary')).toEqual(['考前减压']);
    expect((await titles('subject', '压力', '&theme=stress-management')).sort()).toEqual(['情绪与压力', '考前减压'].sort());
  });

  test('pages through results', async () => {
    const all = await titles('subject', '压力');
    const page2 = await search('subject', `q=${encodeURIComponent('压力')}&pageSize=1&page=2`);
    expect(page2.data.map((hit) => hit.title)).toEqual([all[1]]);
    expect(page2.meta.pagination).toEqual({ page: 2, pageSize: 1, pageCount: 3, total: 3 });
  });
});

describe('the index stays current', () => {
  test('after an edit the new words are found and the old ones are not', async () => {
    const put = (summary: string) =>
      app.http().put(`/api/lesson-plans/${ids.emotion}`).set(bearer(users.researcher.jwt)).send({ data: { summary } });
    expect((await put('用彩虹的颜色描述心情。')).status).toBe(200);
    expect(await titles('subject', '彩虹')).toEqual(['认识情绪']);
    expect((await put('用天空的颜色描述心情。')).status).toBe(200);
    expect(await titles('subject', '彩虹')).toEqual([]);
    expect(await titles('subject', '天空')).toEqual(['认识情绪']);
  });

  test('a draft-only edit does not change what teachers find', async () => {
    const res = await app.http().put(`/api/lesson-plans/${ids.exam}?status=draft`).set(bearer(users.researcher.jwt)).send({ data: { summary: '草稿里写了萤火虫。' } });
    expect(res.status).toBe(200);
    expect(await titles('subject', '萤火虫')).toEqual([]);
    expect(await titles('subject', '缓解')).toEqual(['考前减压']);
  });

  test('unpublish removes a document; publishing brings it back', async () => {
    expect((await app.http().post(`/api/lesson-plans/${ids.setback}/unpublish`).set(bearer(users.researcher.jwt))).status).toBe(200);
    expect(await titles('subject', '挫折')).toEqual([]);
    expect((await app.http().post(`/api/lesson-plans/${ids.setback}/publish`).set(bearer(users.researcher.jwt))).status).toBe(200);
    expect(await titles('subject', '挫折')).toEqual(['面对挫折']);
  });

  test('publishing the draft makes it findable; deleting removes it', async () => {
    expect((await app.http().post(`/api/lesson-plans/${ids.draft}/publish`).set(bearer(users.researcher.jwt))).status).toBe(200);
    expect(await titles('subject', '训练营')).toEqual(['心理韧性训练营']);
    expect((await app.http().delete(`/api/lesson-plans/${ids.draft}`).set(bearer(users.researcher.jwt))).status).toBe(204);
    expect(await titles('subject', '训练营')).toEqual([]);
  });

  test('a failed write leaves the index untouched', async () => {
    const res = await app.http().put(`/api/lesson-plans/${ids.both}`).set(bearer(users.researcher.jwt)).send({ data: { summary: '极光 13912345678' } });
    expect(res.status).toBe(400);
    expect(await titles('subject', '极光')).toEqual([]);
    expect((await titles('subject', '情绪'))).toContain('情绪与压力');
  });

  test('the index survives a restart', async () => {
    await app.restart();
    expect(await titles('subject', '挫折')).toEqual(['面对挫折']);
  });

  test('an emptied index (e.g. a restored database) is rebuilt from published documents at boot', async () => {
    const expected = await titles('researcher', '压力');
    await app.strapi.db.connection('search_postings').delete();
    await app.strapi.db.connection('search_documents').delete();
    const [{ n }] = await app.strapi.db.connection('search_documents').count({ n: '*' });
    expect(Number(n)).toBe(0);
    await app.restart();
    expect(await titles('researcher', '压力')).toEqual(expected);
    expect(await titles('researcher', '孤独感')).toEqual(['新生入学适应']);
    expect(await titles('subject', '孤独感')).toEqual([]);
  });

  test('a rebuild cut short (no signature, half the postings, its indexes dropped) is done again at the next boot', async () => {
    const expected = await titles('researcher', '压力');
    const knex = app.strapi.db.connection;
    await knex('search_meta').where({ key: 'tokenizer' }).delete();
    const refs = (await knex('search_documents').select('id')).map((row: { id: number }) => row.id);
    await knex('search_postings').whereIn('document_ref', refs.slice(0, Math.ceil(refs.length / 2))).delete();
    await knex.raw('DROP INDEX IF EXISTS search_postings_list_idx');
    await app.restart();
    expect(await titles('researcher', '压力')).toEqual(expected);
    expect((await app.strapi.db.connection('search_meta').where({ key: 'tokenizer' }).first('value'))?.value).toMatch(/^\d+:/);
    // The dropped index is back (it serves every posting-list read).
    const after = app.strapi.db.connection;
    const indexes = app.db.client === 'postgres'
      ? (await after.raw("SELECT indexname AS name FROM pg_indexes WHERE tablename = 'search_postings'")).rows
      : await after.raw("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'search_postings'");
    expect(indexes.map((row: { name: string }) => row.name)).toEqual(expect.arrayContaining(['search_postings_list_idx', 'search_postings_document_ref_index']));
  });
});

describe('bad requests and refused callers', () => {
  test.each([
    ['', 'q'],
    ['q= ', 'q'],
    ['q=情绪&types=lesson-plan,recipe', 'types'],
    ['q=情绪&gradeBand=kindergarten', 'gradeBand'],
    ['q=情绪&theme=Not%20A%20Slug', 'theme'],
    ['q=情绪&page=0', 'page'],
    ['q=情绪&pageSize=abc', 'pageSize'],
    ['q=情绪&sort=title', 'sort'],
    ['q=情绪&q=压力', 'q'],
  ])('%s is 400 naming %s', async (qs, param) => {
    const res = await app.http().get(`/api/search?${encodeURI(qs)}`).set(bearer(users.subject.jwt));
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors[0].path).toEqual([param]);
  });

  test('page size is capped at 100', async () => {
    const body = await search('subject', `q=${encodeURIComponent('压力')}&pageSize=500`);
    expect(body.meta.pagination.pageSize).toBe(100);
  });

  test('a query of only function words or punctuation finds nothing', async () => {
    const body = await search('subject', `q=${encodeURIComponent('的，了！')}`);
    expect(body).toEqual({ data: [], meta: { terms: [], corrections: [], facets: { types: [], gradeBands: [], themes: [] }, pagination: { page: 1, pageSize: 20, pageCount: 0, total: 0 } } });
  });

  test.each(['public', 'bare'])('%s is refused', async (who) => {
    const request = app.http().get(`/api/search?q=${encodeURIComponent('情绪')}`);
    const res = who === 'public' ? await request : await request.set(bearer(users.bare.jwt));
    expect(res.status).toBe(403);
  });
});
