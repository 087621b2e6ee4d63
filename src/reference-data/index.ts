import type { Core } from '@strapi/strapi';
import themesFile from '../../database/reference/themes.json';
import tagsFile from '../../database/reference/five-education-tags.json';
import librariesFile from '../../database/reference/libraries.json';
import requirementsFile from '../../database/reference/requirement-rules.json';

type Row = Record<string, string | number>;

// PostgreSQL hands decimals back as strings ("20.00"); 20 and "20.00" are the same value.
const same = (stored: unknown, wanted: unknown) =>
  stored === wanted || (typeof wanted === 'number' && stored !== null && Number(stored) === wanted);

/**
 * Upserts versioned reference rows by their key field; rows added in the admin panel are kept.
 * Runs in one transaction so a bad file leaves the previous data.
 */
async function upsertByKey(strapi: Core.Strapi, uid: string, keyField: string, rows: Row[]) {
  let created = 0;
  let updated = 0;
  await strapi.db.transaction(async () => {
    const existing = await strapi.db.query(uid as any).findMany({});
    const byKey = new Map(existing.map((row) => [row[keyField], row]));
    for (const row of rows) {
      const current = byKey.get(row[keyField]);
      if (!current) {
        await strapi.documents(uid as any).create({ data: row });
        created += 1;
      } else if (Object.keys(row).some((field) => !same(current[field], row[field]))) {
        await strapi.db.query(uid as any).update({ where: { id: current.id }, data: row });
        updated += 1;
      }
    }
  });
  return { created, updated };
}

export async function syncReferenceData(strapi: Core.Strapi) {
  return {
    themes: await upsertByKey(strapi, 'api::theme.theme', 'slug', themesFile.themes),
    fiveEducationTags: await upsertByKey(strapi, 'api::five-education-tag.five-education-tag', 'key', tagsFile.fiveEducationTags),
    libraries: await upsertByKey(strapi, 'api::library.library', 'key', librariesFile.libraries),
    requirementRules: await upsertByKey(strapi, 'api::requirement-rule.requirement-rule', 'position', requirementsFile.rules),
  };
}
