import { randomBytes } from 'crypto';
import type { TestApp } from './strapi';

export interface AdminSession {
  token: string;
  email: string;
  /** Headers for the admin API (content manager). */
  headers: { Authorization: string };
}

/** Creates an active super admin and signs in through /admin/login, as the panel does. */
export async function adminSession(app: TestApp): Promise<AdminSession> {
  const superAdmin = await app.strapi.service('admin::role').getSuperAdmin();
  const email = `admin-${randomBytes(4).toString('hex')}@test.invalid`;
  const password = `Aa1-${randomBytes(12).toString('base64url')}`;
  await app.strapi.service('admin::user').create({ email, firstname: 'Test', lastname: 'Admin', password, isActive: true, roles: [superAdmin.id] });
  const res = await app.http().post('/admin/login').send({ email, password });
  if (res.status !== 200) throw new Error(`admin login failed: ${res.status} ${JSON.stringify(res.body)}`);
  const token = res.body.data.token as string;
  return { token, email, headers: { Authorization: `Bearer ${token}` } };
}

/** Paths of the admin panel's content-manager API for a collection type. */
export const cm = {
  collection: (uid: string) => `/content-manager/collection-types/${uid}`,
  document: (uid: string, documentId: string) => `/content-manager/collection-types/${uid}/${documentId}`,
  action: (uid: string, documentId: string, action: 'publish' | 'unpublish' | 'discard') =>
    `/content-manager/collection-types/${uid}/${documentId}/actions/${action}`,
};

/**
 * A staff member of the admin panel: an admin user with one of our staff roles (database/reference/admin-roles.json)
 * and, when given, a staff scope ({ level: 'city' } | { level: 'district', district } | { level: 'school', school:
 * <school documentId> }), signed in through /admin/login.
 */
export async function staffSession(app: TestApp, roleCode: string, scope: Record<string, unknown> | null): Promise<AdminSession & { id: number }> {
  const role = await app.strapi.db.query('admin::role').findOne({ where: { code: roleCode } });
  if (!role) throw new Error(`admin role ${roleCode} missing`);
  const email = `staff-${randomBytes(4).toString('hex')}@test.invalid`;
  const password = `Aa1-${randomBytes(12).toString('base64url')}`;
  const user = await app.strapi.service('admin::user').create({ email, firstname: 'Staff', lastname: roleCode, password, isActive: true, roles: [role.id] });
  if (scope) await app.strapi.documents('api::staff-scope.staff-scope').create({ data: { ...scope, adminUserId: Number(user.id) } as never });
  const res = await app.http().post('/admin/login').send({ email, password });
  if (res.status !== 200) throw new Error(`staff login failed: ${res.status} ${JSON.stringify(res.body)}`);
  const token = res.body.data.token as string;
  return { id: Number(user.id), token, email, headers: { Authorization: `Bearer ${token}` } };
}
