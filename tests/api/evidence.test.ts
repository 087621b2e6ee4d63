import crypto from 'crypto';
import fs from 'fs';
import os from 'os';
import path from 'path';
import sharp from 'sharp';
import { startApp, createUser, createSchool, bearer, type TestApp, type TestUser } from '../helpers/strapi';
import { evidenceType, migrateUploadedEvidence, safeFileName } from '../../src/training/evidence';

let app: TestApp;
let privateDir: string;
const u: Record<string, TestUser> = {};
const as = (who: string) => bearer(u[who].jwt);
const CREDIT = 'api::credit-record.credit-record';
const PRIVATE = 'api::private-file.private-file';

const PDF = Buffer.from('%PDF-1.4\n% 培训证明\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const HTML = Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>');
let PNG: Buffer;
let WEBP: Buffer;

const binary = (res: any, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};
const download = (id: string, who?: string) => {
  const req = app.http().get(`/api/credit-records/${id}/evidence`).buffer(true).parse(binary);
  return who ? req.set(as(who)) : req;
};
const submit = (who: string, evidence: Buffer, name: string) =>
  app.http().post('/api/credit-records').set(as(who)).field('data', JSON.stringify({ category: 'online', hours: 1.5, date: '2026-03-12' })).attach('evidence', evidence, name);
const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');
/** Every file under public/, by content hash. */
function publicHashes(dir = app.strapi.dirs.static.public, out = new Set<string>()) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) publicHashes(full, out);
    else if (entry.isFile()) out.add(sha(fs.readFileSync(full)));
  }
  return out;
}

beforeAll(async () => {
  // A directory that does not exist yet: created on demand.
  privateDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'xinyu-private-')), 'files');
  process.env.PRIVATE_FILES_DIR = privateDir;
  PNG = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#3a7' } }).png().toBuffer();
  WEBP = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#a37' } }).webp().toBuffer();
  app = await startApp();
  const school = await createSchool(app.strapi);
  u.owner = await createUser(app.strapi, { role: 'teacher', teacher: { name: '王晓雨', schoolDocumentId: school.documentId } });
  u.other = await createUser(app.strapi, { role: 'teacher', teacher: {} });
  u.coordinator = await createUser(app.strapi, { role: 'coordinator' });
  u.researcher = await createUser(app.strapi, { role: 'researcher' });
});
afterAll(async () => {
  delete process.env.PRIVATE_FILES_DIR;
  for (const file of await app.strapi.db.query('plugin::upload.file').findMany({})) await app.strapi.plugin('upload').service('upload').remove(file);
  await app?.stop();
  fs.rmSync(path.dirname(privateDir), { recursive: true, force: true });
});

describe('content sniffing', () => {
  test('PDF, PNG, JPEG and WebP by their bytes; anything else is not evidence', () => {
    expect(evidenceType(PDF)).toBe('application/pdf');
    expect(evidenceType(PNG.subarray(0, 32), PNG.length)).toBe('image/png');
    expect(evidenceType(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]))).toBe('image/jpeg');
    expect(evidenceType(WEBP.subarray(0, 32), WEBP.length)).toBe('image/webp');
    expect(evidenceType(HTML)).toBeNull();
  });

  test('a WebP needs RIFF, a size that fits, WEBP and a well-formed VP8/VP8L/VP8X chunk', () => {
    // JavaScript that starts RIFF....WEBP: `RIFF/*xxWEBP*/alert(1)` — the RIFF size is absurd and no VP8 chunk follows.
    const js = Buffer.from('RIFF/*xxWEBP*/alert(document.domain)//' + ' '.repeat(40));
    expect(evidenceType(js.subarray(0, 32), js.length)).toBeNull();
    const noChunk = Buffer.concat([Buffer.from('RIFF'), Buffer.from([24, 0, 0, 0]), Buffer.from('WEBPJUNK'), Buffer.alloc(20)]);
    expect(evidenceType(noChunk.subarray(0, 32), noChunk.length)).toBeNull();
    const truncated = WEBP.subarray(0, 40);
    expect(evidenceType(truncated.subarray(0, 32), truncated.length)).toBeNull();
    const lossless = Buffer.concat([Buffer.from('RIFF'), Buffer.from([26, 0, 0, 0]), Buffer.from('WEBPVP8L'), Buffer.from([14, 0, 0, 0, 0x2f, 0x27, 0x40, 0x07, 0x00]), Buffer.alloc(9)]);
    expect(evidenceType(lossless.subarray(0, 32), lossless.length)).toBe('image/webp');
    const badVersion = Buffer.from(lossless);
    badVersion[24] = 0xe0;
    expect(evidenceType(badVersion.subarray(0, 32), badVersion.length)).toBeNull();
  });

  test('stored names keep no directory, control characters or extension of their own', () => {
    expect(safeFileName('证明.pdf', 'application/pdf')).toBe('证明.pdf');
    expect(safeFileName('../../x/page.html', 'image/png')).toBe('page.png');
    expect(safeFileName('C:\\evil\\run.js', 'image/webp')).toBe('run.webp');
    expect(safeFileName('a\u202egnp.js', 'image/jpeg')).toBe('agnp.jpg');
    expect(safeFileName('.htaccess', 'application/pdf')).toBe('htaccess.pdf');
    expect(safeFileName('', 'application/pdf')).toBe('evidence.pdf');
  });
});

describe('credit evidence is a private file', () => {
  let recordId: string;
  let storageKey: string;

  test('a teacher submits evidence: stored under PRIVATE_FILES_DIR, output points at the authorised route', async () => {
    const res = await submit('owner', PDF, '培训证明 (2026).pdf');
    expect(res.status).toBe(201);
    recordId = res.body.data.documentId;
    expect(res.body.data.evidence).toEqual({
      id: expect.any(Number),
      documentId: expect.any(String),
      name: '培训证明 (2026).pdf',
      mime: 'application/pdf',
      size: PDF.length,
      url: `/api/credit-records/${recordId}/evidence`,
    });
    const row = await app.strapi.db.query(PRIVATE as any).findOne({ where: { documentId: res.body.data.evidence.documentId }, populate: { owner: true } });
    storageKey = row.storageKey;
    expect(row).toMatchObject({ mime: 'application/pdf', sha256: sha(PDF), owner: { documentId: u.owner.teacher!.documentId } });
    expect(fs.readFileSync(path.join(privateDir, storageKey)).equals(PDF)).toBe(true);
    // The list shows the same, and never the storage key.
    const list = await app.http().get('/api/credit-records').set(as('owner'));
    expect(list.body.data[0].evidence.url).toBe(`/api/credit-records/${recordId}/evidence`);
    expect(JSON.stringify(list.body)).not.toContain(storageKey);
  });

  test('the owner downloads exactly the bytes, as an attachment of the sniffed type, never cached', async () => {
    const res = await download(recordId, 'owner');
    expect(res.status).toBe(200);
    expect(Buffer.compare(res.body, PDF)).toBe(0);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(`attachment; filename*=UTF-8''${encodeURIComponent('培训证明 (2026).pdf').replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('private, no-store');
  });

  test('a coordinator downloads it; another teacher gets 404; a researcher and anonymous callers are refused', async () => {
    const coordinator = await download(recordId, 'coordinator');
    expect(coordinator.status).toBe(200);
    expect(Buffer.compare(coordinator.body, PDF)).toBe(0);
    expect((await download(recordId, 'other')).status).toBe(404);
    expect((await download(recordId, 'researcher')).status).toBe(403);
    expect([401, 403]).toContain((await download(recordId)).status);
    expect((await download('no-such-record', 'coordinator')).status).toBe(404);
  });

  test('nothing of the evidence is under public/ or served from /uploads', async () => {
    expect(publicHashes().has(sha(PDF))).toBe(false);
    for (const p of [`/uploads/${storageKey}`, '/uploads/培训证明 (2026).pdf', `/uploads/${path.basename(storageKey, '.pdf')}`, '/uploads/../.tmp/private-files/' + storageKey]) {
      expect((await app.http().get(encodeURI(p))).status).toBe(404);
    }
    expect(await app.strapi.db.query('plugin::upload.file').count()).toBe(0);
  });

  test.each([
    ['page.html', () => PNG, 'image/png', 'page.png'],
    ['payload.js', () => Buffer.concat([WEBP, Buffer.from('\n;alert(document.domain)//')]), 'image/webp', 'payload.webp'],
    ['photo.svg', () => Buffer.from([0xff, 0xd8, 0xff, 0xe0, ...Buffer.from('<svg onload=alert(1)>')]), 'image/jpeg', 'photo.jpg'],
  ])('an image named %s is stored with its sniffed type and served as an attachment with nosniff', async (name, bytes, mime, stored) => {
    const res = await submit('owner', bytes(), name);
    expect(res.status).toBe(201);
    expect(res.body.data.evidence).toMatchObject({ name: stored, mime });
    const file = await download(res.body.data.documentId, 'owner');
    expect(file.status).toBe(200);
    expect(Buffer.compare(file.body, bytes())).toBe(0);
    expect(file.headers['content-type']).toBe(mime);
    expect(file.headers['content-disposition']).toBe(`attachment; filename*=UTF-8''${stored}`);
    expect(file.headers['x-content-type-options']).toBe('nosniff');
    expect(publicHashes().has(sha(bytes()))).toBe(false);
  });

  test.each([
    ['an HTML file', HTML, 'evidence.html'],
    ['an HTML file named .png', HTML, 'evidence.png'],
    ['JavaScript dressed as WebP', Buffer.from('RIFF/*xxWEBPVP8 */alert(document.domain)//' + ' '.repeat(40)), 'x.js'],
  ])('%s is refused with 400 naming evidence, and nothing is stored', async (_label, bytes, name) => {
    const records = await app.strapi.db.query(CREDIT as any).count();
    const files = await app.strapi.db.query(PRIVATE as any).count();
    const onDisk = fs.readdirSync(privateDir).length;
    const res = await submit('owner', bytes, name);
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors[0].path).toEqual(['evidence']);
    expect(await app.strapi.db.query(CREDIT as any).count()).toBe(records);
    expect(await app.strapi.db.query(PRIVATE as any).count()).toBe(files);
    expect(fs.readdirSync(privateDir).length).toBe(onDisk);
  });

  test('a record refused after its evidence was stored leaves no private file behind', async () => {
    const files = await app.strapi.db.query(PRIVATE as any).count();
    const onDisk = fs.readdirSync(privateDir).length;
    const res = await app.http().post('/api/credit-records').set(as('coordinator')).field('data', JSON.stringify({ teacher: 'no-such-teacher', category: 'online', hours: 1, date: '2026-03-12' })).attach('evidence', PDF, 'x.pdf');
    expect(res.status).toBe(400);
    expect(await app.strapi.db.query(PRIVATE as any).count()).toBe(files);
    expect(fs.readdirSync(privateDir).length).toBe(onDisk);
  });
});

describe('evidence from before private files', () => {
  test('an upload-plugin evidence file is moved into the private directory at boot and /uploads stops serving it', async () => {
    const created = await app.http().post('/api/credit-records').set(as('coordinator')).send({ data: { teacher: u.owner.teacher!.documentId, category: 'online', hours: 2, date: '2026-02-01' } });
    expect(created.status).toBe(201);
    const record = await app.strapi.db.query(CREDIT as any).findOne({ where: { documentId: created.body.data.documentId } });
    // What an older database holds: a media-library file linked to the record's old `evidence` media field.
    const tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'xinyu-old-')), 'old.png');
    fs.writeFileSync(tmp, PNG);
    const [upload] = await app.strapi.plugin('upload').service('upload').upload({
      data: { fileInfo: { name: '旧证明.html' } },
      files: { filepath: tmp, originalFilename: '旧证明.html', mimetype: 'image/png', size: PNG.length },
    });
    await app.strapi.db.connection('files_related_mph').insert({ file_id: upload.id, related_id: record.id, related_type: CREDIT, field: 'evidence', order: 1 });
    expect((await app.http().get(upload.url)).status).toBe(200);
    // The upload plugin may have re-encoded the image: what moves is what was on disk.
    const onDisk = fs.readFileSync(path.join(app.strapi.dirs.static.public, upload.url));

    expect(await migrateUploadedEvidence(app.strapi)).toBe(1);

    expect((await app.http().get(upload.url)).status).toBe(404);
    expect(await app.strapi.db.query('plugin::upload.file').findOne({ where: { id: upload.id } })).toBeNull();
    expect(Number((await app.strapi.db.connection('files_related_mph').where({ related_type: CREDIT }).count({ n: '*' }).first())!.n)).toBe(0);
    const file = await download(record.documentId, 'owner');
    expect(file.status).toBe(200);
    expect(Buffer.compare(file.body, onDisk)).toBe(0);
    expect(file.headers['content-type']).toBe('image/png');
    expect(file.headers['content-disposition']).toBe(`attachment; filename*=UTF-8''${encodeURIComponent('旧证明.png')}`);
    expect(publicHashes().has(sha(onDisk))).toBe(false);
    // Run again: nothing left to move.
    expect(await migrateUploadedEvidence(app.strapi)).toBe(0);
    fs.rmSync(path.dirname(tmp), { recursive: true, force: true });
  });
});
