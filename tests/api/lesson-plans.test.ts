import { startApp, createUser, createSchool, bearer, type TestApp, type TestUser } from '../helpers/strapi';
import { fiveEducationTagIds, lessonData, residentId, themeIds } from '../helpers/content';

let app: TestApp;
let researcher: TestUser;
let teacher: TestUser;
let otherTeacher: TestUser;
let coordinator: TestUser;
let bare: TestUser;
let schoolId: string;
let emotion: string;
let stress: string;
let published: { documentId: string };

const post = (jwt: string, data: unknown, qs = '') => app.http().post(`/api/lesson-plans${qs}`).set(bearer(jwt)).send({ data });
const count = () => app.strapi.db.query('api::lesson-plan.lesson-plan').count();

beforeAll(async () => {
  app = await startApp();
  const school = await createSchool(app.strapi, { name: '东湖区实验小学' });
  schoolId = school.documentId;
  researcher = await createUser(app.strapi, { role: 'researcher' });
  teacher = await createUser(app.strapi, { role: 'teacher', teacher: { name: '李春晖', schoolDocumentId: schoolId, positions: ['homeroom', 'subject'], phone: '13700001111' } });
  otherTeacher = await createUser(app.strapi, { role: 'teacher', teacher: { name: '王晓明', positions: ['subject'] } });
  coordinator = await createUser(app.strapi, { role: 'coordinator' });
  bare = await createUser(app.strapi, { role: 'authenticated' });
  [emotion, stress] = await themeIds(app.strapi, 'emotion-regulation', 'stress-management');
  const res = await post(researcher.jwt, lessonData({ themes: [emotion] }));
  expect(res.status).toBe(201);
  published = res.body.data;
});
afterAll(async () => {
  await app?.stop();
});

describe('researchers create, edit, publish and unpublish', () => {
  test('a researcher creates a published lesson plan with its steps, themes and a pinyin slug', async () => {
    const res = await app.http().get(`/api/lesson-plans/${published.documentId}`).set(bearer(researcher.jwt));
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      title: '认识情绪',
      slug: 'ren-shi-qing-xu',
      gradeBand: 'upper_primary',
      durationMinutes: 40,
      themes: [{ slug: 'emotion-regulation', nameZh: '情绪调控' }],
    });
    expect(res.body.data.publishedAt).not.toBeNull();
    expect(res.body.data.steps.map((s) => [s.phase, s.minutes])).toEqual([
      ['warm_up', 5],
      ['activity', 20],
      ['sharing', 10],
      ['summary', 5],
    ]);
  });

  test('the same title gets the next free slug; a taken slug chosen by hand is refused', async () => {
    const second = await post(researcher.jwt, lessonData({ themes: [emotion] }), '?status=draft');
    expect(second.status).toBe(201);
    expect(second.body.data.slug).toBe('ren-shi-qing-xu-2');
    expect(second.body.data.publishedAt).toBeNull();
    const taken = await post(researcher.jwt, lessonData({ title: '另一课', slug: 'ren-shi-qing-xu' }));
    expect(taken.status).toBe(400);
    expect(taken.body.error.details.errors[0].path).toEqual(['slug']);
  });

  test('editing the title keeps the slug stable', async () => {
    const created = await post(researcher.jwt, lessonData({ title: '压力山大怎么办' }));
    expect(created.body.data.slug).toBe('ya-li-shan-da-zen-me-ban');
    const edited = await app.http().put(`/api/lesson-plans/${created.body.data.documentId}`).set(bearer(researcher.jwt)).send({ data: { title: '压力来了怎么办' } });
    expect(edited.status).toBe(200);
    expect(edited.body.data.title).toBe('压力来了怎么办');
    expect(edited.body.data.slug).toBe('ya-li-shan-da-zen-me-ban');
  });

  test('unpublish hides a plan from teachers; publish brings it back', async () => {
    const created = await post(researcher.jwt, lessonData({ title: '情绪小怪兽' }));
    const id = created.body.data.documentId;
    const unpublished = await app.http().post(`/api/lesson-plans/${id}/unpublish`).set(bearer(researcher.jwt));
    expect(unpublished.status).toBe(200);
    expect(unpublished.body.data.publishedAt).toBeNull();
    expect((await app.http().get(`/api/lesson-plans/${id}`).set(bearer(teacher.jwt))).status).toBe(404);
    const again = await app.http().post(`/api/lesson-plans/${id}/publish`).set(bearer(researcher.jwt));
    expect(again.status).toBe(200);
    expect(again.body.data.publishedAt).not.toBeNull();
    expect((await app.http().get(`/api/lesson-plans/${id}`).set(bearer(teacher.jwt))).body.data.title).toBe('情绪小怪兽');
  });

  test('unpublishing a plan that is not published is 404; publishing an unknown one is 404', async () => {
    const draft = await post(researcher.jwt, lessonData({ title: '未发布的课' }), '?status=draft');
    expect((await app.http().post(`/api/lesson-plans/${draft.body.data.documentId}/unpublish`).set(bearer(researcher.jwt))).status).toBe(404);
    expect((await app.http().post('/api/lesson-plans/nope00000000000000000000/publish').set(bearer(researcher.jwt))).status).toBe(404);
  });

  test('a researcher deletes a plan', async () => {
    const created = await post(researcher.jwt, lessonData({ title: '待删除' }));
    const res = await app.http().delete(`/api/lesson-plans/${created.body.data.documentId}`).set(bearer(researcher.jwt));
    expect(res.status).toBe(204);
    expect(await app.strapi.documents('api::lesson-plan.lesson-plan').findOne({ documentId: created.body.data.documentId })).toBeNull();
  });
});

describe('teachers read published plans and write only their own drafts', () => {
  let draftId: string;

  test('a teacher cannot name another author', async () => {
    const res = await post(teacher.jwt, lessonData({ title: '冒名', author: otherTeacher.teacher!.documentId }));
    expect(res.status).toBe(400);
    expect(res.body.error.details).toMatchObject({ key: 'author', source: 'body' });
  });

  test('a teacher creates a draft as themselves, for their school, even when asking to publish', async () => {
    const res = await post(teacher.jwt, lessonData({ title: '我的情绪课', school: null, publishedAt: '2024-09-01T00:00:00.000Z' }), '?status=published');
    expect(res.status).toBe(201);
    draftId = res.body.data.documentId;
    expect(res.body.data.publishedAt).toBeNull();
    expect(res.body.data.author).toEqual({ id: teacher.teacher!.id, documentId: teacher.teacher!.documentId, name: '李春晖' });
    expect(res.body.data.school).toMatchObject({ documentId: schoolId, name: '东湖区实验小学' });
    expect(JSON.stringify(res.body)).not.toContain('13700001111');
    const published = await app.strapi.documents('api::lesson-plan.lesson-plan').findOne({ documentId: draftId, status: 'published' });
    expect(published).toBeNull();
  });

  test('the draft is not in the published list, but the author sees it with status=draft', async () => {
    const list = await app.http().get('/api/lesson-plans?pagination[pageSize]=100').set(bearer(teacher.jwt));
    expect(list.body.data.map((p) => p.documentId)).not.toContain(draftId);
    const mine = await app.http().get('/api/lesson-plans?status=draft').set(bearer(teacher.jwt));
    expect(mine.status).toBe(200);
    expect(mine.body.data.map((p) => p.title)).toEqual(['我的情绪课']);
  });

  test("another teacher's status=draft shows only their own drafts (none), never others'", async () => {
    const res = await app.http().get(`/api/lesson-plans?status=draft&filters[title][$eq]=${encodeURIComponent('我的情绪课')}`).set(bearer(otherTeacher.jwt));
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([]);
    const byAuthor = await app.http().get(`/api/lesson-plans?status=draft&filters[author][documentId][$eq]=${teacher.teacher!.documentId}`).set(bearer(otherTeacher.jwt));
    expect(byAuthor.status).toBe(400);
    expect((await app.http().get(`/api/lesson-plans/${draftId}`).set(bearer(otherTeacher.jwt))).status).toBe(404);
  });

  test('the author edits their draft; it stays a draft', async () => {
    const res = await app.http().put(`/api/lesson-plans/${draftId}?status=published`).set(bearer(teacher.jwt)).send({ data: { summary: '修改后的简介' } });
    expect(res.status).toBe(200);
    expect(res.body.data.summary).toBe('修改后的简介');
    expect(res.body.data.publishedAt).toBeNull();
  });

  test("a teacher cannot edit someone else's plan", async () => {
    const res = await app.http().put(`/api/lesson-plans/${draftId}`).set(bearer(otherTeacher.jwt)).send({ data: { summary: '篡改' } });
    expect(res.status).toBe(403);
    const stored = await app.strapi.documents('api::lesson-plan.lesson-plan').findOne({ documentId: draftId });
    expect(stored!.summary).toBe('修改后的简介');
    const researchersPlan = await app.http().put(`/api/lesson-plans/${published.documentId}`).set(bearer(teacher.jwt)).send({ data: { summary: '篡改' } });
    expect(researchersPlan.status).toBe(403);
  });

  test('a teacher cannot publish, unpublish or delete', async () => {
    for (const [method, path] of [
      ['post', `/api/lesson-plans/${draftId}/publish`],
      ['post', `/api/lesson-plans/${published.documentId}/unpublish`],
      ['delete', `/api/lesson-plans/${draftId}`],
    ] as const) {
      const res = await app.http()[method](path).set(bearer(teacher.jwt));
      expect([path, res.status]).toEqual([path, 403]);
    }
    expect(await app.strapi.documents('api::lesson-plan.lesson-plan').findOne({ documentId: draftId, status: 'published' })).toBeNull();
  });

  test('a teacher account without a teacher profile cannot write', async () => {
    const noProfile = await createUser(app.strapi, { role: 'teacher' });
    const res = await post(noProfile.jwt, lessonData({ title: '无档案' }));
    expect(res.status).toBe(403);
  });
});

describe('other callers', () => {
  test('a coordinator reads published plans but cannot write', async () => {
    const list = await app.http().get('/api/lesson-plans').set(bearer(coordinator.jwt));
    expect(list.status).toBe(200);
    expect(list.body.data.every((p) => p.publishedAt)).toBe(true);
    expect((await post(coordinator.jwt, lessonData({ title: '协调员的课' }))).status).toBe(403);
  });

  test.each(['public', 'authenticated'])('%s reads nothing', async (caller) => {
    const request = app.http().get('/api/lesson-plans');
    const res = caller === 'public' ? await request : await request.set(bearer(bare.jwt));
    expect(res.status).toBe(403);
    expect(res.body.data).toBeNull();
  });
});

describe('validation: nothing invalid is stored', () => {
  test('step minutes that do not add up to the duration are refused, naming steps', async () => {
    const before = await count();
    const res = await post(researcher.jwt, lessonData({ title: '时间不对', durationMinutes: 45 }));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('steps add up to 40 minutes but durationMinutes is 45; they must be equal');
    expect(res.body.error.details.errors[0].path).toEqual(['steps']);
    expect(await count()).toBe(before);
  });

  test('changing only the duration of a stored plan is checked against its stored steps', async () => {
    const res = await app.http().put(`/api/lesson-plans/${published.documentId}`).set(bearer(researcher.jwt)).send({ data: { durationMinutes: 35 } });
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors[0].path).toEqual(['steps']);
    const stored = await app.strapi.documents('api::lesson-plan.lesson-plan').findOne({ documentId: published.documentId });
    expect(stored!.durationMinutes).toBe(40);
  });

  test.each([
    ['a resident ID number', { objectives: `学生身份证号${residentId()}` }, 'objectives'],
    ['a resident ID number', { summary: `证件：${residentId('11010519491231002')}` }, 'summary'],
    ['a mobile phone number', { materials: '联系家长：138-0013-8000' }, 'materials'],
    ['an email address', { title: '请发送到 parent.li@example.com' }, 'title'],
  ])('text containing %s is refused naming the field (%#)', async (kind, overrides, field) => {
    const before = await count();
    const res = await post(researcher.jwt, lessonData(overrides));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(`${field} contains ${kind}; student identities must never be stored`);
    expect(res.body.error.details.errors[0].path).toEqual([field]);
    expect(await count()).toBe(before);
  });

  test('personal data inside a step is refused with the step path', async () => {
    const data = lessonData();
    (data.steps as any)[2].studentActivities = '小明（电话 13912345678）分享';
    const res = await post(researcher.jwt, data);
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors[0].path).toEqual(['steps', '2', 'studentActivities']);
  });

  test('an 18-digit number with a wrong check digit is not an ID and is accepted', async () => {
    const id = residentId();
    const wrong = id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
    const res = await post(researcher.jwt, lessonData({ title: '编号测试', materials: `教材编号 ${wrong}` }));
    expect(res.status).toBe(201);
  });

  test.each([
    [{ gradeBand: 'lower_primary', gradeFrom: 4, gradeTo: 5 }, 'gradeFrom', /outside grade band lower_primary \(1–3\)/],
    [{ gradeFrom: 6, gradeTo: 5 }, 'gradeFrom', /after gradeTo/],
    [{ keywords: '情绪' }, 'keywords', /array of strings/],
  ])('%j is refused naming %s', async (overrides, field, message) => {
    const res = await post(researcher.jwt, lessonData({ title: `校验 ${field}`, ...overrides }));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(message);
    expect(res.body.error.details.errors[0].path).toEqual([field]);
  });

  test('an unknown five-education tag is refused and nothing is stored', async () => {
    const before = await count();
    const res = await post(researcher.jwt, lessonData({ title: '未知五育', fiveEducationTags: ['nope000000000000000000000'] }));
    expect(res.status).toBe(400);
    expect(await count()).toBe(before);
  });

  test('an unknown attribute or a missing data object is 400', async () => {
    const unknown = await post(researcher.jwt, { ...lessonData({ title: '多余字段' }), studentName: '张三' });
    expect(unknown.status).toBe(400);
    const missing = await app.http().post('/api/lesson-plans').set(bearer(researcher.jwt)).send({ title: 'x' });
    expect(missing.status).toBe(400);
  });
});

describe('the teacher-facing list', () => {
  beforeAll(async () => {
    const [physical] = await fiveEducationTagIds(app.strapi, 'physical');
    await post(researcher.jwt, lessonData({ title: '考前减压', fiveEducationTags: [physical], gradeBand: 'senior_secondary', gradeFrom: 12, gradeTo: 12, durationMinutes: 45, lessonType: 'theme_class_meeting', themes: [stress],
      steps: [{ phase: 'warm_up', minutes: 10, teacherActions: '放松训练' }, { phase: 'activity', minutes: 25, teacherActions: '压力清单' }, { phase: 'summary', minutes: 10, teacherActions: '总结' }] }));
  });

  const titles = async (qs: string) => {
    const res = await app.http().get(`/api/lesson-plans?${qs}&sort=title:asc&pagination[pageSize]=100`).set(bearer(teacher.jwt));
    expect(res.status).toBe(200);
    return res.body.data.map((p) => p.title);
  };

  test('filters by grade band, grade, theme slug, lesson type and five-education tag', async () => {
    expect(await titles('filters[gradeBand][$eq]=senior_secondary')).toEqual(['考前减压']);
    expect(await titles('filters[gradeFrom][$lte]=12&filters[gradeTo][$gte]=12')).toEqual(['考前减压']);
    expect(await titles('filters[themes][slug][$eq]=stress-management')).toEqual(['考前减压']);
    expect(await titles('filters[lessonType][$eq]=theme_class_meeting')).toEqual(['考前减压']);
    expect(await titles('filters[fiveEducationTags][key][$eq]=physical')).toEqual(['考前减压']);
    expect(await titles('filters[themes][slug][$eq]=emotion-regulation')).toContain('认识情绪');
  });

  test('list items carry themes, author name and school name only, never contact details or steps', async () => {
    const res = await app.http().get('/api/lesson-plans?populate=*').set(bearer(teacher.jwt));
    expect(res.status).toBe(200);
    const item = res.body.data[0];
    expect(item).not.toHaveProperty('steps');
    expect(item).not.toHaveProperty('attachments');
    expect(Object.keys(item.themes[0]).sort()).toEqual(['documentId', 'id', 'nameEn', 'nameZh', 'slug']);
    expect(JSON.stringify(res.body)).not.toContain('13700001111');
  });

  test('the five-education tags come with the list, with their Chinese names', async () => {
    const res = await app.http().get('/api/lesson-plans?filters[title][$eq]=' + encodeURIComponent('考前减压')).set(bearer(teacher.jwt));
    expect(res.body.data[0].fiveEducationTags.map((t) => [t.key, t.nameZh])).toEqual([['physical', '以体强心']]);
  });

  test.each([
    ['filters[keywords][$contains]=情绪', 'keywords'],
    ['filters[$or][0][keywords][$eq]=情绪', 'keywords'],
    ['filters[steps][phase][$eq]=warm_up&filters[keywords][$null]=true', 'keywords'],
  ])('a filter on a list (JSON) field is 400, not a database error: %s', async (qs, field) => {
    const res = await app.http().get(`/api/lesson-plans?${encodeURI(qs)}`).set(bearer(teacher.jwt));
    expect(res.status).toBe(400);
    expect(res.body.error.details).toMatchObject({ key: field, param: 'filters' });
  });

  test('the guard follows relations: a researcher filtering by author positions gets 400', async () => {
    const res = await app.http().get(`/api/lesson-plans?filters[author][positions][$contains]=homeroom`).set(bearer(researcher.jwt));
    expect(res.status).toBe(400);
    expect(res.body.error.details).toMatchObject({ key: 'positions', path: 'author.positions' });
  });

  test('page size is capped at 100; an unknown filter is 400 naming it', async () => {
    const capped = await app.http().get('/api/lesson-plans?pagination[pageSize]=1000').set(bearer(teacher.jwt));
    expect(capped.body.meta.pagination.pageSize).toBe(100);
    const bad = await app.http().get('/api/lesson-plans?filters[studentName][$eq]=x').set(bearer(teacher.jwt));
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toMatchObject({ key: 'studentName' });
  });
});
