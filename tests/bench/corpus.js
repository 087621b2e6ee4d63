'use strict';
/*
 * Realistic Chinese text for the benchmark dataset: new lesson plans and scripts recombined, sentence by
 * sentence, from the hand-written demo content, so the search index sees real vocabulary and lengths.
 * Deterministic: the same seed gives the same dataset.
 */
const path = require('path');

const distContent = path.resolve(__dirname, '..', '..', 'dist', 'database', 'demo', 'content');
const { DEMO_LESSON_PLANS } = require(path.join(distContent, 'lesson-plans.js'));
const { DEMO_PSYCHODRAMA_SCRIPTS } = require(path.join(distContent, 'psychodrama-scripts.js'));

/** mulberry32: a small, fast, seedable PRNG. */
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  const pick = (list) => list[int(list.length)];
  const some = (list, min, max) => {
    const count = Math.min(list.length, min + int(max - min + 1));
    const copy = [...list];
    for (let i = copy.length - 1; i > 0; i -= 1) {
      const j = int(i + 1);
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy.slice(0, count);
  };
  return { next, int, pick, some };
}

const sentences = (text) => String(text ?? '').split(/(?<=[。！？；])/).map((s) => s.trim()).filter(Boolean);
const pool = (texts) => texts.flatMap(sentences);

const lessonPools = {
  summary: pool(DEMO_LESSON_PLANS.map((l) => l.summary)),
  objectives: pool(DEMO_LESSON_PLANS.map((l) => l.objectives)),
  materials: DEMO_LESSON_PLANS.map((l) => l.materials).filter(Boolean),
  teacherActions: pool(DEMO_LESSON_PLANS.flatMap((l) => l.steps.map((s) => s.teacherActions))),
  studentActivities: pool(DEMO_LESSON_PLANS.flatMap((l) => l.steps.map((s) => s.studentActivities))),
  designIntent: pool(DEMO_LESSON_PLANS.flatMap((l) => l.steps.map((s) => s.designIntent))),
};
const scriptPools = {
  synopsis: pool(DEMO_PSYCHODRAMA_SCRIPTS.map((s) => s.synopsis)),
  roleDescription: pool(DEMO_PSYCHODRAMA_SCRIPTS.flatMap((s) => s.roles.map((r) => r.description))),
  roleName: [...new Set(DEMO_PSYCHODRAMA_SCRIPTS.flatMap((s) => s.roles.map((r) => r.name)))],
  sceneTitle: DEMO_PSYCHODRAMA_SCRIPTS.flatMap((s) => s.scenes.map((c) => c.title)),
  setting: pool(DEMO_PSYCHODRAMA_SCRIPTS.flatMap((s) => s.scenes.map((c) => c.setting))),
  script: pool(DEMO_PSYCHODRAMA_SCRIPTS.flatMap((s) => s.scenes.map((c) => c.script))),
  warmUp: pool(DEMO_PSYCHODRAMA_SCRIPTS.map((s) => s.warmUp)),
  enactment: pool(DEMO_PSYCHODRAMA_SCRIPTS.map((s) => s.enactment)),
  sharing: pool(DEMO_PSYCHODRAMA_SCRIPTS.map((s) => s.sharing)),
  questions: DEMO_PSYCHODRAMA_SCRIPTS.flatMap((s) => s.discussionQuestions ?? []),
  notes: pool(DEMO_PSYCHODRAMA_SCRIPTS.map((s) => s.facilitatorNotes)),
};

const TITLE_SUFFIXES = ['', '', '（第二课时）', '——主题活动课', '（校本改编）', '：我们一起来', '（班会版）', '——团体辅导'];
const clip = (text, max) => (text.length > max ? text.slice(0, max) : text);
const paragraph = (r, list, min, max) => r.some(list, min, max).join('');

/** A lesson plan in the shape of the content type (relations filled in by the caller). */
function lessonPlan(r, index) {
  const base = DEMO_LESSON_PLANS[index % DEMO_LESSON_PLANS.length];
  const stepCount = 4 + r.int(2);
  const minutes = base.durationMinutes;
  const each = Math.floor(minutes / stepCount);
  const phases = ['warm_up', ...Array(stepCount - 3).fill('activity'), 'sharing', 'summary'];
  const steps = phases.map((phase, i) => ({
    phase,
    minutes: i === stepCount - 1 ? minutes - each * (stepCount - 1) : each,
    teacherActions: paragraph(r, lessonPools.teacherActions, 1, 2),
    studentActivities: paragraph(r, lessonPools.studentActivities, 1, 2),
    designIntent: r.pick(lessonPools.designIntent),
  }));
  return {
    title: clip(`${base.title}${r.pick(TITLE_SUFFIXES)}`, 110),
    summary: paragraph(r, lessonPools.summary, 1, 3),
    gradeBand: base.gradeBand,
    gradeFrom: base.gradeFrom,
    gradeTo: base.gradeTo,
    lessonType: base.lessonType,
    durationMinutes: minutes,
    classHours: base.classHours,
    objectives: paragraph(r, lessonPools.objectives, 2, 3),
    materials: r.pick(lessonPools.materials),
    keywords: base.keywords ?? [],
    steps,
    themes: base.themes,
    fiveEducationTags: base.fiveEducationTags,
  };
}

function psychodramaScript(r, index) {
  const base = DEMO_PSYCHODRAMA_SCRIPTS[index % DEMO_PSYCHODRAMA_SCRIPTS.length];
  const roles = r.some(scriptPools.roleName, 3, 5).map((name, i) => ({
    name,
    description: r.pick(scriptPools.roleDescription),
    isProtagonist: i === 0,
  }));
  const scenes = Array.from({ length: 2 + r.int(2) }, () => ({
    title: r.pick(scriptPools.sceneTitle),
    setting: r.pick(scriptPools.setting),
    script: paragraph(r, scriptPools.script, 3, 6),
  }));
  return {
    title: clip(`${base.title}${r.pick(TITLE_SUFFIXES)}`, 110),
    synopsis: paragraph(r, scriptPools.synopsis, 2, 3),
    gradeBand: base.gradeBand,
    durationMinutes: base.durationMinutes,
    castSize: roles.length + r.int(4),
    warmUp: paragraph(r, scriptPools.warmUp, 1, 2),
    enactment: paragraph(r, scriptPools.enactment, 1, 2),
    sharing: paragraph(r, scriptPools.sharing, 1, 2),
    techniques: base.techniques ?? [],
    discussionQuestions: r.some(scriptPools.questions, 2, 4),
    facilitatorNotes: r.pick(scriptPools.notes),
    roles,
    scenes,
    themes: base.themes,
  };
}

/** Words a teacher would type into search, drawn from the content's own themes and topics. */
const SEARCH_QUERIES = ['情绪', '压力 考试', '人际交往', '生命教育', '手机 网络', '挫折', '亲子 沟通', '自我认识', '焦虑', '适应 新环境', '情绪 调节 深呼吸', '同伴 合作'];

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'.split('');
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建文斌宇浩凯晨欣怡佳琪雪婷晓雯子涵梓萱思远一鸣雨桐嘉怡浩然'.split('');
const personName = (r) => `${r.pick(SURNAMES)}${r.pick(GIVEN)}${r.next() < 0.6 ? r.pick(GIVEN) : ''}`;

module.exports = { rng, lessonPlan, psychodramaScript, personName, SEARCH_QUERIES };
