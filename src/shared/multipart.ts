import fs, { promises as fsp } from 'fs';
import os from 'os';
import path from 'path';
import { pipeline } from 'stream/promises';
import busboy from 'busboy';
import mime from 'mime-types';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { filterShapeGuard, type RequestContext } from './query-guards';

/**
 * Multipart bodies (imports, evidence, the media library) are read by the route, after authentication and
 * authorisation, never by the global body parser: a refused request writes nothing to disk. Each request
 * gets a temporary directory of its own, removed when the request ends whatever the outcome. busboy reports
 * a malformed body (no boundary, truncated, a broken part header) as an error, answered 400; formidable,
 * Strapi's parser, waits for ever on some of them.
 */

export interface UploadedFile {
  filepath: string;
  size: number;
  originalFilename: string;
  newFilename: string;
  mimetype: string;
}

type Files = Record<string, UploadedFile | UploadedFile[]>;
type Fields = Record<string, string | string[]>;

const MAX_FIELDS = 100;
const MAX_FIELD_BYTES = 2 * 1024 * 1024;
const MAX_FILES = 20;

/** The file a multipart request carries in `field` (one, or the first of several), or undefined. */
export function uploadedFile(ctx: RequestContext, field: string): UploadedFile | undefined {
  const files: Files = ctx.request?.files ?? {};
  const entry = files[field];
  const file = Array.isArray(entry) ? entry[0] : entry;
  return file?.filepath ? file : undefined;
}

export const temporaryRoot = () => process.env.UPLOAD_TMP_DIR || path.join(os.tmpdir(), 'xinyu-uploads');

const badRequest = (message: string) =>
  new errors.ValidationError(message, { errors: [{ path: ['body'], message, name: 'ValidationError' }] });

/** A name as the client gave it, without directories or control characters (CR LF, NUL…). */
function cleanFilename(name: string | undefined): string {
  const base = path.basename(String(name ?? '').replace(/\\/g, '/'));
  // eslint-disable-next-line no-control-regex
  return base.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 255) || 'upload';
}

function add<T>(record: Record<string, T | T[]>, key: string, value: T) {
  const current = record[key];
  if (current === undefined) record[key] = value;
  else record[key] = Array.isArray(current) ? [...current, value] : [current, value];
}

async function readBody(ctx: RequestContext, dir: string, maxFileBytes: number): Promise<{ fields: Fields; files: Files }> {
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: ctx.req.headers,
      defParamCharset: 'utf8',
      limits: { fields: MAX_FIELDS, fieldSize: MAX_FIELD_BYTES, files: MAX_FILES, fileSize: maxFileBytes, parts: MAX_FIELDS + MAX_FILES },
    });
  } catch (error) {
    throw badRequest(`The multipart body cannot be read: ${(error as Error).message}`);
  }
  const fields: Fields = Object.create(null);
  const files: Files = Object.create(null);
  const writes: Promise<void>[] = [];
  let failure: Error | null = null;
  const fail = (error: Error) => {
    failure ??= error;
  };

  await new Promise<void>((resolve) => {
    let counter = 0;
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) fail(new errors.PayloadTooLargeError(`The field ${name} is over ${MAX_FIELD_BYTES} bytes`));
      else add(fields, name, value);
    });
    parser.on('file', (name, stream, info) => {
      const originalFilename = cleanFilename(info.filename);
      const newFilename = `part-${(counter += 1)}`;
      const filepath = path.join(dir, newFilename);
      let size = 0;
      stream.on('data', (chunk: Buffer) => (size += chunk.length));
      stream.on('limit', () => fail(new errors.PayloadTooLargeError(`The file ${name} is over the limit of ${maxFileBytes} bytes`)));
      const guessed = mime.lookup(originalFilename) || 'application/octet-stream';
      const mimetype = !info.mimeType || info.mimeType === 'application/octet-stream' ? guessed : info.mimeType;
      writes.push(
        pipeline(stream, fs.createWriteStream(filepath)).then(
          () => add(files, name, { filepath, size, originalFilename, newFilename, mimetype }),
          (error) => fail(badRequest(`The multipart body cannot be read: ${(error as Error).message}`))
        )
      );
    });
    parser.on('partsLimit', () => fail(new errors.PayloadTooLargeError(`A multipart body has at most ${MAX_FIELDS + MAX_FILES} parts`)));
    parser.on('filesLimit', () => fail(new errors.PayloadTooLargeError(`A multipart body has at most ${MAX_FILES} files`)));
    parser.on('fieldsLimit', () => fail(new errors.PayloadTooLargeError(`A multipart body has at most ${MAX_FIELDS} fields`)));
    parser.on('error', (error: Error) => {
      fail(badRequest(`The multipart body cannot be read: ${error.message}`));
      resolve();
    });
    parser.on('close', () => resolve());
    // A client that goes away mid-body ends the request too.
    ctx.req.on('aborted', () => {
      fail(badRequest('The request was aborted before its body was complete'));
      resolve();
    });
    ctx.req.pipe(parser);
  });
  await Promise.all(writes);
  if (failure) {
    ctx.req.unpipe(parser);
    ctx.req.resume();
    throw failure;
  }
  return { fields, files };
}

/**
 * Route middleware: reads a multipart body into ctx.request.body (fields) and ctx.request.files, then removes
 * every temporary file when the request is done. Other bodies pass untouched.
 */
export function multipartReader(strapi: Core.Strapi) {
  const maxFileBytes = Number(process.env.UPLOAD_MAX_BYTES || 200 * 1024 * 1024);
  return async (ctx: RequestContext, next: () => Promise<unknown>) => {
    if (!ctx.is('multipart') || ctx.request.files) return next();
    await fsp.mkdir(temporaryRoot(), { recursive: true });
    const dir = await fsp.mkdtemp(path.join(temporaryRoot(), 'req-'));
    try {
      const { fields, files } = await readBody(ctx, dir, maxFileBytes);
      ctx.request.body = fields;
      // Typed by koa-body as formidable's files; ours carry the fields Strapi's upload plugin reads (UploadedFile).
      ctx.request.files = files as unknown as typeof ctx.request.files;
      return await next();
    } finally {
      delete ctx.request.files;
      await fsp.rm(dir, { recursive: true, force: true }).catch((error) => strapi.log.warn(`Could not remove ${dir}: ${error.message}`));
    }
  };
}

/**
 * Gives every route (ours, the plugins', the admin's) the filter-shape check and the multipart reader as its
 * first route middlewares, so they run after the route's authentication, authorisation and policies, and know
 * which content type the route reads.
 */
export function guardEveryRoute(strapi: Core.Strapi) {
  const reader = multipartReader(strapi);
  const filters = filterShapeGuard(strapi);
  const server = strapi.server;
  const register = server.routes.bind(server);
  server.routes = (routes) => {
    const list = Array.isArray(routes) ? routes : routes?.routes ?? [];
    for (const route of list) {
      const withBody = ['POST', 'PUT', 'PATCH'].includes(String(route.method).toUpperCase());
      route.config = { ...(route.config ?? {}), middlewares: [filters, ...(withBody ? [reader] : []), ...(route.config?.middlewares ?? [])] };
    }
    return register(routes);
  };
}
