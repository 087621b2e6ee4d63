import { startApp, createUser, bearer, type TestApp, type TestUser } from '../helpers/strapi';
import { adminSession, cm, staffSession, type AdminSession } from '../helpers/admin';
import { lessonData, themeIds } from '../helpers/content';
import { race, tally } from '../helpers/race';

/*
 * Issue 16: the search's vocabulary (搜索词库) is reference data researchers extend in the admin panel without a
 * deploy — synonyms work at once, a new word rebuilds the index once — and every result carries facets usable
 * as filters. The relevance of typed queries is measured in tests/api/search-relevance.test.ts.
 */
let app: TestApp;
let teacher: TestUser;
let researcher: AdminSession;
const UID = 'api::search-term.search-term';

const search = async (qs: string) => {
  const res = await app.http().get(`/api/search?${qs}`).set(bearer(teacher.jwt));
  expect([qs, res.status]).toEqual([qs, 200]);
  return res.body as { data: { title: string; type: string; gradeBand: string; themes: string[] }[]; meta: { terms: string[]; corrections: { from: string; to: string[] }[]; facets: Record<'types' | 'gradeBands' | 'themes', { value: string; count: number }[]>; pagination: { total: number } } };
};
const titles = async (q: string, extra = '') => (await search(`q=${encodeURIComponent(q)}${extra}`)).data.map((hit) => hit.title).sort();
/** Waits until the search answers as expected (a vocabulary change reloads every instance's vocabulary within a moment). */
async function eventually<T>(read: () => Promise<T>, expected: T, ms = 20_000) {
  const until = Date.now() + ms;
  let last: T = await read();
  while (JSON.stringify(last) !== JSON.stringify(expected) && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    last = await read();
  }
  expect(last).toEqual(expected);
}

beforeAll(async () => {
  app = await startApp();
  teacher = await createUser(app.strapi, { role: 'teacher', teacher: { positions: ['subject'] } });
  researcher = await staffSession(app, 'xinyu-researcher', { level: 'city' });
  const author = await createUser(app.strapi, { role: 'researcher' });
  const [emotion, stress] = await themeIds(app.strapi, 'emotion-regulation', 'stress-management');
  const create = async (data: Record<string, unknown>) => {
    const res = await app.http().post('/api/lesson-plans').set(bearer(author.jwt)).send({ data: lessonData(data) });
    expect(res.status).toBe(201);
  };
  await create({ title: '认识情绪', summary: '认识喜怒哀惧，学会表达情绪。', themes: [emotion] });
  await create({ title: '情绪与压力', summary: '当压力来临时，情绪也会起伏。', gradeBand: 'junior_secondary', gradeFrom: 8, gradeTo: 9, themes: [emotion, stress] });
  await create({ title: '考前减压', summary: '学习几种缓解考试压力的方法。', gradeBand: 'senior_secondary', gradeFrom: 12, gradeTo: 12, themes: [stress] });
  await create({ title: '课间十分钟', summary: '同学们在课间做正念小练习，放松身心。', themes: [emotion] });
}, 300_000);
afterAll(async () => {
  await app?.stop();
});

describe('facets', () => {
  test('every result counts its matches by type, grade band and theme; each value filters to its count', async () => {
    const body = await search(`q=${encodeURIComponent('情绪')}`);
    const total = body.meta.pagination.total;
    expect(total).toBeGreaterThanOrEqual(3);
    expect(body.meta.facets.types).toEqual([{ value: 'lesson-plan', count: total }]);
    // Each theme's count is the number of hits carrying it.
    const all = await search(`q=${encodeURIComponent('情绪')}&pageSize=100`);
    const carrying = (slug: string) => all.data.filter((hit) => hit.themes.includes(slug)).length;
    expect(body.meta.facets.themes.map((t) => [t.value, t.count])).toEqual(body.meta.facets.themes.map((t) => [t.value, carrying(t.value)]));
    expect(body.meta.facets.themes[0]).toEqual({ value: 'emotion-regulation', count: carrying('emotion-regulation') });
    const grades = body.meta.facets.gradeBands;
    expect(grades.reduce((n, g) => n + g.count, 0)).toBe(total);
    for (const facet of [...grades.map((g) => ({ param: 'gradeBand', ...g })), ...body.meta.facets.themes.map((t) => ({ param: 'theme', ...t }))]) {
      const filtered = await search(`q=${encodeURIComponent('情绪')}&${facet.param}=${facet.value}`);
      expect([facet.param, facet.value, filtered.meta.pagination.total]).toEqual([facet.param, facet.value, facet.count]);
    }
    // A filter narrows the other facets but keeps its own dimension's choices.
    const narrowed = await search(`q=${encodeURIComponent('情绪')}&theme=stress-management`);
    expect(narrowed.meta.facets.themes).toEqual(body.meta.facets.themes);
    expect(narrowed.meta.facets.types).toEqual([{ value: 'lesson-plan', count: carrying('stress-management') }]);
  });

  test('nothing found: empty facets', async () => {
    const body = await search(`q=${encodeURIComponent('量子力学')}`);
    expect([body.data, body.meta.facets]).toEqual([[], { types: [], gradeBands: [], themes: [] }]);
  });
});

describe('typed as teachers type', () => {
  test.each([
    ['情緒', '情绪'],
    ['壓力', '压力'],
    ['ＱＩＮＧＸＵ', 'qingxu'],
  ])('%s is folded like %s', async (typed, plain) => {
    expect(await titles(typed)).toEqual(await titles(plain));
    expect((await titles(typed)).length).toBeGreaterThan(0);
  });

  test('pinyin and initials read as the index words, and say so', async () => {
    const body = await search('q=qingxu');
    expect(body.meta.corrections).toEqual([{ from: 'qingxu', to: ['情绪'] }]);
    expect(body.data.map((h) => h.title).sort()).toEqual(await titles('情绪'));
    expect(await titles('yali')).toEqual(await titles('压力'));
    expect(await titles('yali')).toEqual(expect.arrayContaining(['情绪与压力', '考前减压']));
  });

  test('a one-character typo finds the word when nothing matches it exactly (homophones first)', async () => {
    const body = await search(`q=${encodeURIComponent('压历')}`);
    expect(body.meta.corrections).toEqual([{ from: '压历', to: ['压力'] }]);
    expect(body.data.map((h) => h.title).sort()).toEqual(['情绪与压力', '考前减压'].sort());
    // A word that exists is never corrected.
    expect((await search(`q=${encodeURIComponent('压力')}`)).meta.corrections).toEqual([]);
  });

  test('question words are dropped unless nothing else is left', async () => {
    const body = await search(`q=${encodeURIComponent('学生压力怎么办')}`);
    expect(body.meta.terms).not.toContain('怎么办');
    expect(body.meta.terms).not.toContain('学生');
    expect(body.data.map((h) => h.title).sort()).toEqual(['情绪与压力', '考前减压'].sort());
    expect((await search(`q=${encodeURIComponent('怎么办')}`)).meta.terms).toEqual(['怎么办']);
  });

  test('English words through theme keywords and the vocabulary', async () => {
    expect(await titles('stress')).toEqual(expect.arrayContaining(['情绪与压力', '考前减压']));
    expect(await titles('emotion')).toEqual(expect.arrayContaining(['情绪与压力', '课间十分钟', '认识情绪']));
  });
});

describe('the vocabulary in the admin panel (搜索词库)', () => {
  test('the seeded entries are there; a researcher adds a synonym group and search uses it at once', async () => {
    const list = await app.http().get(`${cm.collection(UID)}?pageSize=100`).set(researcher.headers);
    expect(list.status).toBe(200);
    expect(list.body.pagination.total).toBeGreaterThan(20);
    expect(list.body.results.some((e: { terms: string }) => e.terms.includes('霸凌'))).toBe(true);
    expect(await titles('overload')).toEqual([]);

    const created = await app.http().post(cm.collection(UID)).set(researcher.headers).send({ kind: 'equivalent', terms: 'overload、压力', note: 'test' });
    expect(created.status).toBe(201);
    await eventually(() => titles('overload'), await titles('压力'));
    expect(await titles('overload')).toEqual(expect.arrayContaining(['情绪与压力', '考前减压']));

    // Disabled, it stops working; the seed never brings back what a researcher changed.
    const off = await app.http().put(cm.document(UID, created.body.data.documentId)).set(researcher.headers).send({ enabled: false });
    expect(off.status).toBe(200);
    await eventually(() => titles('overload'), []);
  });

  test('a new word is kept whole by the segmenter: the index is rebuilt once', async () => {
    // Without the word, jieba cuts 正念练习 in two.
    expect((await search(`q=${encodeURIComponent('正念练习')}`)).meta.terms).toEqual(['正念', '练习']);
    const created = await app.http().post(cm.collection(UID)).set(researcher.headers).send({ kind: 'equivalent', terms: '正念练习 正念小练习' });
    expect(created.status).toBe(201);
    await eventually(async () => (await search(`q=${encodeURIComponent('正念练习')}`)).meta.terms, ['正念练习']);
    // The rebuild follows the vocabulary's reload.
    await eventually(() => titles('正念练习'), ['课间十分钟']);
    // The signature is stored last, once the lexicon is written (the hits above can arrive just before).
    const wordsHash = require('../../dist/src/content/search/vocabulary').vocabulary().wordsHash;
    const storedHash = async () => {
      const row = await app.strapi.db.connection('search_meta').where({ key: 'tokenizer' }).first('value');
      return String(row?.value ?? '').split(':')[1];
    };
    await eventually(storedHash, wordsHash);
  });

  test('ten researchers adding words at once: every word is used, and the index ends built with all ten', async () => {
    const words = ['正念呼吸法', '心理晴雨表', '情绪温度计', '压力小气球', '成长型思维', '同伴支持圈', '放松小剧场', '心情日记本', '自我关怀卡', '积极暂停角'];
    for (const word of words) expect((await search(`q=${encodeURIComponent(word)}`)).meta.terms.length).toBeGreaterThan(1);
    // Each add reloads the vocabulary and asks for a rebuild while earlier ones may still be running.
    const responses = await race(app, words.map((word) => (client) => client.post(cm.collection(UID)).set(researcher.headers).send({ kind: 'word', terms: word })));
    expect(tally(responses)).toEqual({ 201: 10 });
    for (const word of words) await eventually(async () => (await search(`q=${encodeURIComponent(word)}`)).meta.terms, [word]);
    const wordsHash = require('../../dist/src/content/search/vocabulary').vocabulary().wordsHash;
    await eventually(async () => String((await app.strapi.db.connection('search_meta').where({ key: 'tokenizer' }).first('value'))?.value ?? '').split(':')[1], wordsHash);
    expect(await app.strapi.db.query(UID).count({ where: { terms: { $in: words } } })).toBe(10);
  });

  test.each([
    [{ kind: 'equivalent', terms: '孤单' }, 'terms'],
    [{ kind: 'word', terms: '   ' }, 'terms'],
    [{ kind: 'word', terms: 'x'.repeat(40) }, 'terms'],
    [{ kind: 'nonsense', terms: '孤单 孤独' }, 'kind'],
  ])('%j is refused naming %s, and nothing is stored', async (data, field) => {
    const before = await app.strapi.db.query(UID).count();
    const res = await app.http().post(cm.collection(UID)).set(researcher.headers).send(data);
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors[0].path).toEqual([field]);
    expect(await app.strapi.db.query(UID).count()).toBe(before);
  });

  test('coordinators and reviewers cannot edit the vocabulary; teachers have no API for it', async () => {
    const coordinator = await staffSession(app, 'xinyu-coordinator', { level: 'city' });
    expect((await app.http().post(cm.collection(UID)).set(coordinator.headers).send({ kind: 'word', terms: '越权' })).status).toBe(403);
    expect((await app.http().get('/api/search-terms').set(bearer(teacher.jwt))).status).toBe(404);
    const admin = await adminSession(app);
    expect((await app.http().get(`${cm.collection(UID)}`).set(admin.headers)).status).toBe(200);
  });
});
