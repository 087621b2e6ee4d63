import type { Context, Next } from 'koa';
import type { Core } from '@strapi/strapi';

// Up to this many unread bytes are read and dropped before a refusal is sent; a larger body is cut off.
const DRAIN_LIMIT = 8 * 1024 * 1024;
const DRAIN_WAIT_MS = 5_000;

/**
 * A request refused before its body was read (401/403 before a multipart upload is parsed, say) is answered
 * only once the body has arrived. Otherwise a client that does not keep the connection alive is still
 * sending when the server closes it, and sees a broken pipe instead of the 4xx that names the reason.
 */
export default (_config: unknown, _ctx: { strapi: Core.Strapi }) => {
  return async (ctx: Context, next: Next) => {
    await next();
    const req = ctx.req;
    if (ctx.status < 400 || req.readableEnded || req.destroyed) return;
    const length = Number(req.headers['content-length'] || 0);
    if (!(length > 0 && length <= DRAIN_LIMIT)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(done, DRAIN_WAIT_MS);
      timer.unref();
      req.once('end', done);
      req.once('close', done);
      req.once('error', done);
      req.resume();
    });
  };
};
