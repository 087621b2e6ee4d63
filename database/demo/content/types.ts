export type GradeBand = 'lower_primary' | 'upper_primary' | 'junior_secondary' | 'senior_secondary' | 'vocational';
export type ThemeSlug =
  | 'life-education' | 'frustration-education' | 'family-affection' | 'emotion-regulation' | 'stress-management'
  | 'meaning-of-life' | 'self-awareness-career' | 'interpersonal' | 'adaptation' | 'sexual-assault-prevention'
  | 'digital-literacy' | 'exam-anxiety';
export type LessonType = 'activity_lesson' | 'theme_class_meeting' | 'group_counselling' | 'subject_integration' | 'life_education' | 'parent_class';
export type FiveEducationTag = 'moral' | 'intellectual' | 'physical' | 'aesthetic' | 'labour';
export type LessonPhase = 'warm_up' | 'activity' | 'sharing' | 'summary';
export interface DemoLessonStep { phase: LessonPhase; minutes: number; teacherActions: string; studentActivities: string; designIntent: string; }
export interface DemoLessonPlan {
  title: string; summary: string; gradeBand: GradeBand; gradeFrom: number; gradeTo: number; themes: ThemeSlug[];
  lessonType: LessonType; fiveEducationTags: FiveEducationTag[]; durationMinutes: number; classHours: number;
  objectives: string; steps: DemoLessonStep[]; materials: string; keywords: string[];
}
export type PsychodramaTechnique = 'role_reversal' | 'doubling' | 'mirror' | 'empty_chair' | 'soliloquy' | 'future_projection' | 'sculpting';
export interface DemoPsychodramaScript {
  title: string; synopsis: string; gradeBand: GradeBand; themes: ThemeSlug[]; durationMinutes: number; castSize: number;
  roles: { name: string; description: string; isProtagonist: boolean }[];
  scenes: { title: string; setting: string; script: string }[];
  warmUp: string; enactment: string; sharing: string; techniques: PsychodramaTechnique[];
  discussionQuestions: string[]; facilitatorNotes: string; sensitiveTopicWarnings: string;
}
export type CaseFormat = 'individual' | 'group';
export type ProblemCategory = 'emotion' | 'interpersonal' | 'learning_stress' | 'adaptation' | 'family' | 'self_identity' | 'internet_use' | 'behaviour';
export type CounselingApproach = 'cbt' | 'solution_focused' | 'sand_tray' | 'art_therapy' | 'narrative' | 'group_dynamics' | 'mindfulness';
export interface DemoCounselingCase {
  title: string; format: CaseFormat; gradeBand: GradeBand; problemCategory: ProblemCategory; background: string;
  assessment: string; approaches: CounselingApproach[]; sessions: { focus: string; whatWasDone: string; observation: string }[];
  outcome: string; reflection: string; consentObtained: true; anonymised: true;
}
