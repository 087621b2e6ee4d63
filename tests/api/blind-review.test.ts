import { startApp, createUser, createSchool, bearer, type TestApp, type TestUser } from '../helpers/strapi';
import { caseData, lessonData, scriptData } from '../helpers/content';

// Blind review cannot be probed: while a resource is under review, a filter, sort or populate that mentions
// its author or school answers the same whether the guess is right or wrong, asc or desc — on every list.
let app: TestApp;
const u: Record<string, TestUser> = {};
const school: Record<string, { documentId: string; name: string }> = {};
const doc: Record<string, string> = {};
const sub: Record<string, string> = {};
const rev: Record<string, string> = {};
const SECRET = ['郑秋实', '韩冬青', '松柏实验学校', '梧桐实验学校'];

const as = (who: string) => bearer(u[who].jwt);
const hour = 3600_000;
const iso = (offset: number) => new Date(Date.now() + offset).toISOString();
const YEAR = new Date(Date.now() - hour + 8 * hour).getUTCFullYear();
const UIDS = { lesson: 'api::lesson-plan.lesson-plan', script: 'api::psychodrama-script.psychodrama-script', case: 'api::counseling-case.counseling-case' } as const;

async function publish(key: string, kind: keyof typeof UIDS, who: string, data: Record<string, unknown>) {
  const created = await app.strapi.documents(UIDS[kind] as any).create({
    data: { ...data, author: u[who].teacher!.documentId, school: school[who === 'b1' ? 'west' : 'east'].documentId } as any,
    status: 'published',
  });
  doc[key] = created.documentId;
}

async function openRound(libraryKey: string) {
  const library = await app.strapi.db.query('api::library.library' as any).findOne({ where: { key: libraryKey } });
  const res = await app.http().post('/api/selection-rounds').set(as('r1')).send({
    data: {
      title: `${libraryKey} 盲审轮次`, library: library.documentId, year: YEAR, quota: 5, minReviews: 1,
      submissionOpensAt: iso(-hour), submissionClosesAt: iso(hour), reviewDeadline: iso(2 * hour),
      rubric: [{ key: 'design', name: '设计', weight: 1, minScore: 0, maxScore: 10 }],
    },
  });
  expect(res.status).toBe(201);
  expect((await app.http().post(`/api/selection-rounds/${res.body.data.documentId}/transition`).set(as('r1')).send({ data: { status: 'open' } })).status).toBe(200);
  return res.body.data.documentId as string;
}

beforeAll(async () => {
  app = await startApp();
  const east = await createSchool(app.strapi, { name: '松柏实验学校', district: '东区' });
  const west = await createSchool(app.strapi, { name: '梧桐实验学校', district: '西区' });
  const third = await createSchool(app.strapi, { name: '评审所在学校', district: '北区' });
  school.east = east as any;
  school.west = west as any;
  u.a1 = await createUser(app.strapi, { role: 'teacher', teacher: { name: '郑秋实', staffNumber: 'BLIND-A1', schoolDocumentId: east.documentId, positions: ['mh_fulltime'] } });
  u.b1 = await createUser(app.strapi, { role: 'teacher', teacher: { name: '韩冬青', staffNumber: 'BLIND-B1', schoolDocumentId: west.documentId, positions: ['mh_parttime'] } });
  u.expert = await createUser(app.strapi, { role: 'teacher', teacher: { name: '评审专家', schoolDocumentId: third.documentId, positions: ['mh_fulltime'] } });
  u.r1 = await createUser(app.strapi, { role: 'researcher' });
  u.r2 = await createUser(app.strapi, { role: 'researcher' });
  await publish('L1', 'lesson', 'a1', lessonData({ title: '盲审课甲' }));
  await publish('L2', 'lesson', 'b1', lessonData({ title: '盲审课乙' }));
  await publish('L3', 'lesson', 'b1', lessonData({ title: '盲审课丙' }));
  await publish('S1', 'script', 'a1', scriptData({ title: '盲审剧甲' }));
  await publish('S2', 'script', 'b1', scriptData({ title: '盲审剧乙' }));
  await publish('C1', 'case', 'a1', caseData({ title: '盲审案例甲' }));
  await publish('C2', 'case', 'b1', caseData({ title: '盲审案例乙' }));
  for (const [library, key] of [['demonstration-lessons', 'L1'], ['psychodramas', 'S1'], ['counseling-cases', 'C1']]) {
    const round = await openRound(library);
    const res = await app.http().post('/api/submissions').set(as('a1')).send({ data: { round, resource: doc[key] } });
    expect([key, res.status]).toEqual([key, 201]);
    sub[key] = res.body.data.documentId;
    for (const reviewer of ['expert', 'r1']) {
      const assigned = await app.http().post('/api/reviews').set(as('r1')).send({ data: { submission: sub[key], reviewer: u[reviewer].user.username } });
      expect([key, reviewer, assigned.status]).toEqual([key, reviewer, 201]);
      rev[`${key}:${reviewer}`] = assigned.body.data.documentId;
    }
  }
  // L2 is under review too (b1's), so lists hold items under review from both schools.
  const lessonsRound = (await app.strapi.db.query('api::submission.submission' as any).findOne({ where: { documentId: sub.L1 }, populate: ['round'] })).round.documentId;
  const second = await app.http().post('/api/submissions').set(as('b1')).send({ data: { round: lessonsRound, resource: doc.L2 } });
  expect(second.status).toBe(201);
  sub.L2 = second.body.data.documentId;
});
afterAll(async () => {
  if (process.env.PROBE_REPORT) console.log(`pairs: ${report.pairs}, differing or leaking: ${report.differing.length}\n${report.differing.join('\n')}`);
  await app?.stop();
});

type Pair = [string, string, string];

/** True/false predicate pairs and asc/desc sort pairs over author and school, for a list of `kind`. */
function identityPairs(base: string, target: string, author = 'a1'): Pair[] {
  const right = school[author === 'a1' ? 'east' : 'west'];
  const wrong = school[author === 'a1' ? 'west' : 'east'];
  const rightTeacher = u[author].teacher!;
  const wrongTeacher = u[author === 'a1' ? 'b1' : 'a1'].teacher!;
  const enc = encodeURIComponent;
  const only = `filters[documentId][$eq]=${target}`;
  const pairs: Pair[] = [
    ['school.name', `${only}&filters[school][name][$eq]=${enc(right.name)}`, `${only}&filters[school][name][$eq]=${enc(wrong.name)}`],
    ['school.documentId', `${only}&filters[school][documentId][$eq]=${right.documentId}`, `${only}&filters[school][documentId][$eq]=${wrong.documentId}`],
    ['school.district', `${only}&filters[school][district][$eq]=${enc(author === 'a1' ? '东区' : '西区')}`, `${only}&filters[school][district][$eq]=${enc('南区')}`],
    ['school $null', `${only}&filters[school][$null]=true`, `${only}&filters[school][$notNull]=true`],
    ['author.name', `${only}&filters[author][name][$eq]=${enc(rightTeacher.name)}`, `${only}&filters[author][name][$eq]=${enc(wrongTeacher.name)}`],
    ['author.documentId', `${only}&filters[author][documentId][$eq]=${rightTeacher.documentId}`, `${only}&filters[author][documentId][$eq]=${wrongTeacher.documentId}`],
    ['author.staffNumber', `${only}&filters[author][staffNumber][$eq]=${rightTeacher.staffNumber}`, `${only}&filters[author][staffNumber][$eq]=${wrongTeacher.staffNumber}`],
    ['author.school.name', `${only}&filters[author][school][name][$eq]=${enc(right.name)}`, `${only}&filters[author][school][name][$eq]=${enc(wrong.name)}`],
    ['school.teachers.name', `${only}&filters[school][teachers][name][$eq]=${enc(rightTeacher.name)}`, `${only}&filters[school][teachers][name][$eq]=${enc(wrongTeacher.name)}`],
    ['$or', `filters[$or][0][documentId][$eq]=none&filters[$or][1][school][name][$eq]=${enc(right.name)}`, `filters[$or][0][documentId][$eq]=none&filters[$or][1][school][name][$eq]=${enc(wrong.name)}`],
    ['$and', `filters[$and][0][documentId][$eq]=${target}&filters[$and][1][author][name][$contains]=${enc(rightTeacher.name.slice(-1))}`, `filters[$and][0][documentId][$eq]=${target}&filters[$and][1][author][name][$contains]=${enc('无')}`],
    ['$not', `${only}&filters[$not][school][name][$eq]=${enc(right.name)}`, `${only}&filters[$not][school][name][$eq]=${enc(wrong.name)}`],
    ['$not $or', `${only}&filters[$not][$or][0][author][school][documentId][$eq]=${right.documentId}`, `${only}&filters[$not][$or][0][author][school][documentId][$eq]=${wrong.documentId}`],
    ['sort school.name', 'sort=school.name:asc', 'sort=school.name:desc'],
    ['sort author.name', 'sort=author.name:asc', 'sort=author.name:desc'],
    ['sort author.school.name', 'sort[0]=author.school.name:asc', 'sort[0]=author.school.name:desc'],
    ['sort object', 'sort[school][name]=asc', 'sort[school][name]=desc'],
    ['sort list', 'sort=title:asc,school.name:asc', 'sort=title:asc,school.name:desc'],
    ['populate', `${only}&populate[author][filters][name][$eq]=${enc(rightTeacher.name)}`, `${only}&populate[author][filters][name][$eq]=${enc(wrongTeacher.name)}`],
  ];
  return pairs.map(([name, a, b]) => [name, `${base}${base.includes('?') ? '&' : '?'}${a}`, `${base}${base.includes('?') ? '&' : '?'}${b}`]);
}

// A search echoes its own words in meta.terms; what it found is what must not differ.
const found = (path: string, body: any) => (path.startsWith('/api/search') && body?.data ? { data: body.data, pagination: body.meta.pagination } : body);

// PROBE_REPORT=1 counts the pairs that differ instead of failing on the first (to measure a build).
const report = { pairs: 0, differing: [] as string[] };

async function expectSame(who: string, [name, a, b]: Pair) {
  const [ra, rb] = [await app.http().get(a).set(as(who)), await app.http().get(b).set(as(who))];
  report.pairs++;
  if (process.env.PROBE_REPORT) {
    const same = ra.status === rb.status && JSON.stringify(found(a, ra.body)) === JSON.stringify(found(b, rb.body));
    const leaks = SECRET.some((secret) => JSON.stringify(found(a, ra.body)).includes(secret) || JSON.stringify(found(b, rb.body)).includes(secret));
    if (!same || leaks) report.differing.push(`${who} ${name} ${a.split('?')[0]}${same ? '' : ' differs'}${leaks ? ' leaks' : ''}`);
    return ra;
  }
  expect([who, name, a, ra.status, found(a, ra.body)]).toEqual([who, name, a, rb.status, found(b, rb.body)]);
  expect([who, name, ra.status < 500]).toEqual([who, name, true]);
  for (const secret of SECRET) expect([who, a, JSON.stringify(found(a, ra.body)).includes(secret)]).toEqual([who, a, false]);
  return ra;
}

describe('filters and sorts over author and school tell a reviewer nothing', () => {
  const lists = () => [
    ['/api/lesson-plans', doc.L1],
    [`/api/lesson-plans/${doc.L1}`, doc.L1],
    ['/api/psychodrama-scripts', doc.S1],
    ['/api/counseling-cases', doc.C1],
    ['/api/libraries/demonstration-lessons/entries', doc.L1],
    ['/api/libraries/psychodramas/entries', doc.S1],
    ['/api/libraries/counseling-cases/entries', doc.C1],
  ];

  test.each(['expert', 'r2'])('%s: every content list, every pair answers the same', async (who) => {
    for (const [base, target] of lists()) {
      for (const pair of identityPairs(base, target)) await expectSame(who, pair);
      for (const pair of identityPairs(base, doc.L2, 'b1')) await expectSame(who, pair);
    }
  });

  test.each(['expert', 'r2'])('%s: submissions and reviews answer the same for submitter, school and reviewer', async (who) => {
    const enc = encodeURIComponent;
    const pairs: Pair[] = [
      ['submission school', `/api/submissions?filters[school][name][$eq]=${enc(school.east.name)}`, `/api/submissions?filters[school][name][$eq]=${enc(school.west.name)}`],
      ['submission submitter', `/api/submissions?filters[submitter][name][$eq]=${enc('郑秋实')}`, `/api/submissions?filters[submitter][name][$eq]=${enc('韩冬青')}`],
      ['submission $or', `/api/submissions?filters[$or][0][submitter][school][documentId][$eq]=${school.east.documentId}`, `/api/submissions?filters[$or][0][submitter][school][documentId][$eq]=${school.west.documentId}`],
      ['submission sort', '/api/submissions?sort=school.name:asc', '/api/submissions?sort=school.name:desc'],
      ['submission sort submitter', '/api/submissions?sort=submitter.name:asc', '/api/submissions?sort=submitter.name:desc'],
      ['review school', `/api/reviews?filters[submission][school][name][$eq]=${enc(school.east.name)}`, `/api/reviews?filters[submission][school][name][$eq]=${enc(school.west.name)}`],
      ['review submitter', `/api/reviews?filters[submission][submitter][name][$eq]=${enc('郑秋实')}`, `/api/reviews?filters[submission][submitter][name][$eq]=${enc('韩冬青')}`],
      ['review $not', `/api/reviews?filters[$not][submission][submitter][staffNumber][$eq]=BLIND-A1`, `/api/reviews?filters[$not][submission][submitter][staffNumber][$eq]=BLIND-B1`],
      ['review sort', '/api/reviews?sort=submission.school.name:asc', '/api/reviews?sort=submission.school.name:desc'],
      ['review sort submitter', '/api/reviews?sort=submission.submitter.name:asc', '/api/reviews?sort=submission.submitter.name:desc'],
      ['search', `/api/search?q=${enc('情绪')}&filters[school][name][$eq]=${enc(school.east.name)}`, `/api/search?q=${enc('情绪')}&filters[school][name][$eq]=${enc(school.west.name)}`],
      ['search by school name', `/api/search?q=${enc(school.east.name)}`, `/api/search?q=${enc(school.west.name)}`],
      ['search by author name', `/api/search?q=${enc('郑秋实')}`, `/api/search?q=${enc('韩冬青')}`],
    ];
    for (const pair of pairs) await expectSame(who, pair);
  });

  test('the probes can tell: the same pairs over a field that is not identity do differ', async () => {
    const right = await app.http().get(`/api/lesson-plans?filters[documentId][$eq]=${doc.L1}&filters[title][$eq]=${encodeURIComponent('盲审课甲')}`).set(as('expert'));
    const wrong = await app.http().get(`/api/lesson-plans?filters[documentId][$eq]=${doc.L1}&filters[title][$eq]=${encodeURIComponent('盲审课乙')}`).set(as('expert'));
    expect([right.body.data.length, wrong.body.data.length]).toEqual([1, 0]);
    const asc = await app.http().get('/api/lesson-plans?sort=title:asc').set(as('r2'));
    const desc = await app.http().get('/api/lesson-plans?sort=title:desc').set(as('r2'));
    expect(asc.body.data.map((d) => d.title)).toEqual([...desc.body.data.map((d) => d.title)].reverse());
  });

  test('a refused predicate is a 400 naming the path, whatever the value', async () => {
    const res = await app.http().get(`/api/lesson-plans?filters[$or][0][author][school][name][$eq]=x`).set(as('r2'));
    expect(res.status).toBe(400);
    expect(res.body.error.details).toMatchObject({ key: 'author', path: 'author', param: 'filters' });
    const sorted = await app.http().get('/api/psychodrama-scripts?sort=school.name:desc').set(as('r2'));
    expect(sorted.status).toBe(400);
    expect(sorted.body.error.details).toMatchObject({ key: 'school', param: 'sort' });
  });

  test('items under review show no author or school to reviewers; the author still sees their own', async () => {
    for (const [path, who] of [['/api/lesson-plans?pagination[pageSize]=100', 'expert'], ['/api/psychodrama-scripts', 'r2'], ['/api/counseling-cases', 'expert'], [`/api/reviews/${rev['L1:expert']}`, 'expert'], [`/api/reviews/${rev['C1:r1']}`, 'r1']]) {
      const res = await app.http().get(path).set(as(who));
      expect([path, res.status]).toEqual([path, 200]);
      const text = JSON.stringify(res.body);
      for (const secret of ['郑秋实', '松柏实验学校']) expect([path, text.includes(secret)]).toEqual([path, false]);
    }
    const list = await app.http().get('/api/lesson-plans?sort=title:asc').set(as('expert'));
    const byTitle = Object.fromEntries(list.body.data.map((d) => [d.title, d]));
    expect([byTitle['盲审课甲'].author, byTitle['盲审课甲'].school]).toEqual([null, null]);
    expect(byTitle['盲审课丙'].author.name).toBe('韩冬青');
    const own = await app.http().get(`/api/lesson-plans/${doc.L1}`).set(as('a1'));
    expect([own.body.data.author.name, own.body.data.school.name]).toEqual(['郑秋实', '松柏实验学校']);
  });

  test('legitimate lists still work: own drafts, themes, grade bands, submissions of the caller', async () => {
    const draft = await app.http().post('/api/lesson-plans').set(as('b1')).send({ data: lessonData({ title: '盲审草稿' }) });
    expect(draft.status).toBe(201);
    const drafts = await app.http().get('/api/lesson-plans?status=draft').set(as('b1'));
    expect(drafts.body.data.map((d) => d.title)).toContain('盲审草稿');
    expect(drafts.body.data.map((d) => d.author?.name)).not.toContain('郑秋实');
    const band = await app.http().get('/api/lesson-plans?filters[gradeBand][$eq]=upper_primary&sort=title:asc').set(as('expert'));
    expect(band.status).toBe(200);
    expect(band.body.data.map((d) => d.title).sort()).toEqual(['盲审课丙', '盲审课乙', '盲审课甲'].sort());
    const mine = await app.http().get('/api/submissions?sort=resourceTitle:asc').set(as('a1'));
    expect(mine.body.data.map((s) => s.resourceTitle).sort()).toEqual(['盲审剧甲', '盲审案例甲', '盲审课甲'].sort());
  });
});
