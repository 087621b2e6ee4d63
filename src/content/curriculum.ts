/** Vocabulary shared by the curriculum content types (lesson plans, psychodrama scripts, counselling cases). */

// DOMAIN.md "Grade bands"; seeds/000 distinguishes grades 1–3 from 4–12. 中职 uses senior-secondary ages.
export const GRADE_BANDS = {
  lower_primary: [1, 3],
  upper_primary: [4, 6],
  junior_secondary: [7, 9],
  senior_secondary: [10, 12],
  vocational: [10, 12],
} as const;
export type GradeBand = keyof typeof GRADE_BANDS;

export const PSYCHODRAMA_TECHNIQUES = [
  'role_reversal',
  'doubling',
  'mirror',
  'empty_chair',
  'soliloquy',
  'future_projection',
  'sculpting',
] as const;
export const COUNSELING_APPROACHES = [
  'cbt',
  'solution_focused',
  'sand_tray',
  'art_therapy',
  'narrative',
  'group_dynamics',
  'mindfulness',
] as const;

export const CONTENT_UIDS = {
  'lesson-plan': 'api::lesson-plan.lesson-plan',
  'psychodrama-script': 'api::psychodrama-script.psychodrama-script',
  'counseling-case': 'api::counseling-case.counseling-case',
} as const;
export type ContentType = keyof typeof CONTENT_UIDS;
export type ContentUid = (typeof CONTENT_UIDS)[ContentType];
export const CONTENT_TYPE_BY_UID = Object.fromEntries(
  Object.entries(CONTENT_UIDS).map(([type, uid]) => [uid, type])
) as Record<ContentUid, ContentType>;

export const isContentUid = (uid: string): uid is ContentUid => uid in CONTENT_TYPE_BY_UID;
