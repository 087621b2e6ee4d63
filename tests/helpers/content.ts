import type { Core } from '@strapi/strapi';

/** documentIds of five-education tags by key. */
export async function fiveEducationTagIds(strapi: Core.Strapi, ...keys: string[]): Promise<string[]> {
  const tags = await strapi.db.query('api::five-education-tag.five-education-tag').findMany({ where: { key: { $in: keys } } });
  return keys.map((key) => tags.find((t) => t.key === key)!.documentId);
}

/** documentIds of themes by slug (themes are reference data loaded at boot). */
export async function themeIds(strapi: Core.Strapi, ...slugs: string[]): Promise<string[]> {
  const themes = await strapi.db.query('api::theme.theme').findMany({ where: { slug: { $in: slugs } }, select: ['documentId', 'slug'] });
  return slugs.map((slug) => {
    const theme = themes.find((t) => t.slug === slug);
    if (!theme) throw new Error(`theme ${slug} missing`);
    return theme.documentId;
  });
}

export function lessonData(overrides: Record<string, unknown> = {}) {
  return {
    title: '认识情绪',
    summary: '帮助学生认识喜怒哀惧等基本情绪，学会用合适的方式表达。',
    gradeBand: 'upper_primary',
    gradeFrom: 4,
    gradeTo: 5,
    lessonType: 'activity_lesson',
    durationMinutes: 40,
    classHours: 1,
    objectives: '能说出四种基本情绪；能用一种方法平复情绪。',
    steps: [
      { phase: 'warm_up', minutes: 5, teacherActions: '“情绪猜猜猜”游戏导入', studentActivities: '观察表情并猜测情绪' },
      { phase: 'activity', minutes: 20, teacherActions: '组织“情绪脸谱”小组活动', studentActivities: '小组讨论并绘制脸谱' },
      { phase: 'sharing', minutes: 10, teacherActions: '邀请小组分享', studentActivities: '分享自己的情绪故事' },
      { phase: 'summary', minutes: 5, teacherActions: '总结情绪调节方法', studentActivities: '写下一句鼓励自己的话' },
    ],
    materials: '情绪卡片、彩笔、白纸',
    keywords: ['情绪', '表达'],
    ...overrides,
  };
}

export function scriptData(overrides: Record<string, unknown> = {}) {
  return {
    title: '考试之前',
    synopsis: '初三学生小林在模拟考失利后陷入焦虑，通过心理剧重新面对压力。',
    gradeBand: 'junior_secondary',
    durationMinutes: 30,
    castSize: 4,
    roles: [
      { name: '小林', description: '主角，成绩中等的初三学生', isProtagonist: true },
      { name: '妈妈', description: '关心但焦虑的家长', isProtagonist: false },
    ],
    scenes: [
      { title: '成绩单', setting: '家中客厅', script: '妈妈：这次怎么又退步了？\n小林：我已经很努力了……' },
      { title: '空椅子', setting: '心理辅导室', script: '导演请小林对着空椅子说出想对“压力”说的话。' },
    ],
    warmUp: '肢体放松与信任游戏。',
    enactment: '主角演出成绩单场景，辅角扮演妈妈。',
    sharing: '观众分享自己面对考试压力的经历。',
    techniques: ['empty_chair', 'role_reversal'],
    discussionQuestions: ['小林的压力来自哪里？', '你会怎样安慰小林？'],
    facilitatorNotes: '注意保护主角，分享阶段不评价。',
    sensitiveTopicWarnings: '涉及学业焦虑，留意情绪激动的学生。',
    ...overrides,
  };
}

export function caseData(overrides: Record<string, unknown> = {}) {
  return {
    title: '一名初一新生的入学适应辅导',
    format: 'individual',
    gradeBand: 'junior_secondary',
    problemCategory: 'adaptation',
    background: '学生小A（化名）入学后常感孤独，上课注意力不集中，主动求助。',
    assessment: '适应性困难，伴轻度焦虑情绪，无危机风险。',
    approaches: ['solution_focused', 'art_therapy'],
    sessions: [
      { focus: '建立关系', whatWasDone: '倾听与共情，了解入学以来的变化。', observation: '学生逐渐放松。' },
      { focus: '寻找例外', whatWasDone: '用焦点解决提问寻找适应良好的时刻。', observation: '学生想起篮球课上的愉快经历。' },
    ],
    outcome: '三周后学生加入篮球社团，孤独感明显减轻。',
    reflection: '新生适应问题宜早发现、早陪伴。',
    consentObtained: true,
    anonymised: true,
    ...overrides,
  };
}

/** A valid-looking resident ID number (valid check digit), built rather than copied. */
export function residentId(base17 = '11010519900307123'): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = base17.split('').reduce((acc, digit, i) => acc + Number(digit) * weights[i], 0);
  return base17 + '10X98765432'[sum % 11];
}
