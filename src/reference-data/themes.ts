import type { Core } from '@strapi/strapi';
import themesFile from '../../database/reference/themes.json';

const THEME_UID = 'api::theme.theme';

/** Upserts the themes of database/reference/themes.json by slug; themes added in the admin panel are kept. */
export async function syncThemes(strapi: Core.Strapi) {
  let created = 0;
  let updated = 0;
  await strapi.db.transaction(async () => {
    const existing = await strapi.db.query(THEME_UID).findMany({ select: ['id', 'slug', 'nameZh', 'nameEn', 'description', 'source'] });
    const bySlug = new Map(existing.map((theme) => [theme.slug, theme]));
    for (const theme of themesFile.themes) {
      const current = bySlug.get(theme.slug);
      if (!current) {
        await strapi.documents(THEME_UID as any).create({ data: theme });
        created += 1;
      } else if (['nameZh', 'nameEn', 'description', 'source'].some((key) => current[key] !== theme[key])) {
        await strapi.db.query(THEME_UID).update({ where: { id: current.id }, data: theme });
        updated += 1;
      }
    }
  });
  return { created, updated };
}
