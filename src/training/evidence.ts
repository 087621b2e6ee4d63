import crypto from 'crypto';
import fs from 'fs';
import path from 'path';
import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { fieldError } from '../shared/errors';
import { morphTable } from '../shared/sql';
import { isCoordinator, isTeacher, scopeOf, type CallerProfile } from '../platform/actor';
import { schoolInScope } from '../platform/scope';

export const MAX_EVIDENCE_BYTES = 20 * 1024 * 1024;
export const PRIVATE_FILE_UID = 'api::private-file.private-file';
const CREDIT_UID = 'api::credit-record.credit-record';

/** The extension a stored file gets: the one of its sniffed type, never the one the client sent. */
export const EXTENSIONS: Record<string, string> = {
  'application/pdf': '.pdf',
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/webp': '.webp',
  // Only for evidence migrated from the upload plugin whose content is none of the above (served as a download).
  'application/octet-stream': '.bin',
};
const STORAGE_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.(pdf|png|jpg|webp|bin)$/;
const HEAD_BYTES = 32;

/** A WebP file: RIFF, a size that fits the file, WEBP, then a well-formed first chunk (VP8, VP8L or VP8X). */
function isWebp(head: Buffer, size: number): boolean {
  if (head.length < 30 || head.subarray(0, 4).toString('latin1') !== 'RIFF' || head.subarray(8, 12).toString('latin1') !== 'WEBP') return false;
  const riffSize = head.readUInt32LE(4);
  const chunk = head.subarray(12, 16).toString('latin1');
  const chunkSize = head.readUInt32LE(16);
  if (riffSize % 2 === 1 || riffSize < 4 + 8 + chunkSize || riffSize + 8 > size) return false;
  if (chunk === 'VP8 ') return chunkSize >= 10 && (head[20] & 1) === 0 && head[23] === 0x9d && head[24] === 0x01 && head[25] === 0x2a;
  if (chunk === 'VP8L') return chunkSize >= 5 && head[20] === 0x2f && head[24] >> 5 === 0;
  if (chunk === 'VP8X') return chunkSize === 10 && (head[20] & 0b11000001) === 0 && head[21] === 0 && head[22] === 0 && head[23] === 0;
  return false;
}

/**
 * What the file is, by its first bytes (a declared type or extension proves nothing): PDF, PNG, JPEG or WebP.
 * `size` is the whole file's length (a WebP's RIFF size must fit in it); without it only the header is judged.
 */
export function evidenceType(head: Buffer, size = head.length): string | null {
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) && head.subarray(12, 16).toString('latin1') === 'IHDR') return 'image/png';
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff && head[3] >= 0xc0 && head[3] !== 0xff) return 'image/jpeg';
  if (isWebp(head, size)) return 'image/webp';
  return null;
}

/** Where private files live: PRIVATE_FILES_DIR (relative to the app root) or .tmp/private-files; never under public/. */
export function privateFilesDir(strapi: Core.Strapi): string {
  const root = strapi.dirs.app.root;
  const dir = path.resolve(root, process.env.PRIVATE_FILES_DIR || path.join('.tmp', 'private-files'));
  const publicDir = path.resolve(strapi.dirs.static.public);
  if (dir === publicDir || dir.startsWith(publicDir + path.sep)) throw new Error(`PRIVATE_FILES_DIR (${dir}) must not be inside the public directory ${publicDir}`);
  return dir;
}

const filePath = (strapi: Core.Strapi, storageKey: string) => {
  if (!STORAGE_KEY.test(storageKey)) throw new Error(`Not a private file storage key: ${storageKey}`);
  return path.join(privateFilesDir(strapi), storageKey);
};

/** A file name safe to show and to offer for download: no directories, controls or bidi tricks; the sniffed type's extension. */
export function safeFileName(original: string | undefined | null, mime: string): string {
  let base = String(original ?? '').replace(/\\/g, '/').split('/').pop() ?? '';
  // eslint-disable-next-line no-control-regex -- control characters are what this removes
  base = base.normalize('NFC').replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069"<>:|?*]/g, '').trim();
  const dot = base.lastIndexOf('.');
  if (dot > 0) base = base.slice(0, dot);
  base = base.replace(/^[.\s]+/, '').slice(0, 120).trim() || 'evidence';
  return base + (EXTENSIONS[mime] ?? '.bin');
}

type PrivateFileRow = { id: number; documentId: string; name: string; mime: string; size: number; storageKey: string };
/** A credit record with its teacher and evidence, as the evidence routes read it. */
type EvidenceLink = { teacher?: { documentId?: string; school?: { documentId?: string; district?: string } | null } | null; evidence?: PrivateFileRow | null };

/** Writes bytes under a new random key in the private directory and records them (name, sniffed type, size, sha256, owner). */
export async function storePrivateFile(strapi: Core.Strapi, bytes: Buffer, info: { name: string; mime: string; owner?: string | null }): Promise<PrivateFileRow> {
  const dir = privateFilesDir(strapi);
  await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
  const storageKey = `${crypto.randomUUID()}${EXTENSIONS[info.mime]}`;
  const target = path.join(dir, storageKey);
  await fs.promises.writeFile(`${target}.part`, bytes, { mode: 0o600 });
  await fs.promises.rename(`${target}.part`, target);
  try {
    const data = {
      name: info.name,
      mime: info.mime,
      size: bytes.length,
      sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
      storageKey,
      purpose: 'credit_evidence' as const,
      ...(info.owner ? { owner: info.owner } : {}),
    };
    return (await strapi.documents(PRIVATE_FILE_UID).create({ data })) as PrivateFileRow;
  } catch (error) {
    await fs.promises.rm(target, { force: true });
    throw error;
  }
}

/** Removes a private file's record and bytes (e.g. when the record it was uploaded for is refused). */
export async function removePrivateFile(strapi: Core.Strapi, file: { documentId: string }) {
  const row: PrivateFileRow | null = await strapi.db.query(PRIVATE_FILE_UID).findOne({ where: { documentId: file.documentId } });
  if (!row) return;
  await strapi.documents(PRIVATE_FILE_UID).delete({ documentId: row.documentId });
  await fs.promises.rm(filePath(strapi, row.storageKey), { force: true });
}

/**
 * Stores a teacher's evidence as a private file after checking what it really is (never under public/, never
 * through the upload plugin): the stored type and extension are the sniffed ones.
 */
export async function storeEvidence(strapi: Core.Strapi, file: { filepath: string; size: number; originalFilename?: string; mimetype?: string }, owner?: string | null) {
  if (file.size > MAX_EVIDENCE_BYTES) throw fieldError('evidence', `evidence is at most ${MAX_EVIDENCE_BYTES / 1024 / 1024} MB`);
  const bytes = await fs.promises.readFile(file.filepath);
  if (bytes.length > MAX_EVIDENCE_BYTES) throw fieldError('evidence', `evidence is at most ${MAX_EVIDENCE_BYTES / 1024 / 1024} MB`);
  const type = evidenceType(bytes.subarray(0, HEAD_BYTES), bytes.length);
  if (!type) throw fieldError('evidence', 'evidence must be a PDF, PNG, JPEG or WebP file');
  return storePrivateFile(strapi, bytes, { name: safeFileName(file.originalFilename, type), mime: type, owner });
}

/**
 * Who may download a credit record's evidence: the record's teacher and the coordinators whose scope holds
 * the teacher's school. Everyone else is told it does not exist.
 */
export function mayReadEvidence(profile: CallerProfile, record: { teacher?: { documentId?: string; school?: { documentId?: string; district?: string } | null } | null }): boolean {
  if (isCoordinator(profile)) return schoolInScope(scopeOf(profile), record.teacher?.school);
  return isTeacher(profile) && !!profile.teacher && record.teacher?.documentId === profile.teacher.documentId;
}

/** The evidence of a credit record, if the caller may read it. */
export async function evidenceFor(strapi: Core.Strapi, profile: CallerProfile, recordDocumentId: string): Promise<PrivateFileRow | null> {
  if (typeof recordDocumentId !== 'string' || !recordDocumentId) return null;
  const record: EvidenceLink | null = await strapi.db.query(CREDIT_UID).findOne({
    where: { documentId: recordDocumentId },
    populate: { teacher: { select: ['documentId'], populate: { school: { select: ['documentId', 'district'] } } }, evidence: true },
  });
  if (!record?.evidence || !mayReadEvidence(profile, record)) return null;
  return record.evidence;
}

const rfc5987 = (value: string) => encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Sends a private file as a download: the stored (sniffed) type, nosniff, attachment, never cached. */
export async function sendPrivateFile(strapi: Core.Strapi, ctx: Context, file: PrivateFileRow): Promise<boolean> {
  const location = filePath(strapi, file.storageKey);
  const stat = await fs.promises.stat(location).catch(() => null);
  if (!stat?.isFile()) return false;
  ctx.status = 200;
  ctx.set('Content-Type', file.mime in EXTENSIONS ? file.mime : 'application/octet-stream');
  ctx.set('Content-Length', String(stat.size));
  ctx.set('Content-Disposition', `attachment; filename*=UTF-8''${rfc5987(safeFileName(file.name, file.mime))}`);
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Cache-Control', 'private, no-store');
  ctx.set('Content-Security-Policy', "default-src 'none'; sandbox");
  ctx.body = fs.createReadStream(location);
  return true;
}

/** The path a credit record's evidence is downloaded from. */
export const evidencePath = (recordDocumentId: string) => `/api/credit-records/${recordDocumentId}/evidence`;

/** Output: the evidence of each record points at the authorised route instead of a public URL. */
export function withEvidenceUrl<T>(data: T): T {
  for (const record of (Array.isArray(data) ? data : [data]) as ({ documentId: string; evidence?: unknown } | null)[]) {
    if (record?.evidence && typeof record.evidence === 'object') record.evidence = { ...record.evidence, url: evidencePath(record.documentId) };
  }
  return data;
}

/**
 * Databases from before private files kept evidence in the upload plugin, served from /uploads. At boot each such
 * file is copied into the private directory (type sniffed again), the record re-pointed, and the upload removed.
 * An upload whose bytes cannot be read stays where it is and is logged (a file on S3 that cannot be fetched).
 */
export async function migrateUploadedEvidence(strapi: Core.Strapi): Promise<number> {
  const knex = strapi.db.connection;
  const related = morphTable(strapi, 'plugin::upload.file', 'related');
  if (!(await knex.schema.hasTable(related.name))) return 0;
  const links: { file_id: number; related_id: number }[] = await knex(related.name).where({ [related.type]: CREDIT_UID, field: 'evidence' }).select({ file_id: related.own, related_id: related.id });
  let moved = 0;
  for (const link of links) {
    const file: { id: number; name: string; url: string; provider: string } | null = await strapi.db.query('plugin::upload.file').findOne({ where: { id: link.file_id } });
    const record: (EvidenceLink & { id: number }) | null = await strapi.db.query(CREDIT_UID).findOne({ where: { id: link.related_id }, populate: { teacher: { select: ['documentId'] }, evidence: true } });
    if (!file) {
      await knex(related.name).where({ [related.own]: link.file_id, [related.type]: CREDIT_UID, field: 'evidence' }).delete();
      continue;
    }
    let bytes: Buffer | null = null;
    try {
      if (file.provider === 'local') {
        bytes = await fs.promises.readFile(path.join(strapi.dirs.static.public, String(file.url).replace(/^\/+/, '')));
      } else if (/^https?:\/\//.test(file.url)) {
        const res = await fetch(file.url);
        if (res.ok) bytes = Buffer.from(await res.arrayBuffer());
      }
    } catch {
      bytes = null;
    }
    if (!bytes && file.provider !== 'local') {
      strapi.log.warn(`Credit evidence upload ${file.id} (${file.url}) could not be read; it is still public. Move it by hand.`);
      continue;
    }
    if (bytes && record && !record.evidence) {
      const mime = evidenceType(bytes.subarray(0, HEAD_BYTES), bytes.length) ?? 'application/octet-stream';
      const stored = await storePrivateFile(strapi, bytes, { name: safeFileName(file.name, mime), mime, owner: record.teacher?.documentId ?? null });
      await strapi.db.query(CREDIT_UID).update({ where: { id: record.id }, data: { evidence: stored.id } });
      moved += 1;
    } else if (!bytes) {
      strapi.log.warn(`Credit evidence upload ${file.id} (${file.url}) has no bytes on disk; the link is dropped.`);
    }
    await knex(related.name).where({ [related.own]: file.id, [related.type]: CREDIT_UID, field: 'evidence' }).delete();
    const stillUsed = await knex(related.name).where({ [related.own]: file.id }).first();
    if (!stillUsed) await strapi.plugin('upload').service('upload').remove(file);
  }
  if (moved) strapi.log.info(`Moved ${moved} credit evidence file(s) from the upload plugin into the private files directory`);
  return moved;
}
