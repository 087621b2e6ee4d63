import path from 'path';
import { randomBytes } from 'crypto';
import request from 'supertest';
import { createStrapi, type Core } from '@strapi/strapi';
import { createTestDatabase, type TestDatabase } from './database';

const appDir = path.resolve(__dirname, '..', '..');
const distDir = path.join(appDir, 'dist');

export interface TestApp {
  strapi: Core.Strapi;
  db: TestDatabase;
  /** A supertest client bound to the mounted HTTP server. */
  http: () => ReturnType<typeof request>;
  /** Stops Strapi and boots it again on the same database (bootstrap runs a second time). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function boot(): Promise<Core.Strapi> {
  const instance = createStrapi({ appDir, distDir });
  instance.log.level = 'error';
  await instance.load();
  instance.server.mount();
  return instance;
}

/** Boots the real app on a fresh database of the configured kind (DATABASE_CLIENT=sqlite|postgres, or `client`). */
export async function startApp({ demo = false, client, empty = false }: { demo?: boolean; client?: 'sqlite' | 'postgres'; /** No template: the first boot itself is under test. */ empty?: boolean } = {}): Promise<TestApp> {
  const db = await createTestDatabase({ ...(client ? { client } : {}), empty });
  db.applyEnv();
  process.env.DEMO_DATA = demo ? 'true' : 'false';
  if (demo && !process.env.DEMO_ACCOUNTS_FILE) {
    process.env.DEMO_ACCOUNTS_FILE = path.join(appDir, '.tmp', 'test', `demo-accounts_${path.basename(db.name)}.json`);
  }

  const app: TestApp = {
    strapi: await boot(),
    db,
    http: () => request(app.strapi.server.httpServer),
    async restart() {
      await app.strapi.destroy();
      app.strapi = await boot();
    },
    async stop() {
      await app.strapi.destroy();
      await db.drop();
    },
  };
  return app;
}

export type RoleType = 'teacher' | 'researcher' | 'coordinator' | 'authenticated';

export interface TestUser {
  user: { id: number; documentId: string; username: string };
  teacher?: { id: number; documentId: string; name: string; staffNumber: string };
  jwt: string;
  password: string;
}

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}${randomBytes(2).toString('hex')}`;

export async function createSchool(strapi: Core.Strapi, overrides: Record<string, unknown> = {}) {
  const code = `T-${unique()}`.slice(0, 32);
  return strapi.documents('api::school.school').create({
    data: {
      name: `测试学校 ${code}`,
      code,
      city: '测试市',
      district: '测试区',
      stages: ['primary'],
      studentCount: 1000,
      boarding: false,
      ...overrides,
    },
  });
}

/** Creates a login account with a role and, for teachers, a teacher profile; returns a signed JWT. */
export async function createUser(
  strapi: Core.Strapi,
  {
    role,
    teacher,
  }: {
    role: RoleType;
    teacher?: { name?: string; schoolDocumentId?: string; positions?: string[]; phone?: string; staffNumber?: string };
  }
): Promise<TestUser> {
  const roleRow = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: role } });
  if (!roleRow) throw new Error(`role ${role} missing`);
  const username = `u${unique()}`;
  const password = randomBytes(12).toString('base64url');
  const user = await strapi.documents('plugin::users-permissions.user').create({
    data: {
      username,
      email: `${username}@test.invalid`,
      password,
      provider: 'local',
      confirmed: true,
      blocked: false,
      role: roleRow.id,
    },
  });

  let teacherDoc: TestUser['teacher'];
  if (teacher) {
    teacherDoc = (await strapi.documents('api::teacher.teacher').create({
      data: {
        name: teacher.name ?? '测试教师',
        staffNumber: teacher.staffNumber ?? `S${unique()}`.slice(0, 32),
        positions: teacher.positions ?? ['subject'],
        school: teacher.schoolDocumentId,
        phone: teacher.phone,
        user: user.documentId,
      },
    })) as TestUser['teacher'];
    // Fixture: a mental-health post here counts as already confirmed by a researcher (src/platform/mh-post.ts), written
    // directly because the Document Service never lets anyone set the confirmation.
    if ((teacher.positions ?? []).some((p) => p.startsWith('mh_'))) {
      await strapi.db.query('api::teacher.teacher').update({
        where: { id: teacherDoc!.id },
        data: { mhPostConfirmedAt: new Date(), mhPostConfirmedBy: 'test-fixture', mhPostPending: false },
      });
    }
  }

  const jwt = strapi.plugin('users-permissions').service('jwt').issue({ id: user.id });
  return { user: user as TestUser['user'], teacher: teacherDoc, jwt, password };
}

export const bearer = (jwt: string) => ({ Authorization: `Bearer ${jwt}` });
