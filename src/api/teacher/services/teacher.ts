import { factories } from '@strapi/strapi';

const TEACHER_UID = 'api::teacher.teacher';

export default factories.createCoreService(TEACHER_UID, ({ strapi }) => ({
  /** The teacher profile linked to a login account, with its school, or null for staff without one. */
  async findByUserId(userId: number) {
    return strapi.documents(TEACHER_UID).findFirst({
      filters: { user: { id: userId } },
      fields: ['name', 'staffNumber', 'positions', 'certificateTier'],
      populate: { school: { fields: ['name', 'code', 'city', 'district', 'stages'] } },
    });
  },
}));
