import type { Core } from '@strapi/strapi';
import labelsFile from '../../database/reference/admin-labels.json';

/*
 * The Content Manager labels every field in Chinese and English: the labels of database/reference/admin-labels.json
 * are written into its configuration (edit and list views) at every boot, after the plugin has synced its own.
 * Option values are translated in the panel itself (src/admin/app.tsx reads the same file). The file wins:
 * a label changed by hand in the panel is put back at the next boot, so a change is a reviewed diff.
 */

type Labels = Record<string, Record<string, string>>;
interface FieldMetadata {
  edit?: Record<string, unknown> & { label?: string };
  list?: Record<string, unknown> & { label?: string };
}
interface Configuration {
  settings: Record<string, unknown>;
  metadatas: Record<string, FieldMetadata>;
  layouts: Record<string, unknown>;
}
interface ConfigurationService {
  findConfiguration(model: { uid: string }): Promise<Configuration>;
  updateConfiguration(model: { uid: string }, configuration: Configuration): Promise<unknown>;
}

const labels = labelsFile as unknown as { contentTypes: Labels; components: Labels };

/** The configuration with the file's labels; null when it already has them. */
function withLabels(configuration: Configuration, fields: Record<string, string>): Configuration | null {
  let changed = false;
  const metadatas = { ...configuration.metadatas };
  for (const [field, label] of Object.entries(fields)) {
    const current = metadatas[field];
    if (!current) continue;
    if (current.edit?.label === label && current.list?.label === label) continue;
    metadatas[field] = { ...current, edit: { ...current.edit, label }, list: { ...current.list, label } };
    changed = true;
  }
  return changed ? { settings: configuration.settings, metadatas, layouts: configuration.layouts } : null;
}

/** Bootstrap (under the boot lock): writes only what differs; returns how many configurations changed. */
export async function syncAdminLabels(strapi: Core.Strapi): Promise<number> {
  const contentManager = strapi.plugin('content-manager');
  let changed = 0;
  const apply = async (service: ConfigurationService, models: Labels, exists: (uid: string) => boolean) => {
    for (const [uid, fields] of Object.entries(models)) {
      if (!exists(uid)) continue;
      const next = withLabels(await service.findConfiguration({ uid }), fields);
      if (next) {
        await service.updateConfiguration({ uid }, next);
        changed += 1;
      }
    }
  };
  await apply(contentManager.service('content-types') as ConfigurationService, labels.contentTypes, (uid) => uid in strapi.contentTypes);
  await apply(contentManager.service('components') as ConfigurationService, labels.components, (uid) => uid in strapi.components);
  return changed;
}
