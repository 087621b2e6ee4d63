import type { ContentType } from '../curriculum';

// Fixed server-side populate: public fields of related records only, never contact details.
const themes = { fields: ['slug', 'nameZh', 'nameEn'] };
const author = { fields: ['name'] };
const fiveEducationTags = { fields: ['key', 'nameZh', 'nameEn'] };
const school = { fields: ['name'] };
const image = { fields: ['url', 'formats', 'alternativeText', 'width', 'height', 'mime'] };
const file = { fields: ['name', 'url', 'mime', 'size', 'ext'] };

export const LIST_POPULATE: Record<ContentType, Record<string, unknown>> = {
  'lesson-plan': { themes, fiveEducationTags, author, school, cover: image },
  'psychodrama-script': { themes, author, school },
  'counseling-case': { themes, author, school },
};

export const DETAIL_POPULATE: Record<ContentType, Record<string, unknown>> = {
  'lesson-plan': { ...LIST_POPULATE['lesson-plan'], steps: true, attachments: file },
  'psychodrama-script': { ...LIST_POPULATE['psychodrama-script'], roles: true, scenes: true, video: file },
  'counseling-case': { ...LIST_POPULATE['counseling-case'], sessions: true },
};
