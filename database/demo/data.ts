import type { SchoolStage } from '../../src/platform/school-stages';
import type { TeacherPosition } from '../../src/platform/teacher-positions';

// Demo content only: a fictional city (青溪市 Qingxi) with one urban district and one county.
export const DEMO_CITY = '青溪市';

export interface DemoSchool {
  code: string;
  name: string;
  district: string;
  stages: SchoolStage[];
  studentCount: number;
  boarding: boolean;
}

export const DEMO_SCHOOLS: DemoSchool[] = [
  { code: 'QX-DH-001', name: '青溪市东湖区实验小学', district: '东湖区', stages: ['primary'], studentCount: 2180, boarding: false },
  { code: 'QX-DH-002', name: '青溪市东湖区第二中学', district: '东湖区', stages: ['junior_secondary'], studentCount: 1650, boarding: false },
  { code: 'QX-DH-003', name: '青溪市第一中学', district: '东湖区', stages: ['junior_secondary', 'senior_secondary'], studentCount: 3420, boarding: true },
  { code: 'QX-DH-004', name: '青溪市东湖区明德九年一贯制学校', district: '东湖区', stages: ['primary', 'junior_secondary'], studentCount: 1980, boarding: false },
  { code: 'QX-XS-001', name: '西山县城关小学', district: '西山县', stages: ['primary'], studentCount: 1240, boarding: false },
  { code: 'QX-XS-002', name: '西山县民族中学', district: '西山县', stages: ['junior_secondary', 'senior_secondary'], studentCount: 2760, boarding: true },
  { code: 'QX-XS-003', name: '青溪市西山职业技术学校', district: '西山县', stages: ['vocational'], studentCount: 1530, boarding: true },
];

/** Each school's staff pattern: one MH post, homeroom teachers who also teach a subject, a moral-education manager, subject teachers. */
export const STAFF_PATTERN: TeacherPosition[][] = [
  ['mh_fulltime'],
  ['mh_parttime', 'homeroom', 'subject'],
  ['homeroom', 'subject'],
  ['moral_education'],
  ['subject'],
  ['subject'],
];

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高'.split('');
const GIVEN_NAMES = [
  '晓明', '丽华', '建国', '静怡', '志强', '海燕', '文杰', '雪梅', '国栋', '慧敏',
  '子涵', '思远', '晓燕', '春生', '美玲', '伟', '敏', '磊', '婷', '军',
];

export function demoTeacherName(index: number): string {
  return SURNAMES[index % SURNAMES.length] + GIVEN_NAMES[(index * 7 + Math.floor(index / 20)) % GIVEN_NAMES.length];
}

export interface DemoAccount {
  username: string;
  role: 'researcher' | 'coordinator' | 'teacher';
  /** For teachers: which school (by code) and positions the profile gets. */
  schoolCode?: string;
  positions: TeacherPosition[];
  name: string;
  /** For coordinators and researchers: where they work (city when absent). */
  scope?: DemoScope;
}

/** A staff scope as the demo writes it: the city, a district, or a school by code. */
export type DemoScope = { level: 'city' } | { level: 'district'; district: string } | { level: 'school'; schoolCode: string };

/** Admin-panel staff, one per level and role (database/reference/admin-roles.json), plus one super admin. */
export interface DemoStaff {
  email: string;
  firstname: string;
  lastname: string;
  /** An admin role code; `strapi-super-admin` for the super admin. */
  role: string;
  scope: DemoScope | null;
}

export const DEMO_STAFF: DemoStaff[] = [
  { email: 'admin@demo.xinyu.invalid', firstname: '系统', lastname: '管理员', role: 'strapi-super-admin', scope: null },
  { email: 'researcher.city@demo.xinyu.invalid', firstname: '周', lastname: '教研', role: 'xinyu-researcher', scope: { level: 'city' } },
  { email: 'coordinator.city@demo.xinyu.invalid', firstname: '吴', lastname: '培训', role: 'xinyu-coordinator', scope: { level: 'city' } },
  { email: 'coordinator.donghu@demo.xinyu.invalid', firstname: '郑', lastname: '东湖', role: 'xinyu-coordinator', scope: { level: 'district', district: '东湖区' } },
  { email: 'coordinator.xishan@demo.xinyu.invalid', firstname: '冯', lastname: '西山', role: 'xinyu-coordinator', scope: { level: 'district', district: '西山县' } },
  { email: 'lead.qx-dh-001@demo.xinyu.invalid', firstname: '钱', lastname: '校培', role: 'xinyu-school-lead', scope: { level: 'school', schoolCode: 'QX-DH-001' } },
  { email: 'reviewer@demo.xinyu.invalid', firstname: '何', lastname: '评审', role: 'xinyu-reviewer', scope: { level: 'city' } },
];

/** Sign-in accounts with known (random) passwords: one per role and per kind of teacher. */
export const DEMO_ACCOUNTS: DemoAccount[] = [
  { username: 'demo-researcher', role: 'researcher', positions: [], name: '周教研' },
  { username: 'demo-coordinator', role: 'coordinator', positions: [], name: '吴培训' },
  { username: 'demo-coordinator-xishan', role: 'coordinator', positions: [], name: '冯西山', scope: { level: 'district', district: '西山县' } },
  { username: 'demo-mh-teacher', role: 'teacher', schoolCode: 'QX-DH-001', positions: ['mh_fulltime'], name: '林心怡' },
  { username: 'demo-mh-parttime', role: 'teacher', schoolCode: 'QX-DH-003', positions: ['mh_parttime', 'subject'], name: '陈向阳' },
  { username: 'demo-homeroom-teacher', role: 'teacher', schoolCode: 'QX-DH-001', positions: ['homeroom', 'subject'], name: '李春晖' },
  { username: 'demo-moral-education', role: 'teacher', schoolCode: 'QX-DH-002', positions: ['moral_education'], name: '赵德明' },
  { username: 'demo-subject-teacher', role: 'teacher', schoolCode: 'QX-DH-002', positions: ['subject'], name: '孙雨桐' },
];
