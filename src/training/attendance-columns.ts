import { createHash } from 'crypto';
import { CREDIT_CATEGORIES, MAX_HOURS_PER_RECORD, hoursProblem, roundHours, schoolYearOf, type HoursProblem } from './ledger';
import type { Cell } from '../shared/spreadsheet';

/** Header names as exported by training platforms and typed in Excel, Chinese and English. */
const HEADER_ALIASES: Record<string, string[]> = {
  staffNumber: ['工号', '教师编号', '教职工号', '职工号', 'staffnumber', 'staff number', 'staff_no'],
  name: ['姓名', '教师姓名', 'name'],
  date: ['日期', '培训日期', '完成日期', '学习日期', 'date'],
  hours: ['学时', '培训学时', '获得学时', 'hours'],
  category: ['类别', '培训类别', '类型', 'category'],
  courseCode: ['课程代码', '课程编号', 'course', 'coursecode', 'course code'],
  training: ['培训项目', '培训名称', '项目名称', '培训内容', '培训主题', 'training', 'training title', 'programme', 'program'],
  externalRef: ['记录编号', '流水号', '编号', 'id', 'externalref', 'record id'],
};
const REQUIRED = ['staffNumber', 'date', 'hours', 'category'];

const CATEGORY_LABELS: Record<string, string> = {
  专题培训: 'topic_training',
  校本培训: 'school_based',
  网络培训: 'online',
  线上培训: 'online',
  跟岗进修: 'clinical_shadowing',
  心理健康关怀活动: 'wellbeing_activity',
  关怀活动: 'wellbeing_activity',
  其他: 'other',
};

export interface RowError {
  row: number;
  column: string;
  reason: string;
}

export type ColumnMap = Record<string, number>;

/**
 * Full-width digits and punctuation (２, ：, ／, （） from Chinese input methods) become their ASCII forms;
 * zero-width characters and non-breaking spaces pasted from web pages are dropped or made plain spaces.
 */
export function normalizeText(value: string): string {
  return value.normalize('NFKC').replace(/[\u200b-\u200d\ufeff]/g, '').replace(/\u00a0/g, ' ').trim();
}

export function mapHeader(cells: Cell[]): { columns: ColumnMap; errors: RowError[] } {
  const normalized = cells.map((cell) => normalizeText(String(cell ?? '')).toLowerCase());
  const columns: ColumnMap = {};
  for (const [field, aliases] of Object.entries(HEADER_ALIASES)) {
    const index = normalized.findIndex((header) => aliases.includes(header));
    if (index >= 0) columns[field] = index;
  }
  const errors = REQUIRED.filter((field) => columns[field] === undefined).map((field) => ({
    row: 1,
    column: field,
    reason: `missing column; one of: ${HEADER_ALIASES[field].join(', ')}`,
  }));
  return { columns, errors };
}

function toDate(value: Cell): string | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString().slice(0, 10);
  const text = normalizeText(String(value ?? ''));
  const serial = typeof value === 'number' ? value : /^\d{5}(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (serial > 20000 && serial < 80000) {
    // An Excel serial date (days since 1899-12-30), as a number or as the text of one; a time of day is dropped.
    return new Date(Date.UTC(1899, 11, 30) + Math.floor(serial) * 86_400_000).toISOString().slice(0, 10);
  }
  const match = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$/.exec(text);
  if (!match) return null;
  const [y, m, d] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d ? date.toISOString().slice(0, 10) : null;
}

export interface ImportRow {
  row: number;
  staffNumber: string;
  date: string;
  schoolYear: string;
  hours: number;
  category: string;
  courseCode: string | null;
  /** 培训项目: the training's title when the sheet names it. */
  training: string | null;
  /** 姓名 as given, checked against the teacher of the staff number. */
  name: string | null;
  externalRef: string;
  /** The identity this row had before the training was part of it, so files imported then are still known. */
  legacyRef: string | null;
}

/** Validates one data row; returns the normalised row or the problems with it (row, column, reason). */
export function parseRow(row: number, cells: Cell[], columns: ColumnMap, today: string): { value?: ImportRow; errors: RowError[] } {
  const errors: RowError[] = [];
  const cell = (field: string) => (columns[field] === undefined ? null : cells[columns[field]] ?? null);
  const text = (field: string) => normalizeText(String(cell(field) ?? ''));

  const staffNumber = text('staffNumber');
  if (!staffNumber) errors.push({ row, column: 'staffNumber', reason: 'missing' });

  const date = toDate(cell('date'));
  if (!date) errors.push({ row, column: 'date', reason: `"${text('date')}" is not a date (YYYY-MM-DD)` });
  else if (date > today) errors.push({ row, column: 'date', reason: `${date} is in the future` });

  const rawHours = cell('hours');
  const hours = typeof rawHours === 'number' ? rawHours : Number(text('hours'));
  // The ledger's hours rule (training/ledger.ts), worded for a row of a sheet.
  const problem = text('hours') === '' ? 'not-a-number' : hoursProblem(hours);
  const HOURS_REASON: Record<HoursProblem, string> = {
    'not-a-number': `"${text('hours')}" is not a number`,
    'not-positive': `${hours} is not positive`,
    'too-many': `${hours} is more than ${MAX_HOURS_PER_RECORD} in one record`,
    'too-many-decimals': `${hours} has more than one decimal`,
  };
  if (problem) errors.push({ row, column: 'hours', reason: HOURS_REASON[problem] });

  const rawCategory = text('category');
  const category = CATEGORY_LABELS[rawCategory] ?? (CREDIT_CATEGORIES as readonly string[]).find((c) => c === rawCategory.toLowerCase());
  if (!category) errors.push({ row, column: 'category', reason: `"${rawCategory}" is not one of ${Object.keys(CATEGORY_LABELS).join('、')}` });

  if (errors.length) return { errors };
  const courseCode = text('courseCode') || null;
  const training = text('training').replace(/\s+/g, ' ').slice(0, 200) || null;
  // Without a platform record id, the row's content is its identity — the training included, so two trainings
  // on one day are two records — and the same file imported twice adds nothing.
  const digest = (parts: string[]) => `row:${createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 40)}`;
  const base = [staffNumber, date!, hours.toFixed(1), category!, courseCode ?? ''];
  const identifiedByContent = !text('externalRef');
  const externalRef = !identifiedByContent ? `ext:${text('externalRef')}` : training && !courseCode ? digest([...base, training]) : digest(base);
  const legacyRef = identifiedByContent && training && !courseCode ? digest(base) : null;
  return {
    value: { row, staffNumber, date: date!, schoolYear: schoolYearOf(date!), hours: roundHours(hours), category: category!, courseCode, training, name: text('name') || null, externalRef, legacyRef },
    errors,
  };
}
