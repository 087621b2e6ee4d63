import type { Core } from '@strapi/strapi';
import type { Context, Next } from 'koa';
import { onChange } from '../shared/cluster';
import { jsonAsText, morphTable, tableOf } from '../shared/sql';

/**
 * `/uploads` serves published media only. A Media Library file (or one of its resized formats) is served to
 * anyone when a published entry uses it; a file used only by drafts, or by nothing yet, is served only to a
 * signed-in admin-panel user (the panel's <img> requests carry its refresh cookie, whose path is `/` —
 * config/admin.ts). Everything else answers 404, as if the file did not exist.
 */
const PREFIX = '/uploads/';
const TTL_MS = 2000;
const MAX_CACHED = 5000;

type Verdict = 'public' | 'unpublished' | 'unknown';

export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) => {
  const cache = new Map<string, { verdict: Verdict; until: number }>();
  // A publish, unpublish or edit on any instance is seen at once (src/shared/cluster.ts).
  onChange(strapi, '*', () => cache.clear());

  const fileVerdict = async (url: string): Promise<Verdict> => {
    const knex = strapi.db.connection;
    // A resized format's URL sits in the original's `formats` JSON; LIKE on the quoted URL finds it.
    const escaped = url.replace(/[\\%_]/g, (c) => `\\${c}`);
    const files: { id: number }[] = await knex(tableOf(strapi, 'plugin::upload.file'))
      .where('url', url)
      .orWhereRaw(`${jsonAsText(strapi, 'formats')} LIKE ? ESCAPE '\\'`, [`%"${escaped}"%`])
      .select('id')
      .limit(5);
    if (files.length === 0) return 'unknown';
    const related = morphTable(strapi, 'plugin::upload.file', 'related');
    const uses: { relatedId: number; relatedType: string }[] = await knex(related.name)
      .whereIn(related.own, files.map((f) => f.id))
      .select({ relatedId: related.id, relatedType: related.type });
    for (const use of uses) {
      const meta = strapi.db.metadata.get(use.relatedType as never) as { tableName: string; attributes: Record<string, unknown> } | undefined;
      const contentType = strapi.contentTypes[use.relatedType as keyof typeof strapi.contentTypes] as { options?: { draftAndPublish?: boolean } } | undefined;
      // Only content types decide publication; a component's media is judged unpublished (none carry media today).
      if (!meta || !contentType) continue;
      if (!contentType.options?.draftAndPublish) return 'public';
      const row = await knex(meta.tableName).where('id', use.relatedId).whereNotNull('published_at').first('id');
      if (row) return 'public';
    }
    return 'unpublished';
  };

  const cachedVerdict = async (url: string) => {
    const hit = cache.get(url);
    if (hit && hit.until > Date.now()) return hit.verdict;
    const verdict = await fileVerdict(url);
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(url, { verdict, until: Date.now() + TTL_MS });
    return verdict;
  };

  const isPanelUser = async (ctx: Context) => {
    const token = ctx.cookies.get('strapi_admin_refresh');
    if (!token) return false;
    try {
      const result = await strapi.sessionManager('admin').validateRefreshToken(token);
      return Boolean(result?.isValid);
    } catch {
      return false;
    }
  };

  return async (ctx: Context, next: Next) => {
    if (!ctx.path.startsWith(PREFIX) || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    let url: string;
    try {
      url = decodeURIComponent(ctx.path);
    } catch {
      ctx.status = 404;
      return;
    }
    const verdict = await cachedVerdict(url);
    if (verdict === 'public' || (verdict === 'unpublished' && (await isPanelUser(ctx)))) {
      // Draft media must not sit in shared caches.
      if (verdict === 'unpublished') ctx.set('Cache-Control', 'private, no-store');
      return next();
    }
    ctx.status = 404;
    ctx.body = { data: null, error: { status: 404, name: 'NotFoundError', message: 'Not Found', details: {} } };
  };
};
