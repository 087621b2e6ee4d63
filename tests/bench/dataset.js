'use strict';
/*
 * The benchmark dataset: a city's schools, teachers and their accounts, three school years of credit
 * records, training courses, lesson plans and psychodrama scripts — generated deterministically and
 * loaded in bulk through the database layer into a Strapi database that the app itself has just created.
 */
const { rng, lessonPlan, psychodramaScript, personName } = require('./corpus');
const { createBulkInserter } = require('./bulk-insert');

const SCALES = {
  default: { schools: 500, teachers: 50_000, creditRecords: 1_000_000, lessons: 10_000, scripts: 2_000, courses: 300, importRows: 100_000, referenceImportRows: 2_000 },
  small: { schools: 50, teachers: 5_000, creditRecords: 100_000, lessons: 1_000, scripts: 200, courses: 60, importRows: 10_000, referenceImportRows: 1_000 },
  tiny: { schools: 10, teachers: 300, creditRecords: 6_000, lessons: 100, scripts: 20, courses: 12, importRows: 1_000, referenceImportRows: 100 },
};

const SCHOOLS_PER_DISTRICT = 50;
const SCHOOL_YEARS = ['2023-2024', '2024-2025', '2025-2026'];
const CATEGORIES = ['topic_training', 'school_based', 'online', 'clinical_shadowing', 'wellbeing_activity', 'other'];
const DISTRICT_NAMES = ['东湖区', '西山县', '南城区', '北岭区', '清河县', '云溪区', '桃源县', '青松区', '白鹭区', '石门县', '龙湾区', '凤鸣县'];
const STAGES = [['primary'], ['junior_secondary'], ['senior_secondary'], ['primary', 'junior_secondary'], ['vocational']];
const STAGE_NAMES = { primary: '小学', junior_secondary: '初级中学', senior_secondary: '高级中学', vocational: '职业学校' };
const CHUNK = 5_000;

const districtOf = (school) => DISTRICT_NAMES[Math.floor(school / SCHOOLS_PER_DISTRICT) % DISTRICT_NAMES.length] + (school >= SCHOOLS_PER_DISTRICT * DISTRICT_NAMES.length ? Math.floor(school / (SCHOOLS_PER_DISTRICT * DISTRICT_NAMES.length)) : '');
const staffNumber = (i) => `BT${String(i + 1).padStart(6, '0')}`;
const username = (i) => `bench-t${String(i + 1).padStart(6, '0')}`;

/** Positions in proportions a city would have: mostly subject teachers, a quarter homeroom, few MH posts. */
function positionsFor(r) {
  const x = r.next();
  if (x < 0.04) return ['mh_fulltime'];
  if (x < 0.08) return ['mh_parttime', 'subject'];
  if (x < 0.13) return ['moral_education'];
  if (x < 0.38) return ['homeroom', 'subject'];
  return ['subject'];
}
const tierFor = (positions) => (positions.some((p) => p.startsWith('mh_')) ? 'A' : positions.some((p) => p === 'homeroom' || p === 'moral_education') ? 'B' : 'C');

function dateIn(r, schoolYear) {
  const start = Number(schoolYear.slice(0, 4));
  const from = Date.UTC(start, 8, 1);
  const to = Math.min(Date.UTC(start + 1, 7, 31), Date.UTC(2026, 7, 31));
  return new Date(from + r.int(Math.floor((to - from) / 86_400_000)) * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Loads the dataset into the database of a booted Strapi. `progress(stage, done, total)` reports as it goes.
 * Returns what the benchmark needs to drive the API: ids, districts, sample teachers.
 */
async function loadDataset(strapi, scale, progress) {
  const size = SCALES[scale];
  const bulk = createBulkInserter(strapi);
  const knex = bulk.knex;
  const r = rng(20261122);
  const now = new Date();

  const roles = Object.fromEntries((await knex('up_roles').select('id', 'type')).map((row) => [row.type, row.id]));
  const themes = Object.fromEntries((await knex('themes').select('id', 'slug')).map((row) => [row.slug, row.id]));
  const tags = Object.fromEntries((await knex('five_education_tags').select('id', 'key')).map((row) => [row.key, row.id]));

  const inChunks = async (stage, total, makeChunk) => {
    for (let start = 0; start < total; start += CHUNK) {
      const end = Math.min(total, start + CHUNK);
      await knex.transaction((trx) => makeChunk(trx, start, end));
      progress(stage, end, total);
    }
  };

  // Schools.
  const schoolRows = Array.from({ length: size.schools }, (_, i) => {
    const stages = STAGES[i % STAGES.length];
    const district = districtOf(i);
    return { name: `${district}第${i + 1}${STAGE_NAMES[stages[stages.length - 1]]}`, code: `BS${String(i + 1).padStart(4, '0')}`, city: '青溪市', district, stages, studentCount: 600 + r.int(2400), boarding: r.next() < 0.2 };
  });
  const schoolIds = await bulk.insertDocuments('api::school.school', schoolRows, { now });
  progress('schools', size.schools, size.schools);

  // Accounts (no password: provisioned teachers activate their own) and teacher profiles.
  const teachersPerSchool = Math.ceil(size.teachers / size.schools);
  const teacherPositions = [];
  const teacherIds = [];
  const userIds = [];
  await inChunks('teachers', size.teachers, async (trx, start, end) => {
    const users = [];
    for (let i = start; i < end; i += 1) users.push({ username: username(i), email: `${username(i)}@bench.invalid`, provider: 'local', confirmed: true, blocked: false, relations: { role: roles.teacher } });
    const ids = await bulk.insertDocuments('plugin::users-permissions.user', users, { trx, now });
    userIds.push(...ids);
    const teachers = [];
    for (let i = start; i < end; i += 1) {
      const positions = positionsFor(r);
      teacherPositions.push(positions);
      teachers.push({ name: personName(r), staffNumber: staffNumber(i), positions, certificateTier: tierFor(positions), relations: { school: schoolIds[Math.floor(i / teachersPerSchool)], user: ids[i - start] } });
    }
    teacherIds.push(...(await bulk.insertDocuments('api::teacher.teacher', teachers, { trx, now })));
  });
  const staffUsers = await bulk.insertDocuments('plugin::users-permissions.user', [
    { username: 'bench-coordinator', email: 'bench-coordinator@bench.invalid', provider: 'local', confirmed: true, blocked: false, relations: { role: roles.coordinator } },
    { username: 'bench-researcher', email: 'bench-researcher@bench.invalid', provider: 'local', confirmed: true, blocked: false, relations: { role: roles.researcher } },
  ], { now });

  // Training courses, a tenth of them per tier and year.
  const courseRows = Array.from({ length: size.courses }, (_, i) => {
    const tier = ['A', 'B', 'C'][i % 3];
    const schoolYear = SCHOOL_YEARS[i % SCHOOL_YEARS.length];
    const hours = [4, 8, 12, 16][r.int(4)];
    const startDate = dateIn(r, schoolYear);
    return {
      title: `${['心理健康教育骨干教师', '班主任心理辅导能力', '全员心理健康教育'][i % 3]}培训（第${i + 1}期）`,
      code: `BC-${schoolYear.slice(0, 4)}-${tier}-${String(i + 1).padStart(4, '0')}`,
      tier,
      audiencePositions: tier === 'A' ? ['mh_fulltime', 'mh_parttime'] : tier === 'B' ? ['homeroom', 'moral_education'] : ['subject'],
      level: ['city', 'county', 'school', 'provincial'][i % 4],
      mode: ['online', 'in_person', 'blended'][i % 3],
      creditHours: hours,
      schoolYear,
      startDate,
      endDate: startDate,
      capacity: 500,
      enrolledCount: 0,
      courseStatus: 'closed',
      components: { modules: [{ title: '理论学习', hours: hours / 2 }, { title: '实践研讨', hours: hours / 2 }] },
    };
  });
  const courseIds = await bulk.insertDocuments('api::training-course.training-course', courseRows, { now });
  progress('courses', size.courses, size.courses);

  // Credit records: three school years; mostly approved, some pending, a few rejected.
  const perTeacher = size.creditRecords / size.teachers;
  await inChunks('credit records', size.creditRecords, async (trx, start, end) => {
    const records = [];
    for (let i = start; i < end; i += 1) {
      const teacher = Math.floor(i / perTeacher);
      const schoolYear = SCHOOL_YEARS[i % SCHOOL_YEARS.length];
      const x = r.next();
      const status = x < 0.86 ? 'approved' : x < 0.96 ? 'pending' : 'rejected';
      const withCourse = r.next() < 0.3;
      const source = withCourse ? 'course_completion' : r.next() < 0.6 ? 'import' : 'manual';
      records.push({
        category: withCourse ? 'topic_training' : CATEGORIES[r.int(CATEGORIES.length)],
        hours: (11 + r.int(60)) / 10,
        date: dateIn(r, schoolYear),
        schoolYear,
        source,
        status: source === 'manual' ? status : 'approved',
        decidedAt: status === 'pending' && source === 'manual' ? null : now,
        externalRef: source === 'import' ? `BENCH-HIST-${i + 1}` : null,
        relations: { teacher: teacherIds[teacher], course: withCourse ? courseIds[r.int(courseIds.length)] : null, submittedBy: staffUsers[0], decidedBy: staffUsers[0] },
      });
    }
    await bulk.insertDocuments('api::credit-record.credit-record', records, { trx, now });
  });

  // Lesson plans and scripts, published (each with its draft, as Strapi keeps both).
  const authorOf = () => {
    const t = r.int(size.teachers);
    return { author: teacherIds[t], school: schoolIds[Math.floor(t / teachersPerSchool)] };
  };
  await inChunks('lesson plans', size.lessons, async (trx, start, end) => {
    const docs = [];
    for (let i = start; i < end; i += 1) {
      const { steps, themes: themeSlugs, fiveEducationTags, ...fields } = lessonPlan(r, i);
      docs.push({ ...fields, slug: `bench-lesson-${i + 1}`, components: { steps }, relations: { themes: themeSlugs.map((s) => themes[s]), fiveEducationTags: fiveEducationTags.map((k) => tags[k]), ...authorOf() } });
    }
    await bulk.insertDocuments('api::lesson-plan.lesson-plan', docs, { trx, now });
  });
  await inChunks('scripts', size.scripts, async (trx, start, end) => {
    const docs = [];
    for (let i = start; i < end; i += 1) {
      const { roles: cast, scenes, themes: themeSlugs, ...fields } = psychodramaScript(r, i);
      docs.push({ ...fields, slug: `bench-script-${i + 1}`, components: { roles: cast, scenes }, relations: { themes: themeSlugs.map((s) => themes[s]), ...authorOf() } });
    }
    await bulk.insertDocuments('api::psychodrama-script.psychodrama-script', docs, { trx, now });
  });
  await bulk.resetSequences();

  const { rebuildSearchIndex } = require('../../dist/src/content/search');
  const published = size.lessons + size.scripts;
  await rebuildSearchIndex(strapi, (done) => progress('search index', done, published));

  progress('analyze', 0, 1);
  await knex.raw('ANALYZE');
  progress('analyze', 1, 1);

  // What the load phase needs: accounts to act as, filters that match, a district of the right size.
  const sample = (count) => Array.from({ length: Math.min(count, size.teachers) }, (_, k) => Math.floor((k * size.teachers) / Math.min(count, size.teachers)));
  const teacherDocs = await knex('teachers').whereIn('id', sample(200).map((i) => teacherIds[i])).select('id', 'document_id');
  const userOfTeacher = new Map(sample(200).map((i) => [teacherIds[i], userIds[i]]));
  return {
    scale,
    size,
    roles,
    coordinatorUserId: staffUsers[0],
    researcherUserId: staffUsers[1],
    teachers: teacherDocs.map((t) => ({ documentId: t.document_id, userId: userOfTeacher.get(t.id) })),
    district: districtOf(0),
    districtTeachers: Math.min(SCHOOLS_PER_DISTRICT, size.schools) * teachersPerSchool,
    staffNumbers: { count: size.teachers, of: staffNumber },
    courseCodes: courseRows.filter((c) => c.schoolYear === '2025-2026').map((c) => c.code),
    themeSlugs: Object.keys(themes),
    schoolYear: '2025-2026',
    teacherPositions: teacherPositions.length,
  };
}

module.exports = { SCALES, loadDataset, staffNumber };
