import { createHash } from 'crypto';
import { CREDIT_CATEGORIES, MAX_HOURS_PER_RECORD, roundHours, schoolYearOf } from '../training';
import type { Cell } from '../spreadsheet';

/** Header names as exported by training platforms and typed in Excel, Chinese and English. */
const HEADER_ALIASES: Record<string, string[]> = {
  staffNumber: ['工号', '教师编号', '教职工号', '职工号', 'staffnumber', 'staff number', 'staff_no'],
  name: ['姓名', '教师姓名', 'name'],
  date: ['日期', '培训日期', '完成日期', '学习日期', 'date'],
  hours: ['学时', '培训学时', '获得学时', 'hours'],
  category: ['类别', '培训类别', '类型', 'category'],
  courseCode: ['课程代码', '课程编号', 'course', 'coursecode', 'course code'],
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

export function mapHeader(cells: Cell[]): { columns: ColumnMap; errors: RowError[] } {
  const normalized = cells.map((cell) => String(cell ?? '').replace(/^\uFEFF/, '').trim().toLowerCase());
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
  if (typeof value === 'number' && value > 20000 && value < 80000) {
    // An Excel serial date that reached us as a number.
    return new Date(Date.UTC(1899, 11, 30) + value * 86_400_000).toISOString().slice(0, 10);
  }
  const match = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(String(value ?? '').trim());
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
  externalRef: string;
}

/** Validates one data row; returns the normalised row or the problems with it (row, column, reason). */
export function parseRow(row: number, cells: Cell[], columns: ColumnMap, today: string): { value?: ImportRow; errors: RowError[] } {
  const errors: RowError[] = [];
  const cell = (field: string) => (columns[field] === undefined ? null : cells[columns[field]] ?? null);
  const text = (field: string) => String(cell(field) ?? '').trim();

  const staffNumber = text('staffNumber');
  if (!staffNumber) errors.push({ row, column: 'staffNumber', reason: 'missing' });

  const date = toDate(cell('date'));
  if (!date) errors.push({ row, column: 'date', reason: `"${text('date')}" is not a date (YYYY-MM-DD)` });
  else if (date > today) errors.push({ row, column: 'date', reason: `${date} is in the future` });

  const rawHours = cell('hours');
  const hours = typeof rawHours === 'number' ? rawHours : Number(String(rawHours ?? '').trim());
  if (String(rawHours ?? '').trim() === '' || !Number.isFinite(hours)) errors.push({ row, column: 'hours', reason: `"${text('hours')}" is not a number` });
  else if (hours <= 0) errors.push({ row, column: 'hours', reason: `${hours} is not positive` });
  else if (hours > MAX_HOURS_PER_RECORD) errors.push({ row, column: 'hours', reason: `${hours} is more than ${MAX_HOURS_PER_RECORD} in one record` });
  else if (Math.abs(Math.round(hours * 10) - hours * 10) > 1e-9) errors.push({ row, column: 'hours', reason: `${hours} has more than one decimal` });

  const rawCategory = text('category');
  const category = CATEGORY_LABELS[rawCategory] ?? (CREDIT_CATEGORIES as readonly string[]).find((c) => c === rawCategory.toLowerCase());
  if (!category) errors.push({ row, column: 'category', reason: `"${rawCategory}" is not one of ${Object.keys(CATEGORY_LABELS).join('、')}` });

  if (errors.length) return { errors };
  const courseCode = text('courseCode') || null;
  // Without a platform record id, the row's content is its identity, so the same file imported twice adds nothing.
  const externalRef = text('externalRef')
    ? `ext:${text('externalRef')}`
    : `row:${createHash('sha256').update([staffNumber, date, hours.toFixed(1), category, courseCode ?? ''].join('|')).digest('hex').slice(0, 40)}`;
  return {
    value: { row, staffNumber, date: date!, schoolYear: schoolYearOf(date!), hours: roundHours(hours), category: category!, courseCode, externalRef },
    errors,
  };
}
