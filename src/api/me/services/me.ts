import type { Core } from '@strapi/strapi';

const TEACHER_UID = 'api::teacher.teacher';

interface AuthenticatedUser {
  id: number;
  documentId: string;
  username: string;
  role?: { type: string; name: string };
}

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** What a signed-in user may know about themselves; built from a whitelist, then stripped of private fields. */
  async profile(user: AuthenticatedUser) {
    const teacher = await strapi.service(TEACHER_UID).findByUserId(user.id);
    const sanitizedTeacher = teacher
      ? await strapi.contentAPI.sanitize.output(teacher, strapi.getModel(TEACHER_UID))
      : null;
    return {
      documentId: user.documentId,
      username: user.username,
      role: user.role ? { type: user.role.type, name: user.role.name } : null,
      teacher: sanitizedTeacher,
    };
  },
});
