import { factories, type Core } from '@strapi/strapi';
import { forbidden } from '../../../shared/errors';
import { CONTENT_UIDS, type ContentType } from '../../../content/curriculum';
import { canReadCounselingCases, type CallerProfile } from '../../../platform/actor';
import { joinTable } from '../../../shared/sql';

const LIBRARY_UID = 'api::library.library';
const ENTRY_UID = 'api::library-entry.library-entry';

export interface LibraryRow {
  id: number;
  documentId: string;
  key: string;
  nameZh: string;
  nameEn: string;
  resourceType: ContentType;
  target: number;
}

interface EntryRow {
  resourceDocumentId: string;
  year: number;
  rank: number;
  awardLevel: 'first' | 'second' | 'third';
  score: string | number | null;
}

/** A row of the progress counts: the library's id, the value counted (a grade band, theme slug or year) and how many. */
interface CountRow {
  library: number | string;
  value?: unknown;
  n?: number | string;
}

export default factories.createCoreService(LIBRARY_UID, ({ strapi }: { strapi: Core.Strapi }) => ({
  async list() {
    return strapi.db.query(LIBRARY_UID).findMany({
      select: ['documentId', 'key', 'nameZh', 'nameEn', 'resourceType', 'target'],
      orderBy: { id: 'asc' },
    });
  },

  /** The selected resources of a library, filtered, sorted and paged like the content endpoints. */
  async entries(profile: CallerProfile, library: LibraryRow, query: { filters?: unknown; [param: string]: unknown }) {
    const type = library.resourceType as ContentType;
    if (type === 'counseling-case' && !canReadCounselingCases(profile)) {
      throw forbidden('Counselling cases are for researchers and mental-health teachers');
    }
    const entries: EntryRow[] = await strapi.db.query(ENTRY_UID).findMany({
      where: { library: { id: library.id } },
      select: ['resourceDocumentId', 'year', 'rank', 'awardLevel', 'score'],
    });
    const byResource = new Map(entries.map((entry) => [entry.resourceDocumentId, entry]));
    const inLibrary = { documentId: { $in: [...byResource.keys()] } };
    // The controller sanitizes the entries once they carry their libraryEntry, so the page is taken as is.
    const { results, pagination } = await strapi.service(CONTENT_UIDS[type]).list(profile, {
      ...query,
      filters: query.filters ? { $and: [query.filters, inLibrary] } : inLibrary,
    }, async (docs: Record<string, unknown>[]) => docs);
    const data = results.map((doc: { documentId: string }) => {
      const found: Partial<EntryRow> = byResource.get(doc.documentId) ?? {};
      const { resourceDocumentId: _id, ...entry } = found;
      return { ...doc, libraryEntry: { ...entry, score: entry.score == null ? null : Number(entry.score) } };
    });
    return { library: { key: library.key, nameZh: library.nameZh, nameEn: library.nameEn }, data, pagination };
  },

  /**
   * Per library: target, selected, remaining, and counts by grade band, theme and year — aggregated in SQL.
   * Counts distinct resources: a resource is in a library once, however many entries name it.
   */
  async progress() {
    const knex = strapi.db.connection;
    const entries = strapi.db.metadata.get(ENTRY_UID).tableName;
    const themes = strapi.db.metadata.get('api::theme.theme').tableName;
    const byLibrary = joinTable(strapi, ENTRY_UID, 'library');
    const byTheme = joinTable(strapi, ENTRY_UID, 'themes');

    const grouped = (column: string) =>
      knex({ e: entries })
        .join({ l: byLibrary.name }, `l.${byLibrary.own}`, 'e.id')
        .select({ library: `l.${byLibrary.other}`, value: column })
        .countDistinct({ n: 'e.resource_document_id' })
        .groupBy(`l.${byLibrary.other}`, column);

    const [totals, bands, years, themeCounts] = await Promise.all([
      knex({ e: entries })
        .join({ l: byLibrary.name }, `l.${byLibrary.own}`, 'e.id')
        .select({ library: `l.${byLibrary.other}` })
        .countDistinct({ n: 'e.resource_document_id' })
        .groupBy(`l.${byLibrary.other}`),
      grouped('e.grade_band'),
      grouped('e.year'),
      knex({ e: entries })
        .join({ l: byLibrary.name }, `l.${byLibrary.own}`, 'e.id')
        .join({ et: byTheme.name }, `et.${byTheme.own}`, 'e.id')
        .join({ t: themes }, 't.id', `et.${byTheme.other}`)
        .select({ library: `l.${byLibrary.other}`, value: 't.slug' })
        .countDistinct({ n: 'e.resource_document_id' })
        .groupBy(`l.${byLibrary.other}`, 't.slug'),
    ]);

    const countsFor = (rows: CountRow[], libraryId: number) =>
      Object.fromEntries(
        rows
          .filter((row) => Number(row.library) === libraryId && row.value !== null)
          .map((row) => [String(row.value), Number(row.n)])
          .sort(([a], [b]) => String(a).localeCompare(String(b)))
      );

    const libraries: LibraryRow[] = await strapi.db.query(LIBRARY_UID).findMany({ orderBy: { id: 'asc' } });
    return libraries.map((library) => {
      const selected = Number(totals.find((row: CountRow) => Number(row.library) === library.id)?.n ?? 0);
      return {
        key: library.key,
        nameZh: library.nameZh,
        nameEn: library.nameEn,
        resourceType: library.resourceType,
        target: library.target,
        selected,
        remaining: Math.max(0, library.target - selected),
        byGradeBand: countsFor(bands, library.id),
        byTheme: countsFor(themeCounts, library.id),
        byYear: countsFor(years, library.id),
      };
    });
  },
}));
