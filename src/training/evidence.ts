import fs from 'fs';
import type { Core } from '@strapi/strapi';
import { fieldError } from '../enum-set';

export const MAX_EVIDENCE_BYTES = 20 * 1024 * 1024;

/** What the file is, by its first bytes (a declared type or extension proves nothing): PDF, PNG, JPEG or WebP. */
export function evidenceType(head: Buffer): string | null {
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.subarray(0, 4).toString('latin1') === 'RIFF' && head.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  return null;
}

/** Stores a teacher's evidence through the upload plugin after checking what it really is. */
export async function storeEvidence(strapi: Core.Strapi, file: { filepath: string; size: number; originalFilename?: string; mimetype?: string }) {
  if (file.size > MAX_EVIDENCE_BYTES) throw fieldError('evidence', `evidence is at most ${MAX_EVIDENCE_BYTES / 1024 / 1024} MB`);
  const handle = await fs.promises.open(file.filepath, 'r');
  const head = Buffer.alloc(16);
  await handle.read(head, 0, 16, 0);
  await handle.close();
  const type = evidenceType(head);
  if (!type) throw fieldError('evidence', 'evidence must be a PDF, PNG, JPEG or WebP file');
  const [stored] = await strapi.plugin('upload').service('upload').upload({
    data: { fileInfo: { name: file.originalFilename ?? 'evidence' } },
    files: { ...file, mimetype: type },
  });
  return stored as { id: number; documentId: string };
}
