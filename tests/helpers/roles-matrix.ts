import rolesFile from '../../database/reference/roles.json';

// What each granted action means to a reader of the README; an action missing here fails the README test.
export const ACTION_LABELS: Record<string, string> = {
  'plugin::users-permissions.auth.callback': '`POST /api/auth/local` sign in',
  'plugin::users-permissions.auth.changePassword': '`POST /api/auth/change-password`',
  'api::me.me.find': '`GET /api/me` own profile, school, role',
  'api::school.school.find': '`GET /api/schools`',
  'api::school.school.findOne': '`GET /api/schools/:documentId`',
  'api::teacher.teacher.find': '`GET /api/teachers` (no contact details)',
  'api::teacher.teacher.findOne': '`GET /api/teachers/:documentId`',
};

// Shown so the table says plainly what nobody gets.
const NEVER_GRANTED = [
  '`POST /api/auth/local/register` self-registration',
  '`GET /api/users`, `/api/users/:id`, roles and permissions',
  '`/api/upload` (upload API)',
];

const ROLE_ORDER = ['public', 'authenticated', 'teacher', 'researcher', 'coordinator'];

/** The README's roles table, rendered from database/reference/roles.json. */
export function renderRolesMatrix(): string {
  const roles = ROLE_ORDER.map((type) => rolesFile.roles.find((role) => role.type === type)!);
  const actions = [...new Set(roles.flatMap((role) => role.permissions))];
  const header = `| | ${roles.map((role) => role.name).join(' | ')} |`;
  const divider = `|---|${roles.map(() => ':---:').join('|')}|`;
  const rows = actions.map((action) => {
    const label = ACTION_LABELS[action];
    if (!label) throw new Error(`tests/helpers/roles-matrix.ts has no label for ${action}`);
    return `| ${label} | ${roles.map((role) => (role.permissions.includes(action) ? '✓' : '')).join(' | ')} |`;
  });
  const never = NEVER_GRANTED.map((label) => `| ${label} | ${roles.map(() => '✗').join(' | ')} |`);
  return [header, divider, ...rows, ...never].join('\n');
}
