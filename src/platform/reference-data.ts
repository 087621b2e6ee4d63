import type { Core } from '@strapi/strapi';
import { columnOf, ensureUniqueIndex, isUniqueViolation, tableOf } from '../shared/sql';
import themesFile from '../../database/reference/themes.json';
import tagsFile from '../../database/reference/five-education-tags.json';
import librariesFile from '../../database/reference/libraries.json';
import requirementsFile from '../../database/reference/requirement-rules.json';

type Row = Record<string, string | number>;
type ReferenceUid =
  | 'api::theme.theme'
  | 'api::five-education-tag.five-education-tag'
  | 'api::library.library'
  | 'api::requirement-rule.requirement-rule';

// PostgreSQL hands decimals back as strings ("20.00"); 20 and "20.00" are the same value.
const same = (stored: unknown, wanted: unknown) =>
  stored === wanted || (typeof wanted === 'number' && stored !== null && Number(stored) === wanted);

/**
 * Upserts versioned reference rows by their key field; rows added in the admin panel are kept.
 * Runs in one transaction so a bad file leaves the previous data.
 */
async function upsertByKey(strapi: Core.Strapi, uid: ReferenceUid, keyField: string, rows: Row[]) {
  let created = 0;
  let updated = 0;
  await strapi.db.transaction(async () => {
    const existing = await strapi.db.query(uid).findMany({});
    const byKey = new Map(existing.map((row) => [row[keyField], row]));
    for (const row of rows) {
      const current = byKey.get(row[keyField]);
      if (!current) {
        await strapi.documents(uid).create({ data: row });
        created += 1;
      } else if (Object.keys(row).some((field) => !same(current[field], row[field]))) {
        await strapi.db.query(uid).update({ where: { id: current.id }, data: row });
        updated += 1;
      }
    }
  });
  return { created, updated };
}

/**
 * The key of every reference table is unique in the database too, so an instance started without the boot
 * lock (or a script) can never insert a theme twice. An index that cannot be built because duplicates are
 * already stored is reported, not fatal: the rows need a person's decision.
 */
export async function ensureReferenceKeys(strapi: Core.Strapi) {
  const keys: [ReferenceUid, string][] = [
    ['api::theme.theme', 'slug'],
    ['api::five-education-tag.five-education-tag', 'key'],
    ['api::library.library', 'key'],
    ['api::requirement-rule.requirement-rule', 'position'],
  ];
  for (const [uid, field] of keys) {
    const table = tableOf(strapi, uid);
    const column = columnOf(strapi, uid, field);
    const index = `${table}_${column}_key_unique`;
    try {
      await ensureUniqueIndex(strapi, uid, field, index);
    } catch (error) {
      // Only stored duplicates are tolerated; anything else stops the boot.
      if (!isUniqueViolation(error)) throw error;
      strapi.log.warn(`${table}.${column} holds duplicates; remove them so ${index} can be built: ${(error as Error).message}`);
    }
  }
}

export async function syncReferenceData(strapi: Core.Strapi) {
  await ensureReferenceKeys(strapi);
  return {
    themes: await upsertByKey(strapi, 'api::theme.theme', 'slug', themesFile.themes),
    fiveEducationTags: await upsertByKey(strapi, 'api::five-education-tag.five-education-tag', 'key', tagsFile.fiveEducationTags),
    libraries: await upsertByKey(strapi, 'api::library.library', 'key', librariesFile.libraries),
    requirementRules: await upsertByKey(strapi, 'api::requirement-rule.requirement-rule', 'position', requirementsFile.rules),
  };
}
