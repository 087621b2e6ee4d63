import rolesFile from '../../database/reference/roles.json';
import { startApp, createSchool, type TestApp } from '../helpers/strapi';
import { syncRolesAndPermissions } from '../../src/platform/roles-permissions';
import { shouldLoadDemoData } from '../../database/demo/load';
import { syncReferenceData } from '../../src/platform/reference-data';
import themesFile from '../../database/reference/themes.json';
import tagsFile from '../../database/reference/five-education-tags.json';

let app: TestApp;

beforeAll(async () => {
  app = await startApp({ empty: true });
});
afterAll(async () => {
  await app?.stop();
});

/** Roles and their permissions as stored, including row ids, so a delete-and-recreate would show. */
async function snapshot() {
  const roles = await app.strapi.db.query('plugin::users-permissions.role').findMany({ populate: ['permissions'], orderBy: { type: 'asc' } });
  return roles.map((role) => ({
    id: role.id,
    type: role.type,
    name: role.name,
    description: role.description,
    permissions: role.permissions.map((p) => `${p.id}#${p.action}`).sort(),
  }));
}

const actionsOf = (snap: Awaited<ReturnType<typeof snapshot>>) =>
  Object.fromEntries(snap.map((role) => [role.type, role.permissions.map((p) => p.split('#')[1]).sort()]));

test('a fresh database has exactly the roles and permissions of database/reference/roles.json', async () => {
  const snap = await snapshot();
  expect(snap.map((r) => r.type).sort()).toEqual(['authenticated', 'coordinator', 'public', 'researcher', 'teacher']);
  expect(actionsOf(snap)).toEqual(Object.fromEntries(rolesFile.roles.map((role) => [role.type, [...role.permissions].sort()])));
  for (const role of rolesFile.roles) {
    expect(snap.find((r) => r.type === role.type)).toMatchObject({ name: role.name, description: role.description });
  }
});

test('public may only sign in and activate; nobody may register, list users or upload', async () => {
  const granted = Object.values(actionsOf(await snapshot())).flat();
  expect(actionsOf(await snapshot()).public).toEqual(['plugin::users-permissions.auth.callback', 'plugin::users-permissions.auth.resetPassword']);
  for (const forbidden of [
    'plugin::users-permissions.auth.register',
    'plugin::users-permissions.user.find',
    'plugin::users-permissions.user.findOne',
    'plugin::users-permissions.user.count',
    'plugin::upload.content-api.upload',
    'plugin::upload.content-api.find',
  ]) {
    expect(granted).not.toContain(forbidden);
  }
});

test('running the sync a second time changes nothing', async () => {
  const before = await snapshot();
  const changes = await syncRolesAndPermissions(app.strapi);
  expect(changes).toEqual({ rolesCreated: 0, rolesUpdated: 0, granted: 0, revoked: 0 });
  expect(await snapshot()).toEqual(before);
});

test('booting a second time on the same database leaves the same roles and permissions, row for row', async () => {
  const before = await snapshot();
  await app.restart();
  expect(await snapshot()).toEqual(before);
});

test('drift made in the admin panel is put back at the next boot', async () => {
  const clean = actionsOf(await snapshot());
  const roleQuery = app.strapi.db.query('plugin::users-permissions.role');
  const permissionQuery = app.strapi.db.query('plugin::users-permissions.permission');
  const publicRole = await roleQuery.findOne({ where: { type: 'public' } });
  const teacherRole = await roleQuery.findOne({ where: { type: 'teacher' } });
  await permissionQuery.create({ data: { action: 'plugin::users-permissions.user.find', role: publicRole.id } });
  await permissionQuery.create({ data: { action: 'plugin::users-permissions.auth.register', role: publicRole.id } });
  await permissionQuery.deleteMany({ where: { action: 'api::me.me.find', role: { id: teacherRole.id } } });
  await roleQuery.update({ where: { type: 'researcher' }, data: { name: 'Renamed' } });
  await app.strapi.store({ type: 'plugin', name: 'users-permissions' }).set({ key: 'advanced', value: { allow_register: true, unique_email: true } });

  const changes = await syncRolesAndPermissions(app.strapi);
  expect(changes).toEqual({ rolesCreated: 0, rolesUpdated: 1, granted: 1, revoked: 2 });

  await roleQuery.update({ where: { type: 'researcher' }, data: { name: 'Renamed again' } });
  await app.restart();
  const after = await snapshot();
  expect(actionsOf(after)).toEqual(clean);
  expect(after.find((r) => r.type === 'researcher')!.name).toBe('教研员 Researcher');
  const advanced = await app.strapi.store({ type: 'plugin', name: 'users-permissions' }).get({ key: 'advanced' });
  expect(advanced).toMatchObject({ allow_register: false, unique_email: true });
});

test('a permission name that does not exist is refused before anything changes', async () => {
  const before = await snapshot();
  const broken = [{ type: 'teacher', name: '教师 Teacher', description: 'x', permissions: ['api::me.me.find', 'api::lesson.lesson.find'] }];
  await expect(syncRolesAndPermissions(app.strapi, broken)).rejects.toThrow(/unknown permission actions: teacher: api::lesson\.lesson\.find/);
  expect(await snapshot()).toEqual(before);
});

describe('reference data: themes and five-education tags', () => {
  const themes = () => app.strapi.db.query('api::theme.theme').findMany({ orderBy: { slug: 'asc' } });

  test('every theme and tag of the versioned files is there, with its source', async () => {
    const stored = await themes();
    expect(stored.map((t) => [t.slug, t.nameZh, t.nameEn, t.source])).toEqual(
      [...themesFile.themes].sort((a, b) => a.slug.localeCompare(b.slug)).map((t) => [t.slug, t.nameZh, t.nameEn, t.source])
    );
    const tags = await app.strapi.db.query('api::five-education-tag.five-education-tag').findMany({});
    expect(tags.map((t) => t.key).sort()).toEqual(tagsFile.fiveEducationTags.map((t) => t.key).sort());
    const libraries = await app.strapi.db.query('api::library.library' as any).findMany({ orderBy: { key: 'asc' } });
    expect(libraries.map((l) => [l.key, l.resourceType, l.target])).toEqual([
      ['counseling-cases', 'counseling-case', 100],
      ['demonstration-lessons', 'lesson-plan', 100],
      ['psychodramas', 'psychodrama-script', 100],
    ]);
  });

  test('a second sync changes nothing; an edited theme is restored; a theme added by an admin is kept', async () => {
    expect(await syncReferenceData(app.strapi)).toEqual({
      themes: { created: 0, updated: 0 },
      fiveEducationTags: { created: 0, updated: 0 },
      libraries: { created: 0, updated: 0 },
      requirementRules: { created: 0, updated: 0 },
    });
    const before = await themes();
    await app.strapi.db.query('api::theme.theme').update({ where: { slug: 'exam-anxiety' }, data: { nameZh: '改坏了' } });
    await app.strapi.documents('api::theme.theme').create({ data: { slug: 'local-theme', nameZh: '本地主题', nameEn: 'Local' } });
    await app.restart();
    const after = await themes();
    expect(after.find((t) => t.slug === 'exam-anxiety')!.nameZh).toBe('考前心理');
    expect(after.find((t) => t.slug === 'local-theme')).toBeDefined();
    expect(after.filter((t) => t.slug !== 'local-theme').map((t) => t.id)).toEqual(before.map((t) => t.id));
  });
});

describe('demo data is only for empty, non-production databases', () => {
  const env = { ...process.env };
  afterEach(() => {
    process.env.NODE_ENV = env.NODE_ENV;
    process.env.DEMO_DATA = env.DEMO_DATA;
  });

  test('an empty database in development gets demo data unless DEMO_DATA=false', async () => {
    process.env.NODE_ENV = 'development';
    process.env.DEMO_DATA = 'true';
    expect(await shouldLoadDemoData(app.strapi)).toBe(true);
    process.env.DEMO_DATA = 'false';
    expect(await shouldLoadDemoData(app.strapi)).toBe(false);
  });

  test('never in production', async () => {
    process.env.NODE_ENV = 'production';
    process.env.DEMO_DATA = 'true';
    expect(await shouldLoadDemoData(app.strapi)).toBe(false);
  });

  test('never into a database that already holds a school', async () => {
    process.env.NODE_ENV = 'development';
    process.env.DEMO_DATA = 'true';
    await createSchool(app.strapi);
    expect(await shouldLoadDemoData(app.strapi)).toBe(false);
  });
});
