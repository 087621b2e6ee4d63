import sharp from 'sharp';
import { startApp, createUser, bearer, type TestApp } from '../helpers/strapi';

// Small limit for this file only, so the size check can be shown without a 200 MB upload.
const LIMIT = 300 * 1024;
let app: TestApp;
let token: string;
let panelCookie: string;
const uploaded: any[] = [];

beforeAll(async () => {
  process.env.UPLOAD_MAX_BYTES = String(LIMIT);
  app = await startApp();
  const superAdmin = await app.strapi.db.query('admin::role').findOne({ where: { code: 'strapi-super-admin' } });
  const password = `Adm1n-${Math.random().toString(36).slice(2)}`;
  await app.strapi.service('admin::user').create({ email: 'editor@test.invalid', firstname: 'Editor', password, isActive: true, roles: [superAdmin.id] });
  const login = await app.http().post('/admin/login').send({ email: 'editor@test.invalid', password });
  token = login.body.data.token;
  // The panel's session cookie (path /), as the browser sends it with the panel's <img> requests.
  panelCookie = (login.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('strapi_admin_refresh='))!.split(';')[0];
});
afterAll(async () => {
  delete process.env.UPLOAD_MAX_BYTES;
  for (const file of uploaded) await app.strapi.plugin('upload').service('upload').remove(file);
  await app?.stop();
});

const upload = (buffer: Buffer, name: string) => app.http().post('/upload').set('Authorization', `Bearer ${token}`).attach('files', buffer, name);

test('an image is resized by sharp into responsive formats', async () => {
  const png = await sharp({ create: { width: 1800, height: 1200, channels: 3, background: '#3a7' } }).png().toBuffer();
  const res = await upload(png, 'cover.png');
  expect(res.status).toBe(201);
  uploaded.push(...res.body);
  const { formats, width, mime } = res.body[0];
  expect([width, mime]).toEqual([1800, 'image/png']);
  expect(Object.fromEntries(Object.entries(formats).map(([key, f]: [string, any]) => [key, f.width]))).toEqual({
    thumbnail: 234,
    small: 600,
    medium: 1000,
    large: 1600,
  });
});

test('a lesson plan with that image as cover lists the cover with its formats', async () => {
  const { lessonData } = await import('../helpers/content');
  const researcher = await createUser(app.strapi, { role: 'researcher' });
  const teacher = await createUser(app.strapi, { role: 'teacher', teacher: {} });
  const created = await app.http().post('/api/lesson-plans').set(bearer(researcher.jwt)).send({ data: lessonData({ title: '有封面的课', cover: uploaded[0].id }) });
  expect(created.status).toBe(201);
  const list = await app.http().get('/api/lesson-plans').set(bearer(teacher.jwt));
  const cover = list.body.data.find((p) => p.title === '有封面的课').cover;
  expect(cover.url).toMatch(/^\/uploads\/cover_.*\.png$/);
  expect(Object.keys(cover.formats).sort()).toEqual(['large', 'medium', 'small', 'thumbnail']);
  expect(cover.formats.small.url).toMatch(/^\/uploads\/small_cover_.*\.png$/);
});

test('a PDF under the limit is accepted', async () => {
  const res = await upload(Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'), '教案附件.pdf');
  expect(res.status).toBe(201);
  uploaded.push(...res.body);
  expect(res.body[0].mime).toBe('application/pdf');
});

test.each([
  ['x.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'image/svg+xml'],
  ['page.html', Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>'), 'text/html'],
  ['tool.exe', Buffer.from('MZ\x90\x00' + 'x'.repeat(200)), 'application/x-msdos-program'],
  ['notes.txt', Buffer.from('plain text notes'), 'text/plain'],
])('%s is refused with 400 naming its type, and nothing is stored', async (name, buffer, type) => {
  const before = await app.strapi.db.query('plugin::upload.file').count();
  const res = await upload(buffer, name);
  expect(res.status).toBe(400);
  expect(res.body.error.message).toBe(`File type '${type}' is not allowed`);
  expect(await app.strapi.db.query('plugin::upload.file').count()).toBe(before);
});

test('a file over the size limit is refused and nothing is stored', async () => {
  const before = await app.strapi.db.query('plugin::upload.file').count();
  const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(LIMIT + 1024, 0x20)]);
  const res = await upload(big, 'big.pdf');
  expect(res.status).toBe(413);
  expect(await app.strapi.db.query('plugin::upload.file').count()).toBe(before);
});

test('end users still cannot reach the upload API', async () => {
  const researcher = await createUser(app.strapi, { role: 'researcher' });
  const png = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#000' } }).png().toBuffer();
  const res = await app.http().post('/api/upload').set(bearer(researcher.jwt)).attach('files', png, 'x.png');
  expect(res.status).toBe(403);
});

describe('/uploads serves published media only', () => {
  const LESSON = 'api::lesson-plan.lesson-plan';
  const anonymous = (url: string) => app.http().get(url);
  const asPanelUser = (url: string) => app.http().get(url).set('Cookie', panelCookie);

  test('a file used by nothing is 404 for everyone but a signed-in panel user', async () => {
    const png = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#a37' } }).png().toBuffer();
    const res = await upload(png, 'loose.png');
    expect(res.status).toBe(201);
    uploaded.push(...res.body);
    const { url, formats } = res.body[0];
    for (const path of [url, formats.thumbnail.url]) {
      expect((await anonymous(path)).status).toBe(404);
      expect((await app.http().get(path).set('Cookie', 'strapi_admin_refresh=forged.token.value')).status).toBe(404);
      const panel = await asPanelUser(path);
      expect(panel.status).toBe(200);
      expect(panel.headers['cache-control']).toBe('private, no-store');
    }
    // Not through the public folder either, nor under another spelling of the path.
    expect((await anonymous(url.replace('/uploads/', '/uploads/./'))).status).toBe(404);
    expect((await anonymous(encodeURI(url).replace('.png', '%2Epng'))).status).toBe(404);
  });

  test('a cover follows its lesson: hidden while a draft, served once published, hidden again when unpublished', async () => {
    const { lessonData } = await import('../helpers/content');
    const png = await sharp({ create: { width: 500, height: 300, channels: 3, background: '#37a' } }).png().toBuffer();
    const res = await upload(png, 'draft-cover.png');
    uploaded.push(...res.body);
    const { id, url, formats } = res.body[0];
    const draft = await app.strapi.documents(LESSON as any).create({ data: { ...lessonData({ title: '草稿里的封面' }), cover: id } as any });
    expect((await anonymous(url)).status).toBe(404);
    expect((await anonymous(formats.thumbnail.url)).status).toBe(404);
    expect((await asPanelUser(url)).status).toBe(200);

    await app.strapi.documents(LESSON as any).publish({ documentId: draft.documentId });
    const published = await anonymous(url);
    expect(published.status).toBe(200);
    expect(published.headers['content-type']).toBe('image/png');
    expect((await anonymous(formats.thumbnail.url)).status).toBe(200);

    await app.strapi.documents(LESSON as any).unpublish({ documentId: draft.documentId });
    expect((await anonymous(url)).status).toBe(404);
    expect((await anonymous(formats.thumbnail.url)).status).toBe(404);
  });
});
