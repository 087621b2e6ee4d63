import { randomBytes } from 'crypto';
import fs from 'fs';
import path from 'path';
import type { Core } from '@strapi/strapi';
import { DEMO_ACCOUNTS, DEMO_CITY, DEMO_SCHOOLS, STAFF_PATTERN, demoTeacherName } from './data';

const USER_UID = 'plugin::users-permissions.user';
const ROLE_UID = 'plugin::users-permissions.role';
const SCHOOL_UID = 'api::school.school';
const TEACHER_UID = 'api::teacher.teacher';

export interface DemoAccountCredentials {
  username: string;
  password: string;
  role: string;
  positions: string[];
}

/** Demo content goes only into an empty, non-production database, and can be switched off with DEMO_DATA=false. */
export async function shouldLoadDemoData(strapi: Core.Strapi): Promise<boolean> {
  if (process.env.NODE_ENV === 'production') return false;
  if (['false', '0', 'no'].includes(String(process.env.DEMO_DATA ?? 'true').toLowerCase())) return false;
  const counts = await Promise.all([
    strapi.db.query(SCHOOL_UID).count(),
    strapi.db.query(TEACHER_UID).count(),
    strapi.db.query(USER_UID).count(),
  ]);
  return counts.every((count) => count === 0);
}

export function demoAccountsFile(strapi: Core.Strapi): string {
  return process.env.DEMO_ACCOUNTS_FILE || path.join(strapi.dirs.app.root, '.tmp', 'demo-accounts.json');
}

/** Loads schools, teachers and demo accounts in one transaction, then writes the passwords once to a git-ignored file. */
export async function loadDemoData(strapi: Core.Strapi): Promise<DemoAccountCredentials[]> {
  const credentials: DemoAccountCredentials[] = [];

  await strapi.db.transaction(async () => {
    const roles = await strapi.db.query(ROLE_UID).findMany({ select: ['id', 'type'] });
    const roleId = (type: string) => {
      const role = roles.find((candidate) => candidate.type === type);
      if (!role) throw new Error(`Role "${type}" is missing; roles must be synced before demo data`);
      return role.id;
    };

    const schoolIds = new Map<string, string>();
    for (const school of DEMO_SCHOOLS) {
      const created = await strapi.documents(SCHOOL_UID).create({ data: { ...school, city: DEMO_CITY } });
      schoolIds.set(school.code, created.documentId);
    }

    const createUser = async (username: string, role: string, password?: string) =>
      strapi.documents(USER_UID).create({
        data: {
          username,
          email: `${username}@demo.xinyu.invalid`,
          provider: 'local',
          // Without a password the account cannot sign in until it is activated.
          ...(password ? { password, confirmed: true } : { confirmed: false }),
          blocked: false,
          role: roleId(role),
        },
      });

    for (const account of DEMO_ACCOUNTS) {
      const password = randomBytes(12).toString('base64url');
      const user = await createUser(account.username, account.role, password);
      if (account.schoolCode) {
        await strapi.documents(TEACHER_UID).create({
          data: {
            name: account.name,
            staffNumber: `DEMO${String(credentials.length + 1).padStart(3, '0')}`,
            school: schoolIds.get(account.schoolCode),
            positions: account.positions,
            user: user.documentId,
          },
        });
      }
      credentials.push({ username: account.username, password, role: account.role, positions: account.positions });
    }

    let index = 0;
    for (const [schoolIndex, school] of DEMO_SCHOOLS.entries()) {
      for (const [slot, positions] of STAFF_PATTERN.entries()) {
        const staffNumber = `36${String(schoolIndex + 1).padStart(2, '0')}${String(slot + 1).padStart(3, '0')}`;
        const user = await createUser(`t${staffNumber}`, 'teacher');
        await strapi.documents(TEACHER_UID).create({
          data: {
            name: demoTeacherName(index),
            staffNumber,
            school: schoolIds.get(school.code),
            positions,
            phone: `+86 000 0000 ${String(index).padStart(4, '0')}`, // visibly fake
            user: user.documentId,
          },
        });
        index += 1;
      }
    }
  });

  const file = demoAccountsFile(strapi);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  printOnce(credentials, file);
  return credentials;
}

function printOnce(credentials: DemoAccountCredentials[], file: string) {
  const rows = credentials.map((c) => `  ${c.username.padEnd(24)} ${c.password.padEnd(18)} ${c.role.padEnd(12)} ${c.positions.join(',')}`);
  // eslint-disable-next-line no-console
  console.log(
    [
      '',
      '演示账号 Demo accounts (shown once; also saved to ' + path.relative(process.cwd(), file) + '):',
      `  ${'username'.padEnd(24)} ${'password'.padEnd(18)} ${'role'.padEnd(12)} positions`,
      ...rows,
      '',
    ].join('\n')
  );
}
